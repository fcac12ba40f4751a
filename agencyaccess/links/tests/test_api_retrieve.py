from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from agencyaccess.apikeys.models import ApiKey
from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService, ServiceStatus
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.test import MCC_ID, BaseTestCase


class LinkRetrieveTests(BaseTestCase):
    def test_alice_retrieves_her_link(self):
        data = self.assertOk(
            self.api_get("/api/links/retrieve", self.alice_key, id=self.link.public_id)
        )
        self.assertEqual(data["clientID"], self.jane.public_id)
        self.assertEqual(
            data["requestedAccounts"],
            {
                "Google": {
                    "Google Ads": {
                        "accessLevel": "STANDARD",
                        "requested": True,
                        "granted": False,
                        "skipped": False,
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}],
                    }
                }
            },
        )

    def test_charlie_cannot_see_alices_link(self):
        r = self.api_get("/api/links/retrieve", self.charlie_key, id=self.link.public_id)
        self.assertError(r, 404)


# The fields of the API guide's "Retrieving a Link" response, and `url`, our documented addition.
GUIDE_FIELDS = {
    "id",
    "cc",
    "clientID",
    "created",
    "lastReminderTimestamp",
    "requestedAccounts",
    "intakeForm",
    "redirect",
    "staticLinkRef",
    "thankYouMessage",
    "retainTokens",
}


class LinkRetrieveShapeTests(BaseTestCase):
    def retrieve(self, public_id: str | None = None):
        return self.api_get(
            "/api/links/retrieve", self.alice_key, id=public_id or self.link.public_id
        )

    def test_the_link_comes_in_the_guides_shape(self):
        created = datetime(2025, 3, 14, 11, 19, 30, 10000, tzinfo=UTC)
        Link.objects.filter(pk=self.link.pk).update(
            cc=[{"name": "John Doe", "email": "john@example.com"}],
            created=created,
            last_reminder=created + timedelta(days=2),
            intake_form_requested=True,
            intake_completed=created + timedelta(days=1),
            redirect="yourwebsite.com",
            thank_you_message="Thank you for granting access!",
        )
        RequestedService.objects.filter(link=self.link).update(
            access_level="ADMIN", status=ServiceStatus.GRANTED
        )
        RequestedAccountLink.objects.filter(requested_service__link=self.link).update(mcc_id=MCC_ID)

        data = self.assertOk(self.retrieve())

        self.assertEqual(
            data,
            {
                "id": self.link.public_id,
                "url": f"{settings.SITE_URL}/l/{self.link.public_id}/",
                "cc": [{"name": "John Doe", "email": "john@example.com"}],
                "clientID": self.jane.public_id,
                "created": 1741951170010,
                "lastReminderTimestamp": 1741951170010 + 2 * 86_400_000,
                "requestedAccounts": {
                    "Google": {
                        "Google Ads": {
                            "accessLevel": "ADMIN",
                            "requested": True,
                            "granted": True,
                            "skipped": False,
                            "requestedAccountLinks": [
                                {
                                    "internalAccountID": self.google_a.public_id,
                                    "googleAdsMCCAccountID": MCC_ID,
                                }
                            ],
                        }
                    }
                },
                "intakeForm": {"requested": True, "complete": True},
                "redirect": "yourwebsite.com",
                "staticLinkRef": "",
                "thankYouMessage": "Thank you for granting access!",
                "retainTokens": False,
            },
        )

    def test_every_guide_field_is_there_with_one_type_even_when_unset(self):
        bare = Link.objects.create(agency=self.agency_a, client=self.jane)

        data = self.assertOk(self.retrieve(bare.public_id))

        self.assertEqual(set(data), GUIDE_FIELDS | {"url"})
        self.assertEqual(data["cc"], [])
        self.assertEqual(data["requestedAccounts"], {})
        self.assertEqual(data["intakeForm"], {"requested": False, "complete": False})
        self.assertEqual(
            (data["redirect"], data["staticLinkRef"], data["thankYouMessage"]), ("", "", "")
        )
        self.assertIs(data["retainTokens"], False)
        self.assertIsInstance(data["created"], int)
        self.assertIsInstance(data["lastReminderTimestamp"], int)

    def test_timestamps_are_epoch_milliseconds(self):
        data = self.assertOk(self.retrieve())
        self.assertEqual(data["created"], int(self.link.created.timestamp() * 1000))
        self.assertLess(abs(data["created"] - timezone.now().timestamp() * 1000), 60_000)

    def test_skipped_and_granted_follow_the_services_status(self):
        for status, granted, skipped in [
            (ServiceStatus.PENDING, False, False),
            (ServiceStatus.GRANTED, True, False),
            (ServiceStatus.SKIPPED, False, True),
        ]:
            with self.subTest(status):
                RequestedService.objects.filter(link=self.link).update(status=status)
                service = self.assertOk(self.retrieve())["requestedAccounts"]["Google"][
                    "Google Ads"
                ]
                self.assertEqual((service["granted"], service["skipped"]), (granted, skipped))

    def test_an_account_link_without_mcc_id_leaves_the_field_out(self):
        data = self.assertOk(self.retrieve())
        [account_link] = data["requestedAccounts"]["Google"]["Google Ads"]["requestedAccountLinks"]
        self.assertEqual(account_link, {"internalAccountID": self.google_a.public_id})

    def test_services_are_grouped_by_platform_under_their_catalogue_names(self):
        add_services(self.link, self.google_a, self.meta_a, accounts_per_service=1)
        data = self.assertOk(self.retrieve())
        self.assertEqual(
            {platform: list(services) for platform, services in data["requestedAccounts"].items()},
            {
                "Google": ["Google Ads", "Google Analytics", "Google Tag Manager"],
                "Meta": ["Meta Ads", "Facebook Pages", "Instagram"],
            },
        )
        self.assertEqual(data["requestedAccounts"]["Meta"]["Instagram"]["accessLevel"], "ANALYZE")

    def test_a_created_link_comes_back_as_it_was_sent(self):
        body = {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "google": {
                    "google ads": {
                        "accessLevel": "admin",
                        "requestedAccountLinks": [
                            {
                                "internalAccountID": self.google_a.public_id,
                                "googleAdsMCCAccountID": "123-456-7890",
                            }
                        ],
                    }
                }
            },
            "thankYouMessage": "Thanks",
            "redirect": "https://yourwebsite.com/thanks",
            "retainTokens": True,
        }
        public_id = self.assertOk(self.api_post("/api/links/create", body, self.alice_key))

        data = self.assertOk(self.retrieve(public_id))

        self.assertEqual(
            data["requestedAccounts"],
            {
                "Google": {
                    "Google Ads": {
                        "accessLevel": "ADMIN",
                        "requested": True,
                        "granted": False,
                        "skipped": False,
                        "requestedAccountLinks": [
                            {
                                "internalAccountID": self.google_a.public_id,
                                "googleAdsMCCAccountID": MCC_ID,
                            }
                        ],
                    }
                }
            },
        )
        self.assertEqual(
            (data["redirect"], data["thankYouMessage"]), ("yourwebsite.com/thanks", "Thanks")
        )
        self.assertIs(data["retainTokens"], True)
        self.assertEqual(data["clientID"], self.jane.public_id)

    def test_an_unknown_id_is_not_found(self):
        self.assertError(
            self.retrieve("NoSuchLinkAtAll00000"),
            404,
            'No link of your agency has the id "NoSuchLinkAtAll00000".',
        )

    def test_a_missing_id_is_a_bad_request(self):
        self.assertError(
            self.api_get("/api/links/retrieve", self.alice_key), 400, "id is required."
        )


def add_services(
    link: Link, google: ConnectedAccount, meta: ConnectedAccount, accounts_per_service: int
) -> None:
    """Five more services on `link`, each received by `accounts_per_service` accounts."""
    extra_google = [google] + [
        ConnectedAccount.objects.create(
            agency=link.agency, platform="google", email=f"g{i}@alice.example"
        )
        for i in range(accounts_per_service - 1)
    ]
    extra_meta = [meta] + [
        ConnectedAccount.objects.create(
            agency=link.agency, platform="meta", fields={"business_id": f"{i}"}
        )
        for i in range(accounts_per_service - 1)
    ]
    for position, (platform, key, level, accounts) in enumerate(
        [
            ("google", "google_analytics", "VIEWER", extra_google),
            ("google", "google_tag_manager", "READ", extra_google),
            ("meta", "meta_ads", "ANALYZE", extra_meta),
            ("meta", "facebook_pages", "ANALYZE", extra_meta),
            ("meta", "instagram", "ANALYZE", extra_meta),
        ],
        start=1,
    ):
        service = RequestedService.objects.create(
            link=link, platform=platform, service_key=key, access_level=level, position=position
        )
        for i, account in enumerate(accounts):
            RequestedAccountLink.objects.create(
                requested_service=service, connected_account=account, position=i
            )


class LinkRetrieveQueryCountTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A key used within the last minute: the request does not record its use again.
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=timezone.now())

    def assertRetrieveQueries(self, expected: int) -> dict:
        with self.assertNumQueries(expected):
            return self.assertOk(
                self.api_get("/api/links/retrieve", self.alice_key, id=self.link.public_id)
            )

    def test_retrieving_a_link_takes_a_constant_number_of_queries(self):
        # The key, the rate-limit counter, the link (with its client's and access page's ids),
        # its services with their receiving accounts.
        data = self.assertRetrieveQueries(4)
        self.assertEqual(len(data["requestedAccounts"]["Google"]), 1)

        add_services(self.link, self.google_a, self.meta_a, accounts_per_service=3)

        data = self.assertRetrieveQueries(4)
        self.assertEqual(len(data["requestedAccounts"]["Meta"]), 3)
        self.assertEqual(
            len(data["requestedAccounts"]["Meta"]["Instagram"]["requestedAccountLinks"]), 3
        )
