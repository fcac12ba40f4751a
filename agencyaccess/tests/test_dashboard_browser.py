"""The agency's dashboard in a real browser (the system's Chromium, through Playwright), every
platform in its sandbox, served by the live server.

A new agency signs up, connects its Google account, adds a client and builds the client a link;
the client opens it on her phone, in another browser, and shares her Google Ads account and
Analytics property; the agency sees it on the link's page. With the cast: Bob, a member, is
refused the API page; Alice rolls a key and the API refuses the old one; the dashboard fits a
phone.

Full-page screenshots of every step go to artifacts/dashboard/<test>/, in order, for CI to
keep as artefacts.
"""

import json
import re
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.test import override_settings
from playwright.sync_api import Locator, Page, expect

from agencyaccess.accounts.models import Membership, Role
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.links.models import Grant, Link, ServiceStatus
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, JANE
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod
from agencyaccess.test import LiveServerBaseTestCase
from agencyaccess.tests.browser import PHONE, BrowserTestCase, Screenshots, use_sandboxes

AGENCY = "Hartley Digital"
OWNER = "Nina Hartley"
OWNER_EMAIL = "nina@hartley.example"
PASSWORD = "correct horse battery staple"
CLIENT = "Jane Doe"
CLIENT_EMAIL = "jane@janes-bakery.example"

MCC = "1234567890"  # 123-456-7890, the manager account the sandbox's Demo Agency administers
ADS_ACCOUNT = "customers/1111111111"  # 111-111-1111, which Jane administers
PROPERTY = "properties/2001"  # her Google Analytics property

# The menu of an agency's owner.
PHONE_PAGES = [
    "Links",
    "Clients",
    "Access inventory",
    "Connected accounts",
    "Access pages",
    "Templates",
    "Intake form",
    "Branding",
    "Webhooks",
    "API",
    "Team",
    "Audit log",
    "Settings",
]


class AgencyJourneyTests(BrowserTestCase):
    """Nina's agency, from signing up to its first client's access."""

    def setUp(self) -> None:
        super().setUp()
        use_sandboxes(self)
        # Open to anyone, as installs are by default.
        self.enterContext(override_settings(SIGNUP_ENABLED=True))
        self.snap = Screenshots("dashboard/journey")

    def test_a_new_agency_gets_access_to_its_first_clients_google_accounts(self):
        with self.chromium() as browser:
            agency = self.desktop(browser)
            self.sign_up(agency)
            self.connect_google(agency)
            self.add_the_client(agency)
            link_url = self.build_the_link(agency)

            client = self.phone(browser)
            self.share_as_jane(client, link_url)

            self.see_the_access_granted(agency)

        owner = Membership.objects.get(user__email=OWNER_EMAIL)
        self.assertEqual((owner.agency.name, owner.role), (AGENCY, Role.OWNER))
        link = Link.objects.get(agency=owner.agency)
        self.assertEqual(link.client.email, CLIENT_EMAIL)
        google = ConnectedAccount.objects.get(agency=link.agency)
        self.assertEqual(google.method, ConnectionMethod.OAUTH)
        self.assertEqual(google.fields["google_ads_manager_ids"], [MCC])
        self.assertEqual(
            {(s.service_key, s.status) for s in link.services.all()},
            {("google_ads", ServiceStatus.GRANTED), ("google_analytics", ServiceStatus.GRANTED)},
        )
        self.assertEqual(
            {(g.service_key, g.asset_id, g.state) for g in Grant.objects.filter(link=link)},
            {
                ("google_ads", ADS_ACCOUNT, GrantState.ACTIVE),
                ("google_analytics", PROPERTY, GrantState.ACTIVE),
            },
        )

    # The steps

    def sign_up(self, page: Page) -> None:
        page.goto(self.live_server_url)
        page.get_by_role("link", name="Create an account for your agency").click()
        page.get_by_label("Agency name").fill(AGENCY)
        page.get_by_label("Your name").fill(OWNER)
        page.get_by_label("E-mail address").fill(OWNER_EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        self.snap(page, "sign-up")
        page.get_by_role("button", name="Create account").click()

        page.wait_for_url(f"{self.live_server_url}/links/")
        expect(page.get_by_text(f"Welcome! {AGENCY} is ready.")).to_be_visible()
        expect(self.nav(page).get_by_role("link", name=AGENCY)).to_be_visible()
        self.snap(page, "dashboard")

    def connect_google(self, page: Page) -> None:
        self.nav(page).get_by_role("link", name="Connected accounts").click()
        google = page.locator("#platform-google")
        expect(google.get_by_text("No Google account yet.")).to_be_visible()
        google.get_by_role("button", name="Connect with Google").click()

        page.wait_for_url(re.compile(re.escape(f"{self.live_server_url}/sandbox/google/")))
        page.get_by_role("radio", name=re.compile(re.escape(DEMO_AGENCY))).check()
        self.snap(page, "google-consent")
        page.get_by_role("button", name="Continue").click()

        page.wait_for_url(f"{self.live_server_url}/connected-accounts/")
        expect(page.get_by_text("Demo Agency connected.")).to_be_visible()
        row = google.get_by_role("row", name=re.compile("Demo Agency"))
        expect(row).to_contain_text(DEMO_AGENCY)
        expect(row).to_contain_text(MCC)
        expect(row).to_contain_text("Connected")
        self.snap(page, "google-connected")

    def add_the_client(self, page: Page) -> None:
        self.nav(page).get_by_role("link", name="Clients").click()
        page.get_by_role("link", name="Add a client").click()
        page.get_by_label("Name", exact=True).fill(CLIENT)
        page.get_by_label("Email", exact=True).fill(CLIENT_EMAIL)
        page.get_by_label("Company").fill("Jane's Bakery")
        self.snap(page, "new-client")
        page.get_by_role("button", name="Add the client").click()

        expect(page.get_by_role("heading", name=CLIENT, exact=True)).to_be_visible()
        expect(page.get_by_text(f"{CLIENT} was added.")).to_be_visible()
        self.snap(page, "client")

    def build_the_link(self, page: Page) -> str:
        """The builder, for Jane: Google Ads through the manager account, and Analytics. The
        API JSON beside it follows each change."""
        page.get_by_role("link", name="Send a link").first.click()
        expect(page.get_by_role("heading", name=f"New link for {CLIENT}")).to_be_visible()
        # The agency's platforms come first, open: Google, where it has its account.
        google = page.locator("details.platform").first
        expect(google.locator("summary")).to_contain_text("Google")
        expect(google).to_have_attribute("open", "")

        api_json = page.locator("#api-json-body")
        ads = page.locator("div.service", has=page.locator("#service-google_ads"))
        ads.get_by_label("Google Ads", exact=True).check()
        ads.get_by_label("Manager account (MCC)").select_option(MCC)
        expect(api_json).to_contain_text('"googleAdsMCCAccountID": "1234567890"')
        page.get_by_label("Google Analytics", exact=True).check()
        expect(api_json).to_contain_text('"Google Analytics"')
        body = json.loads(api_json.inner_text())
        google = body["requestedAccounts"]["Google"]
        self.assertEqual(set(google), {"Google Ads", "Google Analytics"})
        [ads_account] = google["Google Ads"]["requestedAccountLinks"]
        self.assertEqual(ads_account["googleAdsMCCAccountID"], MCC)
        self.snap(page, "builder")
        page.get_by_role("button", name="Create the link").click()

        expect(page.get_by_text(f"The link for {CLIENT} is ready.")).to_be_visible()
        expect(self.service(page, "Google Ads")).to_contain_text("Pending")
        expect(self.service(page, "Google Analytics")).to_contain_text("Pending")
        self.snap(page, "link")
        return page.get_by_label(f"Address to send {CLIENT}").input_value()

    def share_as_jane(self, page: Page, link_url: str) -> None:
        """On her phone, with no session of the agency's: she signs in to Google as herself
        and shares her Ads account (through the agency's manager account) and a property."""
        page.goto(link_url)
        expect(page.get_by_role("heading", name=f"Hello {CLIENT}")).to_be_visible()
        self.snap(page, "client-link")
        page.get_by_role("button", name="Connect with Google").click()

        page.wait_for_url(re.compile(re.escape(f"{self.live_server_url}/sandbox/google/")))
        page.get_by_role("radio", name=re.compile(re.escape(JANE))).check()
        self.snap(page, "client-google-consent")
        page.get_by_role("button", name="Continue").click()

        expect(page.get_by_role("heading", name="Choose what to share from Google")).to_be_visible()
        page.locator(f'input[name=google_ads][value="{ADS_ACCOUNT}"]').check()
        page.locator(f'input[name=google_analytics][value="{PROPERTY}"]').check()
        self.snap(page, "client-google-assets")
        page.get_by_role("button", name="Share what I ticked").click()

        # Nothing else asked: she lands on the finish, what she shared shown above it.
        expect(page.get_by_role("link", name="Finish")).to_be_in_viewport()
        expect(page.get_by_text(f"{AGENCY} has access now.")).to_have_count(2)
        self.snap(page, "client-shared")

    def see_the_access_granted(self, page: Page) -> None:
        page.reload()
        ads, analytics = self.service(page, "Google Ads"), self.service(page, "Google Analytics")
        expect(ads).to_contain_text("Granted")
        expect(ads).to_contain_text("1111111111")
        expect(ads).to_contain_text("manager 1234567890")
        expect(ads.locator("ul.grants")).to_contain_text("Active")
        expect(analytics).to_contain_text("Granted")
        expect(analytics.locator("ul.grants")).to_contain_text("2001")
        expect(analytics.locator("ul.grants")).to_contain_text("Active")
        expect(page.locator(".status-line")).to_contain_text("Complete")
        self.snap(page, "link-granted")

    # Helpers

    @staticmethod
    def nav(page: Page) -> Locator:
        return page.get_by_role("navigation", name="Main")

    @staticmethod
    def service(page: Page, name: str) -> Locator:
        """The row of one requested service in the link page's table."""
        return page.locator("table.services tr", has=page.get_by_role("rowheader", name=name))


def api_get(base: str, path: str, key: str, **params: str) -> tuple[int, dict]:
    """GET an API endpoint over HTTP, as an integrator's script does: status and JSON body."""
    request = Request(f"{base}{path}?{urlencode(params)}", headers={"X-Auth": key})  # noqa: S310
    try:
        with urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except HTTPError as e:
        with e:
            return e.code, json.load(e)


class TeamAndKeysTests(BrowserTestCase, LiveServerBaseTestCase):
    """The cast: Alice owns agency A and its API key, Bob is her teammate (a member)."""

    def log_in(self, page: Page, email: str) -> None:
        page.goto(f"{self.live_server_url}/account/login/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill("password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.live_server_url}/links/")

    def test_bob_a_member_is_refused_the_api_page(self):
        snap = Screenshots("dashboard/member")
        with self.chromium() as browser:
            page = self.desktop(browser)
            self.log_in(page, "bob@example.org")
            nav = page.get_by_role("navigation", name="Main")
            expect(nav.get_by_role("link", name="Links")).to_be_visible()
            expect(nav.get_by_role("link", name="API")).to_have_count(0)
            expect(nav.get_by_role("link", name="Team")).to_have_count(0)
            snap(page, "member-dashboard")

            response = page.goto(f"{self.live_server_url}/api-keys/")
            assert response is not None
            self.assertEqual(response.status, 403)
            expect(
                page.get_by_role("heading", name="Only the agency's owner can open this page")
            ).to_be_visible()
            snap(page, "member-refused")
            page.get_by_role("link", name="Back to the dashboard").click()
            page.wait_for_url(f"{self.live_server_url}/links/")

    def test_alice_rolls_her_key_and_the_api_refuses_the_old_one(self):
        snap = Screenshots("dashboard/roll-key")
        old_key, api = self.alice_key, self.live_server_url
        client_id = self.jane.public_id
        self.assertEqual(api_get(api, "/api/clients/retrieve", old_key, id=client_id)[0], 200)
        with self.chromium() as browser:
            page = self.desktop(browser)
            self.log_in(page, "alice@example.org")
            page.get_by_role("navigation", name="Main").get_by_role("link", name="API").click()
            expect(page.get_by_role("heading", name="API keys")).to_be_visible()
            snap(page, "api-keys")
            page.get_by_role("link", name="Roll Alice's key").click()
            expect(page.get_by_role("heading", name="Roll the key Alice's key?")).to_be_visible()
            snap(page, "roll-confirm")
            page.get_by_role("button", name="Roll the key").click()

            expect(page.get_by_role("heading", name="The new key of Alice's key")).to_be_visible()
            new_key = page.get_by_label("API key").input_value()
            snap(page, "rolled")
            page.get_by_role("link", name="Done").click()
            expect(page.get_by_role("heading", name="API keys")).to_be_visible()

            status, body = api_get(api, "/api/clients/retrieve", old_key, id=client_id)
            self.assertEqual(status, 401)
            self.assertIs(body["error"], True)
            status, body = api_get(api, "/api/clients/retrieve", new_key, id=client_id)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["data"]["email"], "jane@example.com")
            # The list names the key by its lookup id, never with its secret.
            expect(page.get_by_text(new_key)).to_have_count(0)

        self.assertNotEqual(new_key, old_key)
        self.assertTrue(new_key.startswith("aak_"))
        self.assertEqual(ApiKey.objects.filter(agency=self.agency_a).count(), 1)

    def test_the_dashboard_fits_a_phone(self):
        """Every page of the menu, and a link's, on a phone: the menu above the page, nothing
        wider than the screen (wide tables scroll inside their box), and no serious or
        critical accessibility violation (axe-core)."""
        snap = Screenshots("dashboard/phone")
        with self.chromium() as browser:
            page = self.phone(browser)
            self.log_in(page, "alice@example.org")
            nav = page.get_by_role("navigation", name="Main")
            pages = [
                link.inner_text() for link in nav.get_by_role("list").get_by_role("link").all()
            ]
            self.assertEqual(pages, PHONE_PAGES)
            for name in pages:
                nav.get_by_role("link", name=name, exact=True).click()
                expect(nav.get_by_role("link", name=name, exact=True)).to_have_attribute(
                    "aria-current", "page"
                )
                self.assertFitsTheScreen(page, name)
                self.assertAccessible(page)
                snap(page, name.lower().replace(" ", "-"))
            page.goto(f"{self.live_server_url}/links/{self.link.public_id}/")
            expect(page.get_by_role("heading", name="Link for Jane Doe")).to_be_visible()
            self.assertFitsTheScreen(page, "the link's page")
            self.assertAccessible(page)
            snap(page, "link")
            page.get_by_role("link", name="Edit the requested accounts").click()
            expect(page.get_by_role("heading", name="Edit the requested accounts")).to_be_visible()
            self.assertFitsTheScreen(page, "the builder")
            self.assertAccessible(page)
            snap(page, "builder")

    def assertFitsTheScreen(self, page: Page, name: str) -> None:
        menu = page.get_by_role("navigation", name="Main").bounding_box()
        main = page.locator("main").bounding_box()
        assert menu is not None and main is not None
        self.assertGreaterEqual(
            main["y"], menu["y"] + menu["height"], f"{name}: the menu is beside the page"
        )
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["viewport"]["width"], f"{name} is wider than the phone")
