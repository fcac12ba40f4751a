"""Access pages in the dashboard: Alice (or Bob) sets up reusable pages, choosing services,
receiving accounts and levels with the link pages' Requested Accounts Builder, or pasting the
API's JSON, checked as the API checks it. Charlie never reaches them."""

import json

from django.test import Client
from django.utils import timezone

from agencyaccess.links.intake_questions import parse_questions, replace_questions
from agencyaccess.links.models import AccessPage, IntakeForm, Link
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.test import MCC_ID, BaseTestCase


class AccessPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def google_ads(self, account: ConnectedAccount | None = None, **config) -> dict:
        account = account or self.google_a
        link = {"internalAccountID": account.public_id}
        return {"Google": {"Google Ads": {"requestedAccountLinks": [link], **config}}}

    def page(self, **fields) -> AccessPage:
        defaults = {
            "agency": self.agency_a,
            "name": "Webinar",
            "requested_accounts": self.google_ads(accessLevel="STANDARD", requested=True),
        }
        return AccessPage.objects.create(**defaults | fields)

    def chosen(self, services: dict) -> dict:
        """The builder's fields (links/builder.py): services maps a service key to (level,
        [account or (account, manager id), …])."""
        data: dict = {}
        for key, (level, accounts) in services.items():
            pairs = [item if isinstance(item, tuple) else (item, "") for item in accounts]
            data |= {f"service-{key}": "1", f"level-{key}": level}
            data[f"account-{key}"] = [account.public_id for account, _mcc in pairs]
            data |= {f"mcc-{key}-{account.public_id}": mcc for account, mcc in pairs if mcc}
        return data

    def form(self, **fields) -> dict:
        return {"name": "Webinar", "client_type": "Client", "enabled": "on"} | fields

    def create(self, **fields):
        return self.client.post("/access-pages/new/", self.form(**fields))


class ListTests(AccessPagesTestCase):
    def test_the_list_shows_alices_pages_with_their_address(self):
        page = self.page()
        Link.objects.create(agency=self.agency_a, client=self.jane, access_page=page)
        AccessPage.objects.create(agency=self.agency_b, name="Charlie's page")
        r = self.client.get("/access-pages/")
        self.assertContains(r, "<title>Access pages · AgencyAccess</title>", html=False)
        self.assertContains(r, "Webinar")
        self.assertContains(r, f"http://127.0.0.1:8000/p/{page.public_id}/")
        self.assertContains(r, "Google: Google Ads")
        self.assertContains(r, '<span class="badge ok">Enabled</span>')
        self.assertContains(r, "<td>1</td>")
        self.assertNotContains(r, "Charlie")

    def test_the_list_costs_the_same_with_more_pages(self):
        def more_pages():
            for n in range(10):
                page = self.page(name=f"Page {n}")
                Link.objects.create(agency=self.agency_a, client=self.jane, access_page=page)

        self.assertContains(self.assertQueriesDoNotGrow("/access-pages/", more_pages), "Page 9")

    def test_bob_a_member_manages_pages_too(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get("/access-pages/").status_code, 200)
        r = self.create(**self.chosen({"google_ads": ("ADMIN", [self.google_a])}))
        self.assertEqual(r.status_code, 302, r.content)


class EditorTests(AccessPagesTestCase):
    def test_the_form_offers_the_services_of_connected_platforms_only(self):
        ConnectedAccount.objects.create(
            agency=self.agency_a,
            platform="tiktok",
            name="Old",
            fields={"business_center_id": "1"},
            disconnected=timezone.now(),
        )
        r = self.client.get("/access-pages/new/")
        self.assertTemplateUsed(r, "links/_builder.html")
        self.assertContains(r, f'name="account-google_ads" value="{self.google_a.public_id}"')
        self.assertContains(r, f'name="account-meta_ads" value="{self.meta_a.public_id}"')
        self.assertContains(r, f'name="mcc-google_ads-{self.google_a.public_id}"')
        self.assertContains(r, f'<option value="{MCC_ID}"')
        self.assertContains(r, '<label for="level-google_ads">Access level for Google Ads</label>')
        self.assertContains(r, "<legend>Receiving account for Google Analytics</legend>")
        # TikTok's only account is disconnected: its services cannot be ticked.
        self.assertContains(r, "You have no connected TikTok account")
        self.assertContains(
            r, 'id="service-tiktok_ads" name="service-tiktok_ads" value="1" disabled'
        )
        self.assertNotContains(r, self.google_b.public_id)

    def test_alice_builds_a_page_from_the_choices(self):
        r = self.create(
            **self.chosen(
                {
                    "google_ads": ("ADMIN", [(self.google_a, MCC_ID)]),
                    "meta_ads": ("ANALYZE", [self.meta_a]),
                }
            ),
            **{
                "level-google_analytics": "VIEWER",  # not ticked: not asked
                "account-google_analytics": self.google_a.public_id,
                "thank_you_message": "Thanks!",
                "redirect": "https://Alice.example/thanks",
                "intake_form": "",
            },
        )
        self.assertRedirects(r, "/access-pages/", fetch_redirect_response=False)
        page = AccessPage.objects.get(agency=self.agency_a)
        self.assertEqual(
            page.requested_accounts,
            {
                "Google": {
                    "Google Ads": {
                        "accessLevel": "ADMIN",
                        "requested": True,
                        "requestedAccountLinks": [
                            {
                                "internalAccountID": self.google_a.public_id,
                                "googleAdsMCCAccountID": MCC_ID,
                            }
                        ],
                    }
                },
                "Meta": {
                    "Meta Ads": {
                        "accessLevel": "ANALYZE",
                        "requested": True,
                        "requestedAccountLinks": [{"internalAccountID": self.meta_a.public_id}],
                    }
                },
            },
        )
        self.assertEqual(
            (page.redirect, page.thank_you_message, page.enabled),
            ("alice.example/thanks", "Thanks!", True),
        )

    def test_the_apis_json_can_be_pasted_and_is_stored_canonical(self):
        pasted = {
            "google": {
                "google ads": {
                    "accessLevel": "read only",
                    "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}],
                }
            }
        }
        r = self.create(
            requested_json=json.dumps(pasted),
            **self.chosen({"meta_ads": ("MANAGE", [self.meta_a])}),
        )
        self.assertEqual(r.status_code, 302, r.content)
        self.assertEqual(
            AccessPage.objects.get().requested_accounts,
            self.google_ads(accessLevel="READ_ONLY", requested=True),
        )

    def test_a_prospect_page_asks_for_read_only_levels(self):
        self.create(
            client_type="Prospect", requested_json=json.dumps(self.google_ads(accessLevel="ADMIN"))
        )
        page = AccessPage.objects.get()
        self.assertEqual(page.client_type, "Prospect")
        self.assertEqual(
            page.requested_accounts["Google"]["Google Ads"]["accessLevel"], "READ_ONLY"
        )

    def test_what_the_api_refuses_the_editor_refuses_with_the_same_words(self):
        gone = ConnectedAccount.objects.create(
            agency=self.agency_a,
            platform="google",
            email="old@alice.example",
            disconnected=timezone.now(),
        )
        where = "requestedAccounts.Google.Google Ads"
        cases = {
            "not JSON": (
                {"requested_json": "{nope"},
                "The requestedAccounts JSON is not valid JSON.",
            ),
            "not an object": ({"requested_json": "[1]"}, "requestedAccounts must be an object."),
            "a level of the wrong type": (
                {"requested_json": json.dumps(self.google_ads(accessLevel=5))},
                f"{where}.accessLevel must be a string.",
            ),
            "an unknown level": (
                {"requested_json": json.dumps(self.google_ads(accessLevel="God"))},
                f"{where}.accessLevel: &quot;God&quot; is not a level of Google Ads.",
            ),
            "charlies account": (
                {"requested_json": json.dumps(self.google_ads(self.google_b))},
                "is not a connected Google account of your agency",
            ),
            "a disconnected account": (
                {"requested_json": json.dumps(self.google_ads(gone))},
                "was disconnected, so it cannot receive new access",
            ),
            "nothing asked": ({}, "A link must request at least one service"),
            "a bad redirect": (
                {
                    "requested_json": json.dumps(self.google_ads()),
                    "redirect": "javascript:alert(1)",
                },
                "Redirect must be a website address",
            ),
            "no name": (
                {"name": "", "requested_json": json.dumps(self.google_ads())},
                "This field is required.",
            ),
            "huge JSON": ({"requested_json": "[" * 50_001}, "at most 50000 characters"),
            "an account not offered": (
                self.chosen({"google_ads": ("ADMIN", [self.google_b])}),
                f"&quot;{self.google_b.public_id}&quot; is not a connected Google account of your agency",
            ),
            "a manager id the account does not hold": (
                self.chosen({"google_ads": ("ADMIN", [(self.google_a, "999-999-9999")])}),
                "9999999999 is not a manager account of connected account",
            ),
        }
        for case, (fields, message) in cases.items():
            with self.subTest(case):
                self.assertContains(self.create(**fields), message, status_code=400)
        self.assertFalse(AccessPage.objects.exists())

    def test_mistakes_are_shown_where_they_were_made(self):
        r = self.create(**self.chosen({"google_ads": ("ADMIN", [self.google_b])}))
        self.assertContains(r, 'role="alert" id="builder-error"', status_code=400)
        r = self.create(requested_json="{nope")
        self.assertNotContains(r, 'id="builder-error"', status_code=400)
        self.assertContains(r, "<details open>", status_code=400)
        self.assertContains(r, 'aria-invalid="true"', status_code=400)

    def test_a_prospect_page_built_with_the_choices_is_read_only_too(self):
        self.create(
            client_type="Prospect", **self.chosen({"google_analytics": ("ADMIN", [self.google_a])})
        )
        config = AccessPage.objects.get().requested_accounts["Google"]["Google Analytics"]
        self.assertEqual(config["accessLevel"], "VIEWER")

    def test_the_intake_form_must_be_enabled_to_be_asked(self):
        r = self.create(intake_form="on")
        self.assertContains(
            r, "Your agency&#x27;s intake form is disabled or has no questions", status_code=400
        )
        replace_questions(
            self.agency_a,
            parse_questions([{"key": "budget", "type": "number", "labels": {"en": "Budget"}}]),
            enabled=True,
        )
        self.assertEqual(self.create(intake_form="on").status_code, 302)
        self.assertEqual(AccessPage.objects.get().requested_accounts, {})

    def test_editing_shows_the_choices_saved_and_saves_the_changes(self):
        page = self.page()
        url = f"/access-pages/{page.public_id}/"
        r = self.client.get(url)
        self.assertContains(r, f"http://127.0.0.1:8000/p/{page.public_id}/")
        self.assertContains(
            r, 'id="service-google_ads" name="service-google_ads" value="1" checked'
        )
        self.assertContains(r, '<option value="STANDARD" selected>Standard</option>', html=True)
        self.assertContains(
            r, f'name="account-google_ads" value="{self.google_a.public_id}" checked'
        )
        self.assertNotContains(r, "Not working")

        r = self.client.post(
            url,
            self.form(
                name="Webinar 2",
                enabled="",
                **self.chosen({"meta_ads": ("MANAGE", [self.meta_a])}),
            ),
        )
        self.assertRedirects(r, "/access-pages/", fetch_redirect_response=False)
        page.refresh_from_db()
        self.assertEqual(
            (page.name, page.enabled, list(page.requested_accounts)), ("Webinar 2", False, ["Meta"])
        )

    def test_several_receiving_accounts_are_shown_and_kept(self):
        second = ConnectedAccount.objects.create(
            agency=self.agency_a, platform="google", email="b@alice.example"
        )
        both = {
            "Google": {
                "Google Ads": {
                    "accessLevel": "ADMIN",
                    "requested": True,
                    "requestedAccountLinks": [
                        {"internalAccountID": self.google_a.public_id},
                        {"internalAccountID": second.public_id},
                    ],
                }
            }
        }
        page = self.page(requested_accounts=both)
        url = f"/access-pages/{page.public_id}/"
        r = self.client.get(url)
        for account in (self.google_a, second):
            self.assertContains(r, f'name="account-google_ads" value="{account.public_id}" checked')
        self.assertNotContains(r, "<details open>", msg_prefix="no JSON needed to say it")
        r = self.client.post(
            url, self.form(**self.chosen({"google_ads": ("ADMIN", [self.google_a, second])}))
        )
        self.assertEqual(r.status_code, 302, r.content)
        page.refresh_from_db()
        self.assertEqual(page.requested_accounts, both)

    def test_a_page_that_stopped_working_says_why(self):
        page = self.page()
        self.google_a.disconnected = timezone.now()
        self.google_a.save()
        r = self.client.get(f"/access-pages/{page.public_id}/")
        self.assertContains(r, "Not working")
        self.assertContains(r, "was disconnected")

    def test_deleting_asks_first_and_the_links_stay_without_the_reference(self):
        page = self.page()
        link = Link.objects.create(agency=self.agency_a, client=self.jane, access_page=page)
        url = f"/access-pages/{page.public_id}/delete/"
        self.assertContains(self.client.get(url), "The 1 link made from it stay")
        self.assertRedirects(self.client.post(url), "/access-pages/", fetch_redirect_response=False)
        self.assertFalse(AccessPage.objects.filter(pk=page.pk).exists())
        link.refresh_from_db()
        self.assertIsNone(link.access_page)
        self.assertEqual(self.client.get(f"/p/{page.public_id}/").status_code, 404)


class IsolationTests(AccessPagesTestCase):
    def test_charlies_page_is_not_found_and_stays_as_it_was(self):
        page = AccessPage.objects.create(agency=self.agency_b, name="Charlie's page")
        for url in (f"/access-pages/{page.public_id}/", f"/access-pages/{page.public_id}/delete/"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(
                    self.client.post(
                        url, self.form(requested_json=json.dumps(self.google_ads()))
                    ).status_code,
                    404,
                )
        page.refresh_from_db()
        self.assertEqual(page.name, "Charlie's page")

    def test_every_change_needs_the_csrf_token(self):
        page = self.page()
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.alice)
        data = self.form(requested_json=json.dumps(self.google_ads()))
        for url in (
            "/access-pages/new/",
            f"/access-pages/{page.public_id}/",
            f"/access-pages/{page.public_id}/delete/",
        ):
            with self.subTest(url):
                self.assertEqual(browser.post(url, data).status_code, 403)
        self.assertEqual(list(AccessPage.objects.values_list("name", flat=True)), ["Webinar"])
        self.assertFalse(IntakeForm.objects.exists())
