"""María's whole journey, end to end, in a real browser: on her phone, in Spanish, she opens
Alice's link, signs in to the Google and Meta sandboxes, shares some of what she has, skips
Facebook Pages, follows the Shopify steps, answers the intake form, reads the thank-you
message and lands on Alice's website. Then the API tells Alice exactly that.

A full-page screenshot of every step is written to artifacts/e2e/, in order, for CI to keep
as artefacts.
"""

import re

from playwright.sync_api import Browser, Locator, Page, Route, expect

from agencyaccess.clients.models import Client
from agencyaccess.links.intake_questions import parse_questions, replace_questions
from agencyaccess.links.models import Grant, Link
from agencyaccess.notify.models import Event, EventType
from agencyaccess.onboarding import pages
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.google.sandbox.world import JANE, TEST_AGENCY
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken
from agencyaccess.test import MCC_ID, LiveServerBaseTestCase
from agencyaccess.tests.browser import BrowserTestCase, Screenshots, use_sandboxes

WEBSITE = "https://example.com/gracias"  # Alice's website, where María ends up
THANK_YOU = "¡Gracias, María! Empezamos con tus campañas esta semana."

# What María shares (the Google and Meta sandboxes' Jane is who she signs in as).
ADS_ACCOUNT = "customers/1111111111"  # 111-111-1111, which she administers
PROPERTY = "properties/2001"  # her Google Analytics property
AD_ACCOUNT = "act_400000000000004"  # "Jane's Bakery - Weddings", owned by her business
COLLABORATOR_CODE = "4821"

QUESTIONS = [
    {
        "key": "website_platform",
        "type": "single_choice",
        "required": True,
        "labels": {"en": "What is your website built with?", "es": "¿Con qué está hecha tu web?"},
        "choices": [
            {"key": "shopify", "labels": {"en": "Shopify", "es": "Shopify"}},
            {"key": "other", "labels": {"en": "Something else", "es": "Otra cosa"}},
        ],
    },
    {
        "key": "monthly_budget",
        "type": "number",
        "labels": {"en": "Monthly ad budget (EUR)", "es": "Presupuesto mensual (EUR)"},
    },
    {
        "key": "goals",
        "type": "long_text",
        "required": True,
        "labels": {"en": "What should the campaigns achieve?", "es": "¿Qué buscas conseguir?"},
    },
]


class ClientJourneyTests(BrowserTestCase, LiveServerBaseTestCase):
    """Alice's agency (the cast), signed in to the Google sandbox as ads@alice.example, which
    administers her manager account 123-456-7890 (so the agency's side of a manager link can
    be requested); her Meta business is 100000000000001; she has a Shopify Partner
    organization and an intake form. María is her Spanish-speaking client."""

    marias_link: Link
    snap: Screenshots

    def setUp(self) -> None:
        super().setUp()
        use_sandboxes(self)
        agency_sign_in = PlatformToken(connected_account=self.google_a, platform="google")
        agency_sign_in.store(issue_sandbox_tokens(TEST_AGENCY))
        agency_sign_in.save()
        self.google_a.method = ConnectionMethod.OAUTH
        self.google_a.save()
        self.shopify_a = ConnectedAccount.objects.create(
            agency=self.agency_a,
            platform="shopify",
            fields={"partner_organization": "Alice & Co Partners"},
        )
        replace_questions(self.agency_a, parse_questions(QUESTIONS), enabled=True)
        self.maria = Client.objects.create(
            agency=self.agency_a,
            name="María García",
            email="maria@example.com",
            company="Panadería María",
            language="es",
        )
        self.snap = Screenshots("e2e")

    def test_maria_shares_her_accounts_on_her_phone_in_spanish(self):
        self.marias_link = self.create_link()
        with self.chromium() as browser:
            page = self.marias_phone(browser)
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))

            page.goto(self.marias_link.url)
            expect(page.locator("html")).to_have_attribute("lang", "es")
            expect(page.get_by_role("heading", name="Hola, María García")).to_be_visible()
            # Four steps: Google, Meta, Shopify, the questions.
            expect(page.get_by_text("0 de 4 hechos")).to_be_visible()
            self.assertAccessible(page)
            self.snap(page, "link")

            self.share_from_google(page)
            self.share_from_meta(page)
            self.follow_the_shopify_steps(page)
            self.answer_the_questions(page)

            # Every step answered: the finish first, on screen without scrolling.
            finish = page.get_by_role("link", name="Terminar")
            expect(finish).to_be_in_viewport()
            self.assertAccessible(page)
            self.snap(page, "all-answered")
            finish.click()
            expect(page.get_by_role("heading", name="¡Gracias!")).to_be_visible()
            expect(page.get_by_text(THANK_YOU)).to_be_visible()
            self.assertAccessible(page)
            self.snap(page, "thank-you")
            # The page takes her to Alice's website by itself, after a few seconds.
            page.wait_for_url(WEBSITE)
            self.snap(page, "redirected")

        off_site = [url for url in requested if not url.startswith((self.live_server_url, WEBSITE))]
        self.assertEqual(off_site, [])
        self.assertAliceSeesWhatMariaDid()

    # The steps

    def share_from_google(self, page: Page) -> None:
        page.get_by_role("button", name="Conectar con Google").click()
        page.wait_for_url(re.compile(re.escape(f"{self.live_server_url}/sandbox/google/")))
        page.get_by_role("radio", name=re.compile(re.escape(JANE))).check()
        self.snap(page, "google-consent")
        page.get_by_role("button", name="Continue").click()

        page.wait_for_url(self.url("platform/google/"))
        expect(page.get_by_role("heading", name="Elige qué compartir de Google")).to_be_visible()
        self.assertAccessible(page)
        page.locator(f'input[name=google_ads][value="{ADS_ACCOUNT}"]').check()
        page.locator(f'input[name=google_analytics][value="{PROPERTY}"]').check()
        self.snap(page, "google-assets")
        page.get_by_role("button", name="Compartir lo que he marcado").click()

        # On to Meta by itself, with what Google shared said above it.
        page.wait_for_url(self.url())
        expect(page.get_by_text("Alice & Co ya tiene acceso.")).to_have_count(2)
        expect(page.get_by_text("1 de 4 hechos")).to_be_visible()
        expect(self.current_step(page)).to_contain_text("Meta")
        self.assertAccessible(page)
        self.snap(page, "google-shared")

    def share_from_meta(self, page: Page) -> None:
        self.current_step(page).get_by_role("button", name="Conectar con Meta").click()
        page.wait_for_url(re.compile(re.escape(f"{self.live_server_url}/sandbox/meta/")))
        page.get_by_role("radio", name=re.compile("Jane Doe")).check()
        self.snap(page, "meta-consent")
        page.get_by_role("button", name="Continue").click()

        page.wait_for_url(self.url("platform/meta/"))
        expect(page.get_by_role("heading", name="Elige qué compartir de Meta")).to_be_visible()
        # She does not use her Pages: skipped from the same list, which stays open for the rest.
        page.locator('form[action$="/skip/facebook_pages/"] button').click()
        page.wait_for_url(self.url("platform/meta/"))
        expect(page.locator('form[action$="/skip/facebook_pages/"]')).to_have_count(0)
        page.locator(f'input[name=meta_ads][value="{AD_ACCOUNT}"]').check()
        self.snap(page, "meta-assets")
        page.get_by_role("button", name="Compartir lo que he marcado").click()

        # Shopify has no button: its steps open by themselves, Meta's result above them.
        page.wait_for_url(self.url("steps/shopify_collaborator/"))
        expect(page.get_by_text("Alice & Co ya tiene acceso.")).to_have_count(1)
        expect(page.get_by_text("2 de 4 hechos")).to_be_visible()
        self.snap(page, "meta-shared")

    def follow_the_shopify_steps(self, page: Page) -> None:
        expect(
            page.get_by_role("heading", name=re.compile(": da acceso a Alice & Co$"))
        ).to_be_visible()
        expect(page.get_by_text("Alice & Co Partners").first).to_be_visible()
        self.assertAccessible(page)
        page.get_by_label("Código de solicitud de colaborador").fill(COLLABORATOR_CODE)
        self.snap(page, "shopify-steps")
        page.get_by_role("button", name="Ya lo he hecho").click()
        page.wait_for_url(self.url("intake/"))
        expect(page.get_by_text("3 de 4 hechos")).to_be_visible()

    def answer_the_questions(self, page: Page) -> None:
        page.get_by_role("radio", name="Shopify").check()
        page.get_by_label("Presupuesto mensual (EUR)").fill("1500,50")
        page.get_by_label("¿Qué buscas conseguir?").fill("Más pedidos de tartas.")
        self.assertAccessible(page)
        self.snap(page, "questions")
        page.get_by_role("button", name="Enviar mis respuestas").click()
        page.wait_for_url(self.url())

    # The steps in German and Polish: checked by their structure and progress, not by words,
    # so the test holds with or without those languages' catalogues.

    def test_a_german_client_goes_through_the_steps_on_her_phone(self):
        self.walk_the_steps("de", keyboard=False)

    def test_a_polish_client_goes_through_the_steps_on_his_phone_by_keyboard(self):
        self.walk_the_steps("pl", keyboard=True)

    def walk_the_steps(self, language: str, *, keyboard: bool) -> None:
        client = Client.objects.create(agency=self.agency_a, name="Kunde", email="k@example.com")
        response = self.client.post(
            "/api/links/create",
            five_services_and_intake(self, client),
            content_type="application/json",
            headers={"X-Auth": self.alice_key},
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.marias_link = Link.objects.get(public_id=response.json()["data"])
        self.assertIn(language, pages.LANGUAGES)  # the client picks it with the switcher
        press = self.press_by_keyboard if keyboard else self.tap
        with self.chromium() as browser:
            page = self.phone(browser)
            page.goto(self.marias_link.url)
            # The language switcher at the top of the page.
            switcher = page.locator("details.languages")
            box = switcher.bounding_box()
            assert box is not None
            self.assertLess(box["y"], 100)
            press(page, switcher.locator("summary"))
            press(page, switcher.locator(f'button[name=language][value="{language}"]'))
            expect(page.locator("html")).to_have_attribute("lang", language)
            # Four steps, the first one open.
            expect(page.locator("ol.stepper > li")).to_have_count(4)
            self.assertAtStep(page, 0)
            self.assertAccessible(page)

            self.go_to_the_consent(page, press, "google")
            page.locator(f'input[name=user][value="{JANE}"]').check()
            page.locator("button[name=decision][value=allow]").click()
            page.wait_for_url(self.url("platform/google/"))
            self.assertAccessible(page)
            # Several accounts: "select all" ticks every one, and unticking it unticks them.
            select_all = page.locator("input[name=all][value=google_ads]")
            press(page, select_all, "Space")
            expect(
                page.locator("input[name=google_ads]:not(:disabled):not(:checked)")
            ).to_have_count(0)
            press(page, select_all, "Space")
            expect(page.locator("input[name=google_ads]:checked")).to_have_count(0)
            press(page, page.locator(f'input[name=google_ads][value="{ADS_ACCOUNT}"]'), "Space")
            # The one property she can share comes ticked.
            expect(
                page.locator(f'input[name=google_analytics][value="{PROPERTY}"]')
            ).to_be_checked()
            press(page, page.locator("main form button[type=submit]"))

            page.wait_for_url(self.url())
            self.assertAtStep(page, 1)
            expect(page.locator(".just-shared li")).to_have_count(2)
            self.assertAccessible(page)

            self.go_to_the_consent(page, press, "meta")
            page.locator("button[name=action][value=continue]").click()
            page.wait_for_url(self.url("platform/meta/"))
            press(page, page.locator(f'input[name=meta_ads][value="{AD_ACCOUNT}"]'), "Space")
            press(page, page.locator("main form button[type=submit]"))

            page.wait_for_url(self.url("steps/shopify_collaborator/"))
            expect(page.locator(".just-shared li")).to_have_count(2)  # the ad account and the Page
            self.assertAccessible(page)
            code = page.locator("input[name=code]")
            press(page, code, None)
            self.type_into(page, code, COLLABORATOR_CODE, keyboard=keyboard)
            press(page, page.locator("main form.card button[type=submit]"))

            page.wait_for_url(self.url("intake/"))
            self.assertAccessible(page)
            press(page, page.locator("input[name=website_platform][value=shopify]"), "Space")
            goals = page.locator("#q-goals")
            press(page, goals, None)
            self.type_into(page, goals, "Mehr Aufträge.", keyboard=keyboard)
            press(page, page.locator("form[data-save-url] button[type=submit]"))

            # All answered: the finish on screen, every step folded to a line.
            page.wait_for_url(self.url())
            finish = page.locator(
                f'main a[href="{self.marias_link.url.removeprefix(self.live_server_url)}done/"]'
            )
            expect(finish).to_be_in_viewport()
            expect(page.locator("ol.stepper > li.step-folded")).to_have_count(4)
            expect(page.locator('[role="progressbar"]')).to_have_count(0)
            self.assertAccessible(page)
            press(page, finish)
            page.wait_for_url(self.url("done/"))
            self.assertAccessible(page)
            # The page of a link that does not work, too.
            page.goto(f"{self.live_server_url}/l/{'x' * 20}/")
            self.assertAccessible(page)

        self.marias_link.refresh_from_db()
        self.assertIsNotNone(self.marias_link.completed)
        self.assertIsNotNone(self.marias_link.intake_completed)

    def go_to_the_consent(self, page: Page, press, platform: str) -> None:
        press(page, self.current_step(page).locator(f'form[action$="/connect/{platform}/"] button'))
        page.wait_for_url(re.compile(re.escape(f"{self.live_server_url}/sandbox/{platform}/")))

    def assertAtStep(self, page: Page, index: int) -> None:
        """The stepper has the index-th step open and current, the progress bar says so."""
        steps = page.locator("ol.stepper > li")
        expect(steps.nth(index)).to_have_attribute("aria-current", "step")
        expect(page.locator('[aria-current="step"]')).to_have_count(1)
        expect(page.locator('[role="progressbar"]')).to_have_attribute("aria-valuenow", str(index))
        expect(page.locator('[role="progressbar"]')).to_have_attribute("aria-valuemax", "4")

    @staticmethod
    def type_into(page: Page, field: Locator, text: str, *, keyboard: bool) -> None:
        if keyboard:
            page.keyboard.type(text)
        else:
            field.fill(text)

    @staticmethod
    def tap(page: Page, target: Locator, key: str | None = "Enter") -> None:
        if key is not None:
            target.click()

    def press_by_keyboard(self, page: Page, target: Locator, key: str | None = "Enter") -> None:
        """Tab (forwards only) to the target, check its focus can be seen, then press key."""
        for _ in range(60):
            if target.evaluate("element => element === document.activeElement"):
                break
            page.keyboard.press("Tab")
        else:
            self.fail(f"{target} cannot be reached with the Tab key")
        outline = target.evaluate("element => getComputedStyle(element).outlineStyle")
        self.assertNotEqual(outline, "none", f"{target} shows no focus")
        if key is not None:
            page.keyboard.press(key)

    # What Alice sees

    def assertAliceSeesWhatMariaDid(self) -> None:
        link = self.marias_link
        response = self.client.get(
            "/api/links/retrieve", {"id": link.public_id}, headers={"X-Auth": self.alice_key}
        )
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()["data"]
        google = [{"internalAccountID": self.google_a.public_id}]
        meta = [{"internalAccountID": self.meta_a.public_id}]

        def service(level: str, accounts: list[dict], *, granted: bool = True) -> dict:
            return {
                "accessLevel": level,
                "requested": True,
                "granted": granted,
                "skipped": not granted,
                "requestedAccountLinks": accounts,
            }

        self.assertEqual(
            data["requestedAccounts"],
            {
                "Google": {
                    "Google Ads": service(
                        "STANDARD", [google[0] | {"googleAdsMCCAccountID": MCC_ID}]
                    ),
                    "Google Analytics": service("EDITOR", google),
                },
                "Meta": {
                    "Meta Ads": service("ADVERTISE", meta),
                    "Facebook Pages": service("CREATE_CONTENT", meta, granted=False),
                },
                "Shopify": {
                    "Shopify Store Collaborator": service(
                        "COLLABORATOR", [{"internalAccountID": self.shopify_a.public_id}]
                    )
                },
            },
        )
        self.assertEqual(data["intakeForm"], {"requested": True, "complete": True})
        self.assertEqual(data["redirect"], "example.com/gracias")
        self.assertEqual(data["thankYouMessage"], THANK_YOU)

        grants = Grant.objects.filter(link=link)
        self.assertEqual(
            {(g.service_key, g.asset_id): g.state for g in grants},
            {
                # A manager link: Alice's manager account asked, María's sign-in accepted.
                ("google_ads", ADS_ACCOUNT): GrantState.ACTIVE,
                ("google_analytics", PROPERTY): GrantState.ACTIVE,
                ("meta_ads", AD_ACCOUNT): GrantState.ACTIVE,
                # Alice requests access with the code in her Partner Dashboard next.
                ("shopify_collaborator", COLLABORATOR_CODE): GrantState.PENDING_AGENCY,
            },
        )
        link.refresh_from_db()
        self.assertEqual(
            link.intake_answers,
            {
                "website_platform": "shopify",
                "monthly_budget": "1500.50",
                "goals": "Más pedidos de tartas.",
            },
        )
        # Her sign-ins are forgotten once used. Every service answered (one skipped) and the
        # intake done: she has finished, and the agency heard it once.
        self.assertFalse(PlatformToken.objects.filter(link=link).exists())
        self.assertIsNotNone(link.completed)
        [completed] = Event.objects.filter(link=link, type=EventType.LINK_COMPLETED)
        self.assertEqual(completed.data["skipped"], 1)

    # Helpers

    def create_link(self) -> Link:
        """Alice asks María for Google Ads (through her manager account), Google Analytics,
        Meta Ads, Facebook Pages, Shopify and the intake form, through the API."""
        body = five_services_and_intake(self, self.maria) | {
            "thankYouMessage": THANK_YOU,
            "redirect": "example.com/gracias",
        }
        response = self.client.post(
            "/api/links/create",
            body,
            content_type="application/json",
            headers={"X-Auth": self.alice_key},
        )
        self.assertEqual(response.status_code, 200, response.content)
        return Link.objects.get(public_id=response.json()["data"])

    def marias_phone(self, browser: Browser) -> Page:
        page = self.phone(browser, locale="es-ES")
        # Alice's website cannot load here: the browser gets a stand-in page.
        page.context.route(f"{WEBSITE}*", self._website)
        return page

    @staticmethod
    def _website(route: Route) -> None:
        route.fulfill(content_type="text/html", body="<h1>Panadería, la web de Alice</h1>")

    def url(self, suffix: str = "") -> str:
        return f"{self.marias_link.url}{suffix}"

    @staticmethod
    def current_step(page: Page) -> Locator:
        """The step the link page has open: the first one not answered yet."""
        return page.locator('ol.stepper > li[aria-current="step"]')


def five_services_and_intake(test: ClientJourneyTests, client: Client) -> dict:
    """The API's body of a link for the client: Google Ads (through Alice's manager account),
    Google Analytics, Meta Ads, Facebook Pages, Shopify and the intake form."""
    google = {"internalAccountID": test.google_a.public_id}
    meta = [{"internalAccountID": test.meta_a.public_id}]
    return {
        "clientID": client.public_id,
        "requestedAccounts": {
            "Google": {
                "Google Ads": {
                    "accessLevel": "STANDARD",
                    "requestedAccountLinks": [google | {"googleAdsMCCAccountID": MCC_ID}],
                },
                "Google Analytics": {"accessLevel": "EDITOR", "requestedAccountLinks": [google]},
            },
            "Meta": {
                "Meta Ads": {"accessLevel": "ADVERTISE", "requestedAccountLinks": meta},
                "Facebook Pages": {"accessLevel": "CREATE_CONTENT", "requestedAccountLinks": meta},
            },
            "Shopify": {
                "Shopify Store Collaborator": {
                    "requestedAccountLinks": [{"internalAccountID": test.shopify_a.public_id}]
                }
            },
        },
        "intakeForm": True,
    }
