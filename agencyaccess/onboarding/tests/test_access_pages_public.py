"""The public access page: a visitor (Sam) enters who he is on Alice's page, becomes her client
and lands on a new link made from the page, which the API then shows by its staticLinkRef."""

from django.test import Client

from agencyaccess.clients.models import Client as AgencyClient
from agencyaccess.links.intake_questions import parse_questions, replace_questions
from agencyaccess.links.models import AccessPage, IntakeForm, Link
from agencyaccess.test import MCC_ID, BaseTestCase, rate_limit_clock

SAM = {"name": "Sam Rivera", "email": "sam@surf.example", "company": "Sam's Surf", "language": "en"}


class AccessPagePublicTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        replace_questions(
            self.agency_a,
            parse_questions([{"key": "budget", "type": "number", "labels": {"en": "Budget"}}]),
            enabled=True,
        )
        self.page = AccessPage.objects.create(
            agency=self.agency_a,
            name="Webinar",
            requested_accounts={
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
                }
            },
            intake_form=True,
            thank_you_message="Thanks, see you at the webinar!",
            redirect="alice.example/webinar",
        )
        self.url = f"/p/{self.page.public_id}/"

    def visit(self, **fields):
        return self.client.post(self.url, SAM | fields)

    def links_made(self):
        return Link.objects.filter(access_page=self.page)

    def assertNothingMade(self) -> None:
        self.assertFalse(self.links_made().exists())
        self.assertFalse(AgencyClient.objects.filter(email__iexact=SAM["email"]).exists())


class PageTests(AccessPagePublicTestCase):
    def test_the_page_is_dressed_in_the_agencys_branding(self):
        self.agency_a.brand_color = "#ff6600"
        self.agency_a.display_name = "Alice Marketing"
        self.agency_a.save()
        r = self.client.get(self.url)
        self.assertContains(r, "<title>Alice Marketing</title>", html=False)
        self.assertContains(r, "--brand:#ff6600")
        self.assertContains(r, "Get started with Alice Marketing")
        self.assertContains(r, "You will be asked about: Google.")
        for name in ("name", "email", "company", "language"):
            self.assertContains(r, f'name="{name}"')
        self.assertContains(r, "csrfmiddlewaretoken")
        self.assertNotContains(r, "Webinar")  # the page's name is for the agency

    def test_the_page_speaks_the_browsers_language_and_can_switch(self):
        spanish = self.client.get(self.url, headers={"Accept-Language": "es-ES,es;q=0.9"})
        self.assertContains(spanish, '<html lang="es">')
        self.assertContains(spanish, "Empieza con Alice &amp; Co")
        self.assertContains(spanish, '<option value="es" selected>Español</option>', html=True)
        dutch = self.client.get(self.url, {"language": "nl"}, headers={"Accept-Language": "es"})
        self.assertContains(dutch, "Aan de slag met Alice &amp; Co")
        self.assertContains(dutch, 'href="?language=en"')

    def test_an_unknown_or_disabled_page_is_a_friendly_404(self):
        for unknown in ("/p/NoSuchPageAtAll0000/", "/p/%00/"):
            with self.subTest(unknown):
                self.assertContains(
                    self.client.get(unknown), "This link does not work", status_code=404
                )
        self.page.enabled = False
        self.page.save()
        self.assertContains(self.client.get(self.url), "This link does not work", status_code=404)
        self.assertEqual(self.visit().status_code, 404)
        self.assertNothingMade()


class VisitTests(AccessPagePublicTestCase):
    def test_a_visitor_becomes_a_client_with_a_link_made_from_the_page(self):
        r = self.visit(type="Prospect")  # a field the form does not have changes nothing

        link = self.links_made().get()
        self.assertRedirects(r, link.url, fetch_redirect_response=False)
        client = link.client
        self.assertEqual(
            (
                client.agency,
                client.name,
                client.email,
                client.company,
                client.language,
                client.type,
            ),
            (self.agency_a, "Sam Rivera", "sam@surf.example", "Sam's Surf", "en", "Client"),
        )
        data = self.assertOk(self.api_get("/api/links/retrieve", self.alice_key, id=link.public_id))
        self.assertEqual(data["staticLinkRef"], self.page.public_id)
        self.assertEqual(data["clientID"], client.public_id)
        self.assertEqual(
            data["requestedAccounts"]["Google"]["Google Ads"]["requestedAccountLinks"],
            [{"internalAccountID": self.google_a.public_id, "googleAdsMCCAccountID": MCC_ID}],
        )
        self.assertEqual(data["intakeForm"], {"requested": True, "complete": False})
        self.assertEqual(
            (data["redirect"], data["thankYouMessage"]),
            ("alice.example/webinar", "Thanks, see you at the webinar!"),
        )
        self.assertContains(self.client.get(f"/l/{link.public_id}/"), "Hello Sam Rivera")

    def test_line_breaks_in_the_visitors_name_become_spaces(self):
        self.visit(name="Sam\r\nRivera")
        self.assertEqual(self.links_made().get().client.name, "Sam Rivera")

    def test_the_visitors_language_is_the_clients_and_the_links(self):
        self.visit(language="nl")
        link = self.links_made().get()
        self.assertEqual(link.client.language, "nl")
        self.assertContains(self.client.get(f"/l/{link.public_id}/"), "Hallo Sam Rivera")

    def test_a_prospect_page_makes_prospects_asked_for_read_only_access(self):
        self.page.client_type = "Prospect"
        self.page.save()
        self.visit()
        link = self.links_made().get()
        self.assertEqual(link.client.type, "Prospect")
        self.assertEqual(link.services.get().access_level, "READ_ONLY")

    def test_the_same_visitor_again_gets_a_new_link_for_the_same_client(self):
        self.visit()
        self.visit(name="  sam RIVERA ", email="SAM@surf.example", company="Other")
        first, second = self.links_made().order_by("created", "id")
        self.assertNotEqual(first, second)
        self.assertEqual(first.client, second.client)
        # A public form does not change clients.
        self.assertEqual((second.client.name, second.client.company), ("Sam Rivera", "Sam's Surf"))

    def test_a_clients_address_with_another_name_makes_a_new_client(self):
        # Someone who knows only Jane's address must not read her name on the new link.
        r = self.visit(name="Mallory", email="JANE@example.com", company="")
        link = self.links_made().get()
        self.assertRedirects(r, link.url, fetch_redirect_response=False)
        self.assertNotEqual(link.client, self.jane)
        self.assertEqual((link.client.name, link.client.email), ("Mallory", "JANE@example.com"))
        page = self.client.get(f"/l/{link.public_id}/")
        self.assertContains(page, "Hello Mallory")
        self.assertNotContains(page, "Jane")
        self.jane.refresh_from_db()
        self.assertEqual((self.jane.name, self.jane.company), ("Jane Doe", "Jane's Bakery"))

    def test_an_existing_clients_address_and_name_reuse_the_client(self):
        self.visit(name=" jane doe", email="Jane@Example.com", company="Someone's")
        self.assertEqual(self.links_made().get().client, self.jane)
        self.jane.refresh_from_db()
        self.assertEqual(self.jane.company, "Jane's Bakery")

    def test_an_existing_client_of_another_agency_is_not_reused(self):
        self.visit(email="carl@example.com")
        link = self.links_made().get()
        self.assertEqual(link.client.agency, self.agency_a)
        self.assertNotEqual(link.client, self.charlies_client)

    def test_bad_input_is_refused_with_the_reason_and_makes_nothing(self):
        cases = {
            "no name": ({"name": ""}, "This field is required."),
            "bad e-mail": ({"email": "sam@"}, "Enter a valid email address."),
            "huge company": ({"company": "x" * 201}, "at most 200 characters"),
            "unknown language": ({"language": "sv"}, "Select a valid choice."),
        }
        for case, (fields, message) in cases.items():
            with self.subTest(case):
                self.assertContains(self.visit(**fields), message, status_code=400)
        self.assertNothingMade()

    def test_errors_are_in_the_visitors_language(self):
        r = self.visit(name="", language="es")
        self.assertContains(r, "Este campo es obligatorio.", status_code=400)

    def test_a_bot_filling_the_hidden_field_makes_nothing(self):
        self.assertEqual(self.visit(extra="http://spam.example").status_code, 400)
        self.assertNothingMade()

    def test_visits_are_rate_limited_per_address(self):
        with rate_limit_clock():
            for n in range(10):
                self.assertEqual(self.visit(email=f"sam{n}@surf.example").status_code, 302)
            r = self.visit(email="one-more@surf.example")
        self.assertContains(r, "too many attempts", status_code=429)
        self.assertEqual(r["Retry-After"], "30")
        self.assertEqual(self.links_made().count(), 10)

    def test_the_form_needs_the_csrf_token(self):
        browser = Client(enforce_csrf_checks=True)
        self.assertEqual(browser.post(self.url, SAM).status_code, 403)
        self.assertNothingMade()


class RefusedVisitTests(AccessPagePublicTestCase):
    """What the page cannot do now is said kindly, and nothing is made (not even the client)."""

    def assertRefused(self, response) -> None:
        self.assertContains(
            response, "This page cannot take new requests right now.", status_code=409
        )
        self.assertNothingMade()

    def test_the_monthly_link_limit(self):
        self.agency_a.monthly_link_limit = 1  # the cast's link took it
        self.agency_a.save()
        self.assertRefused(self.visit())

    def test_an_intake_form_disabled_since(self):
        IntakeForm.objects.filter(agency=self.agency_a).update(enabled=False)
        self.assertRefused(self.visit())

    def test_an_account_disconnected_since(self):
        self.client.force_login(self.alice)
        self.client.post(f"/connected-accounts/{self.google_a.public_id}/disconnect/")
        self.client.logout()
        self.assertRefused(self.visit())

    def test_the_refusal_speaks_the_visitors_language(self):
        self.agency_a.monthly_link_limit = 1
        self.agency_a.save()
        r = self.visit(language="es")
        self.assertContains(r, "Esta página no puede aceptar nuevas solicitudes", status_code=409)
