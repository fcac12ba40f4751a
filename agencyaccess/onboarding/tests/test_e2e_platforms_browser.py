"""Clara's journey through TikTok, LinkedIn and Microsoft, end to end in a real browser: she
opens Alice's link, signs in to each platform's sandbox, ticks one asset and shares it. The
link page tells her what each platform said, the API tells Alice the same, and each sandbox now
holds the share.

Alice's agency is connected to the three sandboxes as their demo agency person, the way the
dashboard's "Connect" leaves it: her TikTok Business Center, her LinkedIn member, her
Microsoft Advertising manager customer. Screenshots go to artifacts/e2e-platforms/.
"""

import re

from django.test import override_settings
from playwright.sync_api import Page, expect

from agencyaccess.accounts.models import User
from agencyaccess.catalog import platform_by_key
from agencyaccess.clients.models import Client
from agencyaccess.links.actions import create_link, parse_services
from agencyaccess.links.models import Grant, Link
from agencyaccess.platforms.actions import connect_to_sandbox
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.linkedin.sandbox import state as linkedin_sandbox
from agencyaccess.platforms.linkedin.sandbox import world as linkedin_world
from agencyaccess.platforms.microsoft.sandbox import state as microsoft_sandbox
from agencyaccess.platforms.microsoft.sandbox import world as microsoft_world
from agencyaccess.platforms.models import ConnectedAccount, PlatformToken
from agencyaccess.platforms.tiktok.sandbox import state as tiktok_sandbox
from agencyaccess.platforms.tiktok.sandbox import world as tiktok_world
from agencyaccess.test import LiveServerBaseTestCase
from agencyaccess.tests.browser import BrowserTestCase, Screenshots, use_sandboxes

# What Clara shares, as each sandbox knows it: she signs in as its client person.
TIKTOK_AD_ACCOUNT = "7210000000000000001"  # "Jane's Shop Ads", in a Business Center she admins
LINKEDIN_AD_ACCOUNT = "508000001"  # "Jane Co - Main", where she is an account manager
MICROSOFT_ACCOUNT = "1800001"  # "Clara Bikes - Search", her customer's
MICROSOFT = ("microsoft_ads", MICROSOFT_ACCOUNT)
ACTIVE = {
    ("tiktok_ads", TIKTOK_AD_ACCOUNT): GrantState.ACTIVE,
    ("linkedin_ads", LINKEDIN_AD_ACCOUNT): GrantState.ACTIVE,
    MICROSOFT: GrantState.ACTIVE,
}
SHARED = "Shared"  # what the link page says of a grant the platform made at once


class ThreePlatformsJourneyTests(BrowserTestCase, LiveServerBaseTestCase):
    alice: User
    clara: Client
    link: Link
    accounts: dict[str, ConnectedAccount]
    snap: Screenshots

    def setUp(self) -> None:
        super().setUp()
        use_sandboxes(self)
        self.enterContext(
            override_settings(
                TIKTOK_APP_ID="",
                TIKTOK_URLS={},
                LINKEDIN_CLIENT_ID="",
                LINKEDIN_URLS={},
                MICROSOFT_CLIENT_ID="",
                MICROSOFT_URLS={},
            )
        )
        self.accounts = {
            key: connect_to_sandbox(self.agency_a, platform_by_key(key))
            for key in ("tiktok", "linkedin", "microsoft")
        }
        self.clara = Client.objects.create(
            agency=self.agency_a, name="Clara Jansen", email="clara@clara-bikes.example"
        )
        self.snap = Screenshots("e2e-platforms")

    def test_clara_shares_one_asset_on_each_platform(self):
        self.link = self.create_link()
        with self.chromium() as browser:
            page = self.desktop(browser, locale="en-GB")
            page.goto(self.link.url)
            expect(page.get_by_text("0 of 3 done")).to_be_visible()
            self.assertAccessible(page)
            self.snap(page, "link")

            self.share_from_tiktok(page)
            self.share_from_linkedin(page)
            self.share_from_microsoft(page)

            expect(page.get_by_role("link", name="Finish")).to_be_in_viewport()
            self.assertAccessible(page)

        self.assertAliceSeesWhatClaraShared()
        self.assertTheSandboxesHoldTheShares()

    # The steps

    def share_from_tiktok(self, page: Page) -> None:
        self.connect(page, "tiktok")
        page.get_by_role("button", name=re.compile(r"^Jane Client")).click()
        self.share(page, "tiktok", "tiktok_ads", TIKTOK_AD_ACCOUNT, SHARED)
        expect(page.get_by_text("1 of 3 done")).to_be_visible()
        self.snap(page, "tiktok-shared")

    def share_from_linkedin(self, page: Page) -> None:
        self.connect(page, "linkedin")
        page.get_by_role("radio", name=re.compile(r"^Jane Doe")).check()
        page.get_by_role("button", name="Allow").click()
        self.share(page, "linkedin", "linkedin_ads", LINKEDIN_AD_ACCOUNT, SHARED)
        expect(page.get_by_text("2 of 3 done")).to_be_visible()
        self.snap(page, "linkedin-shared")

    def share_from_microsoft(self, page: Page) -> None:
        self.connect(page, "microsoft")
        page.get_by_role("radio", name=re.compile(r"^Clara Jansen")).check()
        page.get_by_role("button", name="Accept").click()
        # The agency's manager customer asked for a link and Clara's sign-in accepted it:
        # Microsoft finishes it on its own, within minutes.
        self.share(page, "microsoft", "microsoft_ads", MICROSOFT_ACCOUNT, "Being reviewed")
        # Microsoft's own word on how long, and no general "a day" contradicting it.
        expect(page.locator(".just-shared")).to_contain_text("usually takes a few minutes")
        expect(page.locator(".just-shared")).not_to_contain_text("a day")
        expect(page.get_by_role("heading", name="Everything is shared. Thank you!")).to_be_visible()
        self.snap(page, "microsoft-shared")

    def connect(self, page: Page, platform: str) -> None:
        """From the link page, the open step's button to the platform's sign-in."""
        step = page.locator('ol.stepper > li[aria-current="step"]')
        step.locator(f'form[action$="/connect/{platform}/"] button').click()
        page.wait_for_url(re.compile(re.escape(f"{self.live_server_url}/sandbox/{platform}/")))
        self.snap(page, f"{platform}-sign-in")

    def share(self, page: Page, platform: str, service_key: str, asset_id: str, said: str) -> None:
        """On the platform's list of assets, tick one and share it; back on the link page with
        what the platform said above the next step."""
        page.wait_for_url(f"{self.link.url}platform/{platform}/")
        self.assertAccessible(page)
        page.locator(f'input[name={service_key}][value="{asset_id}"]').check()
        self.snap(page, f"{platform}-assets")
        page.get_by_role("button", name="Share what I ticked").click()
        page.wait_for_url(self.link.url)
        expect(page.locator(".just-shared li")).to_have_count(1)
        expect(page.locator(".just-shared .grant-state")).to_have_text(said)

    # What Alice sees, and what the platforms hold

    def assertAliceSeesWhatClaraShared(self) -> None:
        response = self.client.get(
            "/api/links/retrieve", {"id": self.link.public_id}, headers={"X-Auth": self.alice_key}
        )
        self.assertEqual(response.status_code, 200, response.content)
        requested = response.json()["data"]["requestedAccounts"]
        granted = {
            (platform, service): answer["granted"]
            for platform, services in requested.items()
            for service, answer in services.items()
        }
        self.assertEqual(
            granted,
            {
                ("TikTok", "TikTok Ads"): True,
                ("LinkedIn", "LinkedIn Ads"): True,
                ("Microsoft", "Microsoft Ads"): True,
            },
        )
        # TikTok and LinkedIn granted at once; Microsoft's link is accepted and finishing.
        self.assertEqual(self.grant_states(), {**ACTIVE, MICROSOFT: GrantState.PENDING_REVIEW})
        # Alice's dashboard says so; her "Check now" asks Microsoft again, which has finished
        # the link by then.
        self.client.force_login(self.alice)
        detail = f"/links/{self.link.public_id}/"
        page = self.client.get(detail)
        for name in ("Jane&#x27;s Shop Ads", "Jane Co - Main", "Clara Bikes - Search"):
            self.assertContains(page, name)
        self.assertContains(page, '<span class="badge ok">Active</span>', count=2)
        self.assertContains(page, '<span class="badge warn">In review by the platform</span>')
        microsoft = Grant.objects.get(link=self.link, service_key="microsoft_ads")
        checked = self.client.post(f"{detail}grants/{microsoft.pk}/check/")
        self.assertEqual(checked.status_code, 302)
        self.assertEqual(self.grant_states(), ACTIVE)
        page = self.client.get(detail)
        self.assertContains(page, '<span class="badge ok">Active</span>', count=3)
        # Her sign-ins are forgotten once used.
        self.assertFalse(PlatformToken.objects.filter(link=self.link).exists())

    def assertTheSandboxesHoldTheShares(self) -> None:
        agency_bc = self.accounts["tiktok"].fields["business_center_id"]
        self.assertEqual(agency_bc, tiktok_world.AGENCY_BC_ID)
        self.assertEqual(
            tiktok_sandbox.shared_assets(tiktok_world.CLIENT_BC_ID, agency_bc, "ADVERTISER"),
            [(TIKTOK_AD_ACCOUNT, "OPERATOR")],
        )

        member = self.accounts["linkedin"].fields["person_id"]
        self.assertEqual(member, linkedin_world.PEOPLE[linkedin_world.AGENCY_PERSON].id)
        self.assertEqual(
            linkedin_sandbox.account_role(LINKEDIN_AD_ACCOUNT, member), "CAMPAIGN_MANAGER"
        )

        manager = self.accounts["microsoft"].fields["manager_customer_id"]
        self.assertEqual(manager, str(microsoft_world.AGENCY_CUSTOMER_ID))
        link = microsoft_sandbox.link_of(int(manager), int(MICROSOFT_ACCOUNT))
        assert link is not None
        self.assertEqual(link["Status"], "Active")

    # Helpers

    def grant_states(self) -> dict[tuple[str, str], GrantState]:
        grants = Grant.objects.filter(link=self.link)
        return {(g.service_key, g.asset_id): GrantState(g.state) for g in grants}

    def create_link(self) -> Link:
        """Alice asks Clara for TikTok Ads, LinkedIn Ads and Microsoft Ads, each at the
        catalogue's default level, as the API's links/create does."""
        services = {
            "TikTok": {"TikTok Ads": "OPERATOR"},
            "LinkedIn": {"LinkedIn Ads": "CAMPAIGN_MANAGER"},
            "Microsoft": {"Microsoft Ads": "STANDARD"},
        }
        requested = {
            platform: {
                service: {
                    "accessLevel": level,
                    "requestedAccountLinks": [
                        {"internalAccountID": self.accounts[platform.lower()].public_id}
                    ],
                }
                for service, level in wanted.items()
            }
            for platform, wanted in services.items()
        }
        return create_link(self.clara, parse_services(self.agency_a.pk, self.clara, requested))
