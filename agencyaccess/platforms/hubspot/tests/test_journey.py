"""A client's journey through the HubSpot connector, over HTTP, against its sandbox: the link asks
for HubSpot Partner, Clara installs the app in her account and shares it, the agency's address
becomes a user there. Only the browser is simulated, by the test client."""

from urllib.parse import parse_qs, urlsplit

from django.test import LiveServerTestCase, override_settings

from agencyaccess.accounts.models import Agency
from agencyaccess.clients.models import Client
from agencyaccess.links.models import Grant, Link, ServiceStatus
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.hubspot.sandbox import state, world
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.tests.browser import use_sandboxes

AGENCY_EMAIL = world.PEOPLE[world.AGENCY_PERSON].email


class HubSpotJourneyTests(LiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        use_sandboxes(self)
        self.enterContext(override_settings(HUBSPOT_CLIENT_ID="", HUBSPOT_URLS={}))
        agency = Agency.objects.create(name="Alice & Co")
        clara = Client.objects.create(agency=agency, name="Clara", email="clara@example.com")
        self.link = Link.objects.create(agency=agency, client=clara)
        receiver = ConnectedAccount.objects.create(
            agency=agency, platform="hubspot", email=AGENCY_EMAIL
        )
        service = self.link.services.create(
            platform="hubspot", service_key="hubspot_partner", access_level="VIEW_ONLY"
        )
        service.account_links.create(connected_account=receiver)

    def url(self, suffix: str = "") -> str:
        return f"/l/{self.link.public_id}/{suffix}"

    def test_clara_installs_the_app_and_the_agency_becomes_a_view_only_user(self):
        install = urlsplit(self.client.post(self.url("connect/hubspot/"))["Location"])
        page = f"{install.path}?{install.query}"
        self.assertContains(self.client.get(page), "clara-bikes.example")
        asked = {name: values[0] for name, values in parse_qs(install.query).items()}
        back = self.client.post(page, {**asked, "person": "clara", "action": "connect"})
        self.assertTrue(back["Location"].startswith(f"{self.live_server_url}/oauth/hubspot/"))
        self.assertRedirects(
            self.client.get(back["Location"]),
            self.url("platform/hubspot/"),
            fetch_redirect_response=False,
        )

        choose = self.client.get(self.url("platform/hubspot/"))
        self.assertContains(choose, "clara-bikes.example")
        shared = self.client.post(
            self.url("platform/hubspot/"),
            {"hubspot_partner": str(world.CLIENT_HUB_ID)},
            follow=True,
        )

        self.assertContains(shared, "Alice &amp; Co has access now.")
        grant = Grant.objects.get(link=self.link)
        self.assertEqual(grant.state, GrantState.ACTIVE)
        self.assertEqual(self.link.services.get().status, ServiceStatus.GRANTED)
        user = state.find_user(world.CLIENT_HUB_ID, AGENCY_EMAIL, by_email=True)
        assert user is not None
        self.assertEqual((user["roleId"], grant.native_role), ("1002", "1002"))
