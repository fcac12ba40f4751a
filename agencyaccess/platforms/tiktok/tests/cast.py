"""A live server running the TikTok sandbox, and the TikTok connector pointed at it over HTTP."""

import httpx
from django.core.servers.basehttp import WSGIServer
from django.test import LiveServerTestCase, override_settings
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

from agencyaccess.lib import http
from agencyaccess.platforms.base import AgencyIdentity, Asset, GrantRef, GrantRequest, TokenSet
from agencyaccess.platforms.models import SandboxRecord
from agencyaccess.platforms.tiktok import INTEGRATION
from agencyaccess.platforms.tiktok.connectors import AdAccountsConnector
from agencyaccess.platforms.tiktok.sandbox import world
from agencyaccess.platforms.tiktok.sandbox.state import issue_sandbox_tokens

AGENCY = AgencyIdentity(account_id="tt_a", fields={"business_center_id": world.AGENCY_BC_ID})
CALLBACK_PATH = "/oauth/tiktok/callback/"
ADS = AdAccountsConnector()
JANES_ADS = "7210000000000000001"


class OneConnectionServer(WSGIServer):
    """One request at a time, on the server thread's one database connection (as Meta's)."""

    def serve_forever(self, poll_interval: float = 0.05) -> None:
        super().serve_forever(poll_interval)


class OneConnectionServerThread(LiveServerThread):
    def _create_server(self, connections_override: object = None) -> WSGIServer:
        return OneConnectionServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


class SandboxTestCase(LiveServerTestCase):
    server_thread_class = OneConnectionServerThread
    transport: httpx.HTTPTransport

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.transport = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        http.set_transport_for_tests(cls.transport)

    @classmethod
    def tearDownClass(cls) -> None:
        http.set_transport_for_tests(None)
        cls.transport.close()
        super().tearDownClass()

    def setUp(self) -> None:
        self.enterContext(
            override_settings(
                SITE_URL=self.live_server_url,
                TIKTOK_APP_ID="",
                TIKTOK_APP_SECRET="",
                TIKTOK_URLS={"authorize": "", "api": ""},
            )
        )
        self.client_ = INTEGRATION.client
        self.http = self.enterContext(
            httpx.Client(transport=self.transport, base_url=self.live_server_url)
        )

    def _fixture_teardown(self) -> None:
        SandboxRecord.objects.all().delete()

    def tokens(self, person: str = "jane") -> TokenSet:
        return issue_sandbox_tokens(person)


def asset_named(assets: list[Asset], external_id: str) -> Asset:
    return next(a for a in assets if a.external_id == external_id)


def grant_request(
    asset: Asset, role: str = "OPERATOR", agency: AgencyIdentity = AGENCY
) -> GrantRequest:
    return GrantRequest("tiktok_ads", asset, agency, role, role)


def ref_of(native_ref: str, asset_id: str = JANES_ADS, role: str = "OPERATOR") -> GrantRef:
    return GrantRef("tiktok_ads", asset_id, native_ref, role, AGENCY)
