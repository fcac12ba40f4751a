"""Clara's journeys through the platforms that grant through their APIs, end to end in a real
browser: she opens Alice's link, signs in to each platform's sandbox, ticks one asset and
shares it. The link page tells her what each platform said, the API and the dashboard tell
Alice the same, and each sandbox now holds the share.

Alice's agency is connected to the sandboxes as their demo agency person, the way the
dashboard's "Connect" leaves it (`connect_to_sandbox`): her TikTok Business Center, her
LinkedIn member, her Microsoft Advertising manager customer, her Pinterest business, her
Snapchat and HubSpot e-mail address. Screenshots go to artifacts/e2e-platforms*/.
"""

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from agencyaccess.accounts.models import User
from agencyaccess.catalog import platform_by_key
from agencyaccess.clients.models import Client
from agencyaccess.links.actions import create_link, parse_services
from agencyaccess.links.jobs import recheck_pending_grants
from agencyaccess.links.models import Grant, Link
from agencyaccess.platforms.actions import connect_to_sandbox
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.hubspot.sandbox import state as hubspot_sandbox
from agencyaccess.platforms.hubspot.sandbox import world as hubspot_world
from agencyaccess.platforms.linkedin.sandbox import state as linkedin_sandbox
from agencyaccess.platforms.linkedin.sandbox import world as linkedin_world
from agencyaccess.platforms.microsoft.sandbox import state as microsoft_sandbox
from agencyaccess.platforms.microsoft.sandbox import world as microsoft_world
from agencyaccess.platforms.models import ConnectedAccount, PlatformToken
from agencyaccess.platforms.pinterest.sandbox import state as pinterest_sandbox
from agencyaccess.platforms.pinterest.sandbox import world as pinterest_world
from agencyaccess.platforms.snapchat.sandbox import state as snapchat_sandbox
from agencyaccess.platforms.snapchat.sandbox import world as snapchat_world
from agencyaccess.platforms.tiktok.sandbox import state as tiktok_sandbox
from agencyaccess.platforms.tiktok.sandbox import world as tiktok_world
from agencyaccess.test import LiveServerBaseTestCase
from agencyaccess.tests.browser import BrowserTestCase, Screenshots, use_sandboxes

# What Clara shares, as each sandbox knows it: she signs in as its client person.
TIKTOK_AD_ACCOUNT = "7210000000000000001"  # "Jane's Shop Ads", in a Business Center she admins
LINKEDIN_AD_ACCOUNT = "508000001"  # "Jane Co - Main", where she is an account manager
MICROSOFT_ACCOUNT = "1800001"  # "Clara Bikes - Search", her customer's
PINTEREST_AD_ACCOUNT = "549755885001"  # "Paula's Pottery - Main", of a business she admins
SNAPCHAT_AD_ACCOUNT = snapchat_world.MAIN_ACCOUNT  # "Clara Bikes - Main", her organization's
HUBSPOT_ACCOUNT = str(hubspot_world.CLIENT_HUB_ID)  # clara-bikes.example, where she installs
MICROSOFT = ("microsoft_ads", MICROSOFT_ACCOUNT)
SNAPCHAT = ("snapchat_ads", SNAPCHAT_AD_ACCOUNT)
SHARED = "Shared"  # what the link page says of a grant the platform made at once
AGENCY_ACCEPTS = "Waiting for Alice & Co to accept"  # … of one the agency must accept
ACTIVE_BADGE = '<span class="badge ok">Active</span>'


class PlatformsJourney(BrowserTestCase, LiveServerBaseTestCase):
    """What the journeys share: the platforms in sandbox mode, Alice's agency connected to
    each, Clara, and the steps and views of the link. A subclass names its platforms (key ->
    the settings that put it in sandbox mode) and its screenshots' suite."""

    platforms: ClassVar[Mapping[str, Mapping[str, Any]]]
    suite: ClassVar[str]
    alice: User
    clara: Client
    link: Link
    accounts: dict[str, ConnectedAccount]
    snap: Screenshots

    def setUp(self) -> None:
        super().setUp()
        use_sandboxes(self)
        blanked = {
            name: value for blank in self.platforms.values() for name, value in blank.items()
        }
        self.enterContext(override_settings(**blanked))
        self.accounts = {
            key: connect_to_sandbox(self.agency_a, platform_by_key(key)) for key in self.platforms
        }
        self.clara = Client.objects.create(
            agency=self.agency_a, name="Clara Jansen", email="clara@clara-bikes.example"
        )
        self.snap = Screenshots(self.suite)

    def create_link(self, levels: Mapping[str, str]) -> Link:
        """Alice asks Clara for these services (service key -> catalogue level), each from her
        account on its platform, as the API's links/create does."""
        requested: dict[str, dict[str, Any]] = {}
        for key, platform in ((key, platform_by_key(key)) for key in self.platforms):
            requested[platform.name] = {
                service.name: {
                    "accessLevel": levels[service.key],
                    "requestedAccountLinks": [{"internalAccountID": self.accounts[key].public_id}],
                }
                for service in platform.services
                if service.key in levels
            }
        return create_link(self.clara, parse_services(self.agency_a.pk, self.clara, requested))

    # Clara's steps

    def walk(self, levels: Mapping[str, str], *steps: Callable[[Page], None]) -> None:
        """Alice's link asks for these services (`create_link`); Clara opens it on a laptop,
        takes each step in turn, and finds everything answered."""
        self.link = self.create_link(levels)
        with self.chromium() as browser:
            page = self.desktop(browser, locale="en-GB")
            page.goto(self.link.url)
            expect(page.get_by_text(f"0 of {len(self.platforms)} done")).to_be_visible()
            self.assertAccessible(page)
            self.snap(page, "link")
            for step in steps:
                step(page)
            expect(
                page.get_by_role("heading", name="Everything is shared. Thank you!")
            ).to_be_visible()
            expect(page.get_by_role("link", name="Finish")).to_be_in_viewport()
            self.assertAccessible(page)

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

    def assertDone(self, page: Page, done: int, step: str) -> None:
        expect(page.get_by_text(f"{done} of {len(self.platforms)} done")).to_be_visible()
        self.snap(page, step)

    # What Alice sees

    def granted_through_the_api(self) -> dict[tuple[str, str], bool]:
        """(platform name, service name) -> whether the API's links/retrieve says granted."""
        response = self.client.get(
            "/api/links/retrieve", {"id": self.link.public_id}, headers={"X-Auth": self.alice_key}
        )
        self.assertEqual(response.status_code, 200, response.content)
        requested = response.json()["data"]["requestedAccounts"]
        return {
            (platform, service): answer["granted"]
            for platform, services in requested.items()
            for service, answer in services.items()
        }

    def dashboard(self) -> str:
        """The link's page on Alice's dashboard, as HTML."""
        self.client.force_login(self.alice)
        response = self.client.get(f"/links/{self.link.public_id}/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def check_now(self, service_key: str) -> None:
        """Alice's "Check now" on the grant of this service: the platform is asked again."""
        grant = Grant.objects.get(link=self.link, service_key=service_key)
        self.client.force_login(self.alice)
        checked = self.client.post(
            f"/links/{self.link.public_id}/grants/{grant.pk}/check/", follow=True
        )
        self.assertContains(checked, "Checked with the platform just now")

    def worker_checks(self, service_key: str) -> None:
        """The worker's next check of this service's pending grant comes due, and runs."""
        Grant.objects.filter(link=self.link, service_key=service_key).update(
            next_check=timezone.now()
        )
        self.assertEqual(recheck_pending_grants(), 1)

    def grant_states(self) -> dict[tuple[str, str], GrantState]:
        grants = Grant.objects.filter(link=self.link)
        return {(g.service_key, g.asset_id): GrantState(g.state) for g in grants}

    def assertSignInsForgotten(self) -> None:
        """Clara's sign-ins are forgotten once used."""
        self.assertFalse(PlatformToken.objects.filter(link=self.link).exists())


class ThreePlatformsJourneyTests(PlatformsJourney):
    platforms = {
        "tiktok": {"TIKTOK_APP_ID": "", "TIKTOK_URLS": {}},
        "linkedin": {"LINKEDIN_CLIENT_ID": "", "LINKEDIN_URLS": {}},
        "microsoft": {"MICROSOFT_CLIENT_ID": "", "MICROSOFT_URLS": {}},
    }
    suite = "e2e-platforms"

    def test_clara_shares_one_asset_on_each_platform(self):
        self.walk(
            {
                "tiktok_ads": "OPERATOR",
                "linkedin_ads": "CAMPAIGN_MANAGER",
                "microsoft_ads": "STANDARD",
            },
            self.share_from_tiktok,
            self.share_from_linkedin,
            self.share_from_microsoft,
        )

        self.assertAliceSeesWhatClaraShared()
        self.assertTheSandboxesHoldTheShares()

    # The steps

    def share_from_tiktok(self, page: Page) -> None:
        self.connect(page, "tiktok")
        page.get_by_role("button", name=re.compile(r"^Jane Client")).click()
        self.share(page, "tiktok", "tiktok_ads", TIKTOK_AD_ACCOUNT, SHARED)
        self.assertDone(page, 1, "tiktok-shared")

    def share_from_linkedin(self, page: Page) -> None:
        self.connect(page, "linkedin")
        page.get_by_role("radio", name=re.compile(r"^Jane Doe")).check()
        page.get_by_role("button", name="Allow").click()
        self.share(page, "linkedin", "linkedin_ads", LINKEDIN_AD_ACCOUNT, SHARED)
        self.assertDone(page, 2, "linkedin-shared")

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
        self.snap(page, "microsoft-shared")

    # What Alice sees, and what the platforms hold

    def assertAliceSeesWhatClaraShared(self) -> None:
        self.assertEqual(
            self.granted_through_the_api(),
            {
                ("TikTok", "TikTok Ads"): True,
                ("LinkedIn", "LinkedIn Ads"): True,
                ("Microsoft", "Microsoft Ads"): True,
            },
        )
        active = {
            ("tiktok_ads", TIKTOK_AD_ACCOUNT): GrantState.ACTIVE,
            ("linkedin_ads", LINKEDIN_AD_ACCOUNT): GrantState.ACTIVE,
            MICROSOFT: GrantState.ACTIVE,
        }
        # TikTok and LinkedIn granted at once; Microsoft's link is accepted and finishing.
        self.assertEqual(self.grant_states(), {**active, MICROSOFT: GrantState.PENDING_REVIEW})
        # Alice's dashboard says so; her "Check now" asks Microsoft again, which has finished
        # the link by then.
        page = self.dashboard()
        for name in ("Jane&#x27;s Shop Ads", "Jane Co - Main", "Clara Bikes - Search"):
            self.assertIn(name, page)
        self.assertEqual(page.count(ACTIVE_BADGE), 2)
        self.assertIn('<span class="badge warn">In review by the platform</span>', page)
        self.check_now("microsoft_ads")
        self.assertEqual(self.grant_states(), active)
        self.assertEqual(self.dashboard().count(ACTIVE_BADGE), 3)
        self.assertSignInsForgotten()

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


class PinterestSnapchatHubSpotJourneyTests(PlatformsJourney):
    """Pinterest's partner invite, which the agency's own sign-in accepts at once; Snapchat's
    member invitation, which waits for the agency's person; HubSpot's user, added at once."""

    platforms = {
        "pinterest": {"PINTEREST_CLIENT_ID": "", "PINTEREST_URLS": {}},
        "snapchat": {"SNAPCHAT_CLIENT_ID": "", "SNAPCHAT_URLS": {}},
        "hubspot": {"HUBSPOT_CLIENT_ID": "", "HUBSPOT_URLS": {}},
    }
    suite = "e2e-platforms-invites"

    def test_clara_shares_one_asset_on_each_platform(self):
        self.walk(
            {
                "pinterest_ads": "CAMPAIGN_MANAGER",
                "snapchat_ads": "GENERAL",
                "hubspot_partner": "STANDARD",
            },
            self.share_from_pinterest,
            self.share_from_snapchat,
            self.share_from_hubspot,
        )

        self.assertTheAgencyIsConnectedAsItsDemoPerson()
        self.assertAliceSeesWhatClaraShared()
        self.assertTheSandboxesHoldTheShares()
        self.assertSnapchatActiveOnceTheAgencyAccepts()

    # The steps

    def share_from_pinterest(self, page: Page) -> None:
        self.connect(page, "pinterest")
        page.get_by_role("radio", name=re.compile(r"paula_potter")).check()
        page.get_by_role("button", name="Allow").click()
        # The client's business invited the agency's, whose own sign-in accepted at once.
        self.share(page, "pinterest", "pinterest_ads", PINTEREST_AD_ACCOUNT, SHARED)
        self.assertDone(page, 1, "pinterest-shared")

    def share_from_snapchat(self, page: Page) -> None:
        self.connect(page, "snapchat")
        page.get_by_role("radio", name=re.compile(r"^Clara Jansen")).check()
        page.get_by_role("button", name="Accept").click()
        # Snapchat e-mailed the agency's person an invitation: nothing more for Clara to do.
        self.share(page, "snapchat", "snapchat_ads", SNAPCHAT_AD_ACCOUNT, AGENCY_ACCEPTS)
        agency_person = self.accounts["snapchat"].email
        expect(page.locator(".just-shared")).to_contain_text(
            f"Snapchat sent an invitation to {agency_person}"
        )
        self.assertDone(page, 2, "snapchat-shared")

    def share_from_hubspot(self, page: Page) -> None:
        self.connect(page, "hubspot")
        page.get_by_role("radio", name=re.compile(r"as clara@clara-bikes\.example")).check()
        page.get_by_role("button", name="Connect app").click()
        self.share(page, "hubspot", "hubspot_partner", HUBSPOT_ACCOUNT, SHARED)
        self.snap(page, "hubspot-shared")

    # What Alice sees, and what the platforms hold

    def assertTheAgencyIsConnectedAsItsDemoPerson(self) -> None:
        self.assertEqual(
            self.accounts["pinterest"].fields["business_id"], pinterest_world.AGENCY_BUSINESS
        )
        snapchat_person = snapchat_world.PEOPLE[snapchat_world.AGENCY_PERSON]
        self.assertEqual(self.accounts["snapchat"].email, snapchat_person.email)
        hubspot_person = hubspot_world.PEOPLE[hubspot_world.AGENCY_PERSON]
        self.assertEqual(self.accounts["hubspot"].email, hubspot_person.email)

    def assertAliceSeesWhatClaraShared(self) -> None:
        self.assertEqual(
            self.granted_through_the_api(),
            {
                ("Pinterest", "Pinterest Ads"): True,
                ("Snapchat", "Snapchat Ads"): True,
                ("HubSpot", "HubSpot Partner"): True,
            },
        )
        self.assertEqual(
            self.grant_states(), {**self.active(), SNAPCHAT: GrantState.PENDING_AGENCY}
        )
        page = self.dashboard()
        for name in ("Paula&#x27;s Pottery - Main", "Clara Bikes - Main", "clara-bikes.example"):
            self.assertIn(name, page)
        self.assertEqual(page.count(ACTIVE_BADGE), 2)
        self.assertIn('<span class="badge warn">Waiting for you to accept</span>', page)
        self.assertSignInsForgotten()

    def assertTheSandboxesHoldTheShares(self) -> None:
        self.assertEqual(
            pinterest_sandbox.accesses(
                owner=pinterest_world.CLIENT_BUSINESS, asset=PINTEREST_AD_ACCOUNT
            ),
            [
                {
                    "owner": pinterest_world.CLIENT_BUSINESS,
                    "partner": pinterest_world.AGENCY_BUSINESS,
                    "asset": PINTEREST_AD_ACCOUNT,
                    "permissions": ["CAMPAIGN_MANAGER"],
                }
            ],
        )
        [invite] = pinterest_sandbox.invites_of(pinterest_world.AGENCY_BUSINESS)
        self.assertEqual(invite["status"], "ACCEPTED")

        invited = self.snapchat_member()
        self.assertEqual(invited["member_status"], "INVITED")
        self.assertEqual(
            {
                (r["type"], r.get("ad_account_id", ""))
                for r in snapchat_sandbox.roles_of(invited["id"])
            },
            {("member", ""), ("general", SNAPCHAT_AD_ACCOUNT)},
        )

        # Against what HubSpot shows, not how it is stored: a user for the agency's address.
        users = [
            user["email"]
            for user in hubspot_sandbox.users_of(hubspot_world.CLIENT_HUB_ID)
            if not user["superAdmin"]
        ]
        self.assertEqual(users, [self.accounts["hubspot"].email])

    def assertSnapchatActiveOnceTheAgencyAccepts(self) -> None:
        """Asked by the worker before the agency's person accepts, Snapchat still waits; once they
        accept from Snapchat's e-mail (the sandbox's test hook), "Check now" finds the access."""
        self.worker_checks("snapchat_ads")
        self.assertEqual(self.grant_states()[SNAPCHAT], GrantState.PENDING_AGENCY)

        member = self.snapchat_member()["id"]
        accepted = self.client.post(f"/sandbox/snapchat/testapi/members/{member}/accept/")
        self.assertEqual(accepted.status_code, 204)
        self.assertEqual(self.snapchat_member()["member_status"], "MEMBER")

        self.check_now("snapchat_ads")
        self.assertEqual(self.grant_states(), self.active())
        self.assertEqual(self.dashboard().count(ACTIVE_BADGE), 3)

    # Helpers

    @staticmethod
    def active() -> dict[tuple[str, str], GrantState]:
        return {
            ("pinterest_ads", PINTEREST_AD_ACCOUNT): GrantState.ACTIVE,
            SNAPCHAT: GrantState.ACTIVE,
            ("hubspot_partner", HUBSPOT_ACCOUNT): GrantState.ACTIVE,
        }

    def snapchat_member(self) -> dict[str, Any]:
        """The agency's person among the members of Clara's organization."""
        email = self.accounts["snapchat"].email
        members = snapchat_sandbox.members_of(snapchat_world.CLIENT_ORG)
        return next(m for m in members if m["email"] == email)
