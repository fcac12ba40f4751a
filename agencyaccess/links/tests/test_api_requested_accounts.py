"""`requestedAccounts` rules, the same on links/create and links/update."""

from typing import Any

from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.test import MCC_ID, BaseTestCase

GOOGLE_ADS = "requestedAccounts.Google.Google Ads"


class RequestedAccountsTests(BaseTestCase):
    """Each rule is checked on create; `send` is overridden below to run them all on update too."""

    def send(self, requested_accounts: Any):
        body = {"clientID": self.jane.public_id, "requestedAccounts": requested_accounts}
        return self.api_post("/api/links/create", body, self.alice_key)

    def stored(self, response) -> Link:
        return Link.objects.get(public_id=self.assertOk(response))

    def assertNothingStored(self) -> None:
        self.assertEqual(Link.objects.count(), 2)
        self.assertEqual(
            list(
                RequestedService.objects.filter(link=self.link).values_list(
                    "service_key", "access_level"
                )
            ),
            [("google_ads", "STANDARD")],
        )

    def google_link(self, **extra: Any) -> dict[str, Any]:
        return {"internalAccountID": self.google_a.public_id, **extra}

    def meta_link(self) -> dict[str, Any]:
        return {"internalAccountID": self.meta_a.public_id}

    def levels(self, link: Link) -> dict[str, str]:
        return dict(link.services.values_list("service_key", "access_level"))

    def test_platform_and_service_names_are_accepted_in_any_case(self):
        link = self.stored(
            self.send(
                {
                    "google": {"GOOGLE ADS": {"requestedAccountLinks": [self.google_link()]}},
                    "META": {"meta ads": {"requestedAccountLinks": [self.meta_link()]}},
                }
            )
        )
        self.assertEqual(set(self.levels(link)), {"google_ads", "meta_ads"})

    def test_an_unknown_platform_is_refused_with_the_list(self):
        r = self.send({"Myspace": {"Myspace Ads": {}}})
        body = self.assertError(r, 400)
        self.assertTrue(
            body["msg"].startswith(
                'requestedAccounts: "Myspace" is not a platform. Platforms: Google, Meta, TikTok,'
            )
        )
        self.assertNothingStored()

    def test_an_unknown_service_is_refused_with_the_platforms_services(self):
        r = self.send({"Google": {"Google Plus": {"requestedAccountLinks": [self.google_link()]}}})
        self.assertError(
            r,
            400,
            'requestedAccounts.Google: "Google Plus" is not a Google service. Google services: '
            "Google Ads, Google Ads MCC, Google Analytics, Google Tag Manager, Google Merchant Center, "
            "Google Search Console, YouTube Studio, Google Business Profile, Looker Studio.",
        )
        self.assertError(
            self.send({"Meta": {"Google Ads": {"requestedAccountLinks": [self.meta_link()]}}}),
            400,
        )
        self.assertNothingStored()

    def test_access_levels_are_accepted_in_any_case_and_stored_upper_case(self):
        for sent, stored in [
            ("ADMIN", "ADMIN"),
            ("Admin", "ADMIN"),
            ("read_only", "READ_ONLY"),
            ("Read only", "READ_ONLY"),
            ("read-only", "READ_ONLY"),
            (" email only ", "EMAIL_ONLY"),
        ]:
            with self.subTest(sent):
                link = self.stored(
                    self.send(
                        {
                            "Google": {
                                "Google Ads": {
                                    "accessLevel": sent,
                                    "requestedAccountLinks": [self.google_link()],
                                }
                            }
                        }
                    )
                )
                self.assertEqual(self.levels(link), {"google_ads": stored})

    def test_a_left_out_or_null_access_level_is_the_services_default(self):
        link = self.stored(
            self.send(
                {
                    "Google": {
                        "Google Ads": {"requestedAccountLinks": [self.google_link()]},
                        "Google Analytics": {
                            "accessLevel": None,
                            "requestedAccountLinks": [self.google_link()],
                        },
                    },
                    "Meta": {"Facebook Pages": {"requestedAccountLinks": [self.meta_link()]}},
                }
            )
        )
        self.assertEqual(
            self.levels(link),
            {
                "google_ads": "STANDARD",
                "google_analytics": "EDITOR",
                "facebook_pages": "CREATE_CONTENT",
            },
        )

    def test_a_level_the_service_does_not_have_is_refused_with_its_levels(self):
        for level in ["OWNER", "", "ADMINISTRATOR", "ANALYZE"]:
            with self.subTest(level):
                self.assertError(
                    self.send(
                        {
                            "Google": {
                                "Google Ads": {
                                    "accessLevel": level,
                                    "requestedAccountLinks": [self.google_link()],
                                }
                            }
                        }
                    ),
                    400,
                    f'{GOOGLE_ADS}.accessLevel: "{level}" is not a level of Google Ads. '
                    "Levels: ADMIN, STANDARD, READ_ONLY, EMAIL_ONLY.",
                )
        self.assertNothingStored()

    def test_wrong_types_inside_requested_accounts_are_named(self):
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "accessLevel": 5,
                            "requested": "yes",
                            "requestedAccountLinks": [
                                {"internalAccountID": 7, "googleAdsMCCAccountID": 1234567890}
                            ],
                        }
                    }
                }
            ),
            400,
            f"{GOOGLE_ADS}.accessLevel must be a string. {GOOGLE_ADS}.requested must be true or false. "
            f"{GOOGLE_ADS}.requestedAccountLinks[0].internalAccountID must be a string. "
            f"{GOOGLE_ADS}.requestedAccountLinks[0].googleAdsMCCAccountID must be a string.",
        )
        self.assertError(
            self.send({"Google": []}), 400, "requestedAccounts.Google must be an object."
        )
        self.assertError(
            self.send({"Google": {"Google Ads": "ADMIN"}}), 400, f"{GOOGLE_ADS} must be an object."
        )
        self.assertError(
            self.send(
                {"Google": {"Google Ads": {"requestedAccountLinks": {"internalAccountID": "x"}}}}
            ),
            400,
            f"{GOOGLE_ADS}.requestedAccountLinks must be an array.",
        )
        self.assertError(
            self.send({"Google": {"Google Ads": {"requestedAccountLinks": [{}]}}}),
            400,
            f"{GOOGLE_ADS}.requestedAccountLinks[0].internalAccountID is required.",
        )
        self.assertError(self.send([]), 400, "requestedAccounts must be an object.")
        self.assertNothingStored()

    def test_a_requested_service_needs_an_account_link(self):
        for config in [
            {},
            {"requested": True, "requestedAccountLinks": []},
            {"requestedAccountLinks": None},
        ]:
            with self.subTest(config):
                self.assertError(
                    self.send({"Google": {"Google Ads": config}}),
                    400,
                    f"{GOOGLE_ADS}.requestedAccountLinks must name at least one connected account "
                    "(internalAccountID) to receive the access.",
                )
        self.assertNothingStored()

    def test_null_for_an_optional_setting_means_not_given(self):
        link = self.stored(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "accessLevel": None,
                            "requested": None,
                            "requestedAccountLinks": [self.google_link(googleAdsMCCAccountID=None)],
                        }
                    }
                }
            )
        )
        service = link.services.get()
        self.assertEqual((service.access_level, service.requested), ("STANDARD", True))

    def test_a_service_not_requested_needs_no_account_link_and_is_stored_as_not_requested(self):
        link = self.stored(
            self.send(
                {
                    "Google": {"Google Ads": {"requested": False}},
                    "Meta": {"Meta Ads": {"requestedAccountLinks": [self.meta_link()]}},
                }
            )
        )
        self.assertEqual(
            dict(link.services.values_list("service_key", "requested")),
            {"google_ads": False, "meta_ads": True},
        )
        data = self.assertOk(self.api_get("/api/links/retrieve", self.alice_key, id=link.public_id))
        self.assertEqual(
            data["requestedAccounts"]["Google"]["Google Ads"],
            {
                "accessLevel": "STANDARD",
                "requested": False,
                "granted": False,
                "skipped": False,
                "requestedAccountLinks": [],
            },
        )

    def test_an_unknown_internal_account_id_is_refused(self):
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "requestedAccountLinks": [{"internalAccountID": "NoSuchAccount0000000"}]
                        }
                    }
                }
            ),
            400,
            f'{GOOGLE_ADS}.requestedAccountLinks[0].internalAccountID: "NoSuchAccount0000000" is not a '
            "connected Google account of your agency, which Google Ads needs.",
        )
        self.assertNothingStored()

    def test_an_account_of_another_platform_is_refused(self):
        self.assertError(
            self.send({"Google": {"Google Ads": {"requestedAccountLinks": [self.meta_link()]}}}),
            400,
            f'{GOOGLE_ADS}.requestedAccountLinks[0].internalAccountID: "{self.meta_a.public_id}" is not a '
            "connected Google account of your agency, which Google Ads needs.",
        )
        self.assertNothingStored()

    def test_charlies_account_is_refused_as_if_it_did_not_exist(self):
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "requestedAccountLinks": [
                                {"internalAccountID": self.google_b.public_id}
                            ]
                        }
                    }
                }
            ),
            400,
            f'{GOOGLE_ADS}.requestedAccountLinks[0].internalAccountID: "{self.google_b.public_id}" is not a '
            "connected Google account of your agency, which Google Ads needs.",
        )
        self.assertNothingStored()

    def test_an_account_lacking_what_the_service_needs_is_refused(self):
        no_business = ConnectedAccount.objects.create(
            agency=self.agency_a, platform="meta", fields={}
        )
        self.assertError(
            self.send(
                {
                    "Meta": {
                        "Meta Ads": {
                            "requestedAccountLinks": [{"internalAccountID": no_business.public_id}]
                        }
                    }
                }
            ),
            400,
            f"requestedAccounts.Meta.Meta Ads.requestedAccountLinks[0].internalAccountID: connected account "
            f'"{no_business.public_id}" has no Business Manager ID, which Meta Ads needs. Add it to the account first.',
        )
        no_email = ConnectedAccount.objects.create(agency=self.agency_a, platform="google")
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Analytics": {
                            "requestedAccountLinks": [{"internalAccountID": no_email.public_id}]
                        }
                    }
                }
            ),
            400,
            f"requestedAccounts.Google.Google Analytics.requestedAccountLinks[0].internalAccountID: connected account "
            f'"{no_email.public_id}" has no Email address, which Google Analytics needs. Add it to the account first.',
        )
        self.assertNothingStored()

    def test_several_accounts_may_receive_one_service(self):
        second = ConnectedAccount.objects.create(
            agency=self.agency_a, platform="google", email="ads2@alice.example"
        )
        link = self.stored(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "requestedAccountLinks": [
                                self.google_link(),
                                {"internalAccountID": second.public_id},
                            ]
                        }
                    }
                }
            )
        )
        self.assertEqual(
            list(
                RequestedAccountLink.objects.filter(requested_service__link=link)
                .order_by("position")
                .values_list("connected_account", flat=True)
            ),
            [self.google_a.pk, second.pk],
        )

    def test_the_same_account_twice_is_refused(self):
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "requestedAccountLinks": [self.google_link(), self.google_link()]
                        }
                    }
                }
            ),
            400,
            f"{GOOGLE_ADS}.requestedAccountLinks names an account twice.",
        )

    def test_too_many_account_links_are_refused(self):
        self.assertError(
            self.send(
                {"Google": {"Google Ads": {"requestedAccountLinks": [self.google_link()] * 11}}}
            ),
            400,
            f"{GOOGLE_ADS}.requestedAccountLinks may name at most 10 accounts.",
        )
        self.assertNothingStored()

    def test_the_same_service_twice_is_refused(self):
        for requested_accounts in [
            {
                "Google": {
                    "Google Ads": {"requestedAccountLinks": [self.google_link()]},
                    "google ads": {"requestedAccountLinks": [self.google_link()]},
                }
            },
            {
                "Google": {"Google Ads": {"requestedAccountLinks": [self.google_link()]}},
                "GOOGLE": {"Google Ads": {"requestedAccountLinks": [self.google_link()]}},
            },
        ]:
            with self.subTest(requested_accounts):
                self.assertError(
                    self.send(requested_accounts),
                    400,
                    "requestedAccounts names Google.Google Ads twice.",
                )
        self.assertNothingStored()

    def test_a_google_ads_mcc_id_is_stored_without_dashes(self):
        for sent in [MCC_ID, "123-456-7890", " 123-456-7890 "]:
            with self.subTest(sent):
                link = self.stored(
                    self.send(
                        {
                            "Google": {
                                "Google Ads": {
                                    "requestedAccountLinks": [
                                        self.google_link(googleAdsMCCAccountID=sent)
                                    ]
                                }
                            }
                        }
                    )
                )
                self.assertEqual(
                    RequestedAccountLink.objects.get(requested_service__link=link).mcc_id, MCC_ID
                )

    def test_an_empty_or_null_mcc_id_is_not_given(self):
        for sent in ["", None]:
            with self.subTest(sent):
                link = self.stored(
                    self.send(
                        {
                            "Google": {
                                "Google Ads": {
                                    "requestedAccountLinks": [
                                        self.google_link(googleAdsMCCAccountID=sent)
                                    ]
                                }
                            }
                        }
                    )
                )
                self.assertEqual(
                    RequestedAccountLink.objects.get(requested_service__link=link).mcc_id, ""
                )

    def test_a_malformed_mcc_id_is_refused(self):
        for sent in [
            "12345",
            "12345678901",
            "123-4567-890",
            "abc-def-ghij",
            "123 456 7890",
            "1234567890-",
        ]:
            with self.subTest(sent):
                self.assertError(
                    self.send(
                        {
                            "Google": {
                                "Google Ads": {
                                    "requestedAccountLinks": [
                                        self.google_link(googleAdsMCCAccountID=sent)
                                    ]
                                }
                            }
                        }
                    ),
                    400,
                    f"{GOOGLE_ADS}.requestedAccountLinks[0].googleAdsMCCAccountID must be a 10-digit "
                    "Google Ads customer id, such as 123-456-7890.",
                )
        self.assertNothingStored()

    def test_an_mcc_id_that_is_not_the_accounts_own_is_refused(self):
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "requestedAccountLinks": [
                                self.google_link(googleAdsMCCAccountID="999-999-9999")
                            ]
                        }
                    }
                }
            ),
            400,
            f"{GOOGLE_ADS}.requestedAccountLinks[0].googleAdsMCCAccountID: 9999999999 is not a manager "
            f'account of connected account "{self.google_a.public_id}" (its manager accounts: {MCC_ID}).',
        )
        self.assertNothingStored()

    def test_an_mcc_id_on_an_account_with_no_manager_accounts_is_refused(self):
        bare = ConnectedAccount.objects.create(
            agency=self.agency_a, platform="google", email="b@alice.example"
        )
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Ads": {
                            "requestedAccountLinks": [
                                {
                                    "internalAccountID": bare.public_id,
                                    "googleAdsMCCAccountID": MCC_ID,
                                }
                            ]
                        }
                    }
                }
            ),
            400,
            f"{GOOGLE_ADS}.requestedAccountLinks[0].googleAdsMCCAccountID: {MCC_ID} is not a manager "
            f'account of connected account "{bare.public_id}" (its manager accounts: none).',
        )

    def test_an_mcc_id_on_another_service_is_refused(self):
        self.assertError(
            self.send(
                {
                    "Google": {
                        "Google Analytics": {
                            "requestedAccountLinks": [
                                self.google_link(googleAdsMCCAccountID=MCC_ID)
                            ]
                        }
                    }
                }
            ),
            400,
            "requestedAccounts.Google.Google Analytics.requestedAccountLinks[0].googleAdsMCCAccountID "
            "is only accepted for Google Ads and Google Ads MCC.",
        )
        self.assertNothingStored()

    def test_google_ads_mcc_requires_an_mcc_id(self):
        self.assertError(
            self.send(
                {"Google": {"Google Ads MCC": {"requestedAccountLinks": [self.google_link()]}}}
            ),
            400,
            "requestedAccounts.Google.Google Ads MCC.requestedAccountLinks[0].googleAdsMCCAccountID is "
            "required for Google Ads MCC: the agency manager account to link the client's account under.",
        )
        link = self.stored(
            self.send(
                {
                    "Google": {
                        "Google Ads MCC": {
                            "requestedAccountLinks": [
                                self.google_link(googleAdsMCCAccountID=MCC_ID)
                            ]
                        }
                    }
                }
            )
        )
        self.assertEqual(self.levels(link), {"google_ads_mcc": "MANAGER"})

    def test_services_keep_the_order_they_were_sent_in(self):
        link = self.stored(
            self.send(
                {
                    "Meta": {"Instagram": {"requestedAccountLinks": [self.meta_link()]}},
                    "Google": {
                        "Looker Studio": {"requestedAccountLinks": [self.google_link()]},
                        "Google Ads": {"requestedAccountLinks": [self.google_link()]},
                    },
                }
            )
        )
        self.assertEqual(
            list(link.services.order_by("position").values_list("service_key", flat=True)),
            ["instagram", "looker_studio", "google_ads"],
        )


class RequestedAccountsOnUpdateTests(RequestedAccountsTests):
    """The same rules, on links/update of Alice's link."""

    def send(self, requested_accounts: Any):
        body = {"id": self.link.public_id, "requestedAccounts": requested_accounts}
        return self.api_post("/api/links/update", body, self.alice_key)
