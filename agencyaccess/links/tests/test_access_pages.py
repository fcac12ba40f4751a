"""Access pages in the dashboard: Alice (or Bob) sets up reusable pages, choosing services,
receiving accounts and levels, or pasting the API's JSON, checked as the API checks it.
Charlie never reaches them."""

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
        r = self.create(
            **{
                "service-google_ads": "on",
                "level-google_ads": "ADMIN",
                "account-google_ads": self.google_a.public_id,
            }
        )
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
        self.assertContains(r, "<legend>Google</legend>")
        self.assertContains(r, "<legend>Meta</legend>")
        self.assertNotContains(r, "<legend>TikTok</legend>")
        self.assertContains(r, f'<option value="{self.google_a.public_id}:{MCC_ID}">')
        self.assertContains(r, 'aria-label="Access level for Google Ads"')
        self.assertContains(r, 'aria-label="Account receiving Google Analytics"')
        self.assertNotContains(r, self.google_b.public_id)

    def test_alice_builds_a_page_from_the_choices(self):
        r = self.create(
            **{
                "service-google_ads": "on",
                "level-google_ads": "ADMIN",
                "account-google_ads": f"{self.google_a.public_id}:{MCC_ID}",
                "service-meta_ads": "on",
                "level-meta_ads": "ANALYZE",
                "account-meta_ads": self.meta_a.public_id,
                "level-google_analytics": "VIEWER",  # not ticked: not asked
                "account-google_analytics": self.google_a.public_id,
                "thank_you_message": "Thanks!",
                "redirect": "https://Alice.example/thanks",
                "intake_form": "",
            }
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
            **{
                "service-meta_ads": "on",
                "account-meta_ads": self.meta_a.public_id,
                "level-meta_ads": "MANAGE",
            },
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
                {
                    "service-google_ads": "on",
                    "level-google_ads": "ADMIN",
                    "account-google_ads": self.google_b.public_id,
                },
                "Select a valid choice.",
            ),
        }
        for case, (fields, message) in cases.items():
            with self.subTest(case):
                self.assertContains(self.create(**fields), message, status_code=400)
        self.assertFalse(AccessPage.objects.exists())

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
            r, 'name="service-google_ads" id="id_service-google_ads" checked', html=False
        )
        self.assertContains(r, '<option value="STANDARD" selected>Standard</option>', html=True)
        self.assertContains(r, f'<option value="{self.google_a.public_id}" selected>', html=False)
        self.assertNotContains(r, "Not working")

        r = self.client.post(
            url,
            self.form(
                name="Webinar 2",
                enabled="",
                **{
                    "service-meta_ads": "on",
                    "level-meta_ads": "MANAGE",
                    "account-meta_ads": self.meta_a.public_id,
                },
            ),
        )
        self.assertRedirects(r, "/access-pages/", fetch_redirect_response=False)
        page.refresh_from_db()
        self.assertEqual(
            (page.name, page.enabled, list(page.requested_accounts)), ("Webinar 2", False, ["Meta"])
        )

    def test_what_the_choices_cannot_say_is_shown_as_json(self):
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
        r = self.client.get(f"/access-pages/{page.public_id}/")
        self.assertContains(r, second.public_id)
        self.assertContains(r, "<details open>")

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
