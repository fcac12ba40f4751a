"""Jane's whole journey through the real Google and Meta connectors, over HTTP, against their
sandboxes (served by a live server: the connectors call SITE_URL). Only the browser is
simulated, by the test client following what each page sends it to."""

from urllib.parse import parse_qs, urlsplit

from django.test import Client as Browser
from django.test import LiveServerTestCase

from agencyaccess.accounts.models import Agency
from agencyaccess.clients.models import Client
from agencyaccess.links.models import Grant, Link, ServiceStatus
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.google.sandbox.tokens import EVERY_SCOPE as EVERY_GOOGLE_SCOPE
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY
from agencyaccess.platforms.google.sandbox.world import JANE as JANE_AT_GOOGLE
from agencyaccess.platforms.meta.sandbox import world as meta_world
from agencyaccess.platforms.models import ConnectedAccount, PlatformToken
from agencyaccess.tests.browser import use_sandboxes


class JourneyTestCase(LiveServerTestCase):
    """A live server with every platform in sandbox mode, as a fresh install runs."""

    def setUp(self) -> None:
        super().setUp()
        use_sandboxes(self)
        self.agency = Agency.objects.create(name="Alice & Co")
        jane = Client.objects.create(agency=self.agency, name="Jane Doe", email="jane@example.com")
        self.link = Link.objects.create(agency=self.agency, client=jane)

    def request(self, platform: str, service_key: str, level: str, **account) -> None:
        """Ask Jane for a service, received by a connected account of Alice's agency."""
        receiver = ConnectedAccount.objects.create(agency=self.agency, platform=platform, **account)
        service = self.link.services.create(
            platform=platform, service_key=service_key, access_level=level
        )
        service.account_links.create(connected_account=receiver)

    def url(self, suffix: str = "") -> str:
        return f"/l/{self.link.public_id}/{suffix}"

    def connect(self, platform: str, answer: dict) -> str:
        """Press Connect and answer the sandbox's consent page; where it sends the browser."""
        consent = urlsplit(self.client.post(self.url(f"connect/{platform}/"))["Location"])
        self.assertEqual(f"{consent.scheme}://{consent.netloc}", self.live_server_url)
        page = f"{consent.path}?{consent.query}"
        self.assertEqual(self.client.get(page).status_code, 200)
        asked = {name: values[0] for name, values in parse_qs(consent.query).items()}
        # Google's consent form posts to its own address; Meta's carries the query as fields.
        decided = self.client.post(page, {**asked, **answer})
        self.assertEqual(decided.status_code, 302, decided.content)
        return decided["Location"]

    def assertSharedAndForgotten(self, states: dict[str, GrantState]) -> None:
        self.assertEqual(
            dict(Grant.objects.filter(link=self.link).values_list("asset_id", "state")), states
        )
        self.assertEqual(self.link.services.get().status, ServiceStatus.GRANTED)
        self.assertFalse(PlatformToken.objects.filter(link=self.link).exists())
        self.link.refresh_from_db()
        self.assertIsNotNone(self.link.completed)


class GoogleSandboxJourneyTests(JourneyTestCase):
    PROPERTY = "properties/2001"  # Jane administers it
    BLOG = "properties/2002"  # Jane only views it: not hers to share

    def setUp(self) -> None:
        super().setUp()
        self.request("google", "google_analytics", "EDITOR", email=DEMO_AGENCY)

    def allow_all(self) -> dict:
        """Jane ticks every permission (ticking more than was asked grants nothing more)."""
        return {"decision": "allow", "user": JANE_AT_GOOGLE, "scope": EVERY_GOOGLE_SCOPE}

    def test_jane_signs_in_to_google_and_shares_her_analytics_property(self):
        self.assertContains(self.client.get(self.url()), "Sandbox: no real Google account")

        back = self.connect("google", self.allow_all())
        self.assertTrue(back.startswith(f"{self.live_server_url}/oauth/google/callback/?"))
        arrived = self.client.get(back)
        self.assertRedirects(arrived, self.url("platform/google/"), fetch_redirect_response=False)

        choose = self.client.get(self.url("platform/google/"))
        self.assertContains(choose, "janes-bakery.example")
        self.assertContains(choose, f'value="{self.BLOG}" disabled')

        shared = self.client.post(
            self.url("platform/google/"), {"google_analytics": self.PROPERTY}, follow=True
        )

        self.assertContains(shared, "Alice &amp; Co has access now.")
        self.assertSharedAndForgotten({self.PROPERTY: GrantState.ACTIVE})
        self.assertTrue(
            Grant.objects.get().native_ref.startswith(f"{self.PROPERTY}/accessBindings/")
        )

    def test_someone_the_link_was_forwarded_to_cannot_use_janes_sign_in(self):
        self.client.get(self.connect("google", self.allow_all()))
        forwarded_to = Browser()

        page = forwarded_to.get(self.url("platform/google/"), follow=True)
        forwarded_to.post(self.url("platform/google/"), {"google_analytics": self.PROPERTY})

        self.assertRedirects(page, self.url())
        self.assertContains(page, "Connect first, then choose what to share.")
        self.assertNotContains(page, "janes-bakery.example")
        self.assertFalse(Grant.objects.exists())
        self.assertContains(self.client.get(self.url("platform/google/")), "janes-bakery.example")

    def test_declining_on_googles_consent_goes_back_to_the_link(self):
        back = self.connect("google", {"decision": "deny"})
        page = self.client.get(back, follow=True)
        self.assertRedirects(page, self.url())
        self.assertContains(page, "The sign-in was cancelled.")
        self.assertFalse(PlatformToken.objects.exists())


class MetaSandboxJourneyTests(JourneyTestCase):
    WEDDINGS = "act_400000000000004"  # one of Jane's business ad accounts, not yet shared
    PROMOTIONS = "act_400000000000002"  # another of them
    PERSONAL = "act_400000000000003"  # personal: Meta cannot share it with a business

    def setUp(self) -> None:
        super().setUp()
        self.request(
            "meta", "meta_ads", "ADVERTISE", fields={"business_id": meta_world.AGENCY_BUSINESS_ID}
        )

    def test_jane_signs_in_to_meta_and_shares_her_ad_accounts(self):
        self.assertContains(self.client.get(self.url()), "Connect with Meta")

        every = list(meta_world.PERMISSIONS)
        back = self.connect("meta", {"person": "jane", "action": "continue", "permission": every})
        self.assertTrue(back.startswith(f"{self.live_server_url}/oauth/meta/callback/?"))
        self.assertRedirects(
            self.client.get(back), self.url("platform/meta/"), fetch_redirect_response=False
        )

        choose = self.client.get(self.url("platform/meta/"))
        self.assertContains(choose, "Jane&#x27;s Bakery - Weddings")
        self.assertContains(choose, f'value="{self.PERSONAL}" disabled')

        shared = self.client.post(
            self.url("platform/meta/"), {"meta_ads": [self.WEDDINGS, self.PROMOTIONS]}, follow=True
        )

        self.assertContains(shared, "Alice &amp; Co has access now.", count=2)
        self.assertSharedAndForgotten(
            {self.WEDDINGS: GrantState.ACTIVE, self.PROMOTIONS: GrantState.ACTIVE}
        )
