"""A live server running the Meta sandbox, and the Meta connector pointed at it over HTTP."""

from collections.abc import Iterable, Sequence
from urllib.parse import parse_qs, urlsplit

import httpx
from django.core.servers.basehttp import WSGIServer
from django.test import LiveServerTestCase, override_settings
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

from agencyaccess.catalog import platform_by_key
from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    TokenSet,
)
from agencyaccess.platforms.meta import INTEGRATION
from agencyaccess.platforms.meta.connectors import MetaAssetConnector
from agencyaccess.platforms.meta.sandbox import world
from agencyaccess.platforms.meta.sandbox.state import issue_sandbox_tokens
from agencyaccess.platforms.models import SandboxRecord

AGENCY = AgencyIdentity(account_id="meta_a", fields={"business_id": world.AGENCY_BUSINESS_ID})
CALLBACK_PATH = "/oauth/meta/callback/"


class OneConnectionServer(WSGIServer):
    """Serves one request at a time, so on the server thread's one database connection: a
    thread per request (Django's default) opens a PostgreSQL connection for each."""

    def serve_forever(self, poll_interval: float = 0.05) -> None:
        super().serve_forever(poll_interval)  # stops within 50 ms, not 500, at the class's end


class OneConnectionServerThread(LiveServerThread):
    def _create_server(self, connections_override: object = None) -> WSGIServer:
        return OneConnectionServer(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False
        )


class SandboxTestCase(LiveServerTestCase):
    """Connectors talk to the sandbox over real HTTP; the database is the sandbox's state."""

    server_thread_class = OneConnectionServerThread

    transport: httpx.HTTPTransport
    http: httpx.Client  # for calls a test makes itself, on the same transport

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # One transport for the class: a fresh httpx client per call builds a TLS context each
        # time (~35 ms). No keep-alive, which the one-request-at-a-time server refuses anyway.
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
                META_APP_ID="",
                META_APP_SECRET="",
                META_CONFIG_ID="",
                META_URLS={"authorize": "", "graph": ""},
            )
        )
        self.meta = INTEGRATION.client
        self.http = self.enterContext(
            httpx.Client(transport=self.transport, base_url=self.live_server_url)
        )

    def _fixture_teardown(self) -> None:
        """All that the sandbox and these tests write is SandboxRecord rows: deleting them
        leaves the database as the test found it, where emptying every table (what a live
        server test does by default) takes about a second on PostgreSQL."""
        SandboxRecord.objects.all().delete()

    @property
    def callback(self) -> str:
        return self.live_server_url + CALLBACK_PATH

    def sign_in(self, person: str, scopes: Sequence[str], *, untick: Iterable[str] = ()) -> str:
        """Answer the consent page as this person; the code it sends back."""
        url = self.meta.authorize_url(state="s1", redirect_uri=self.callback, scopes=scopes)
        parts = urlsplit(url)
        form = {name: values[0] for name, values in parse_qs(parts.query).items()}
        ticked = [s for s in scopes if s not in set(untick)]
        response = self.client.post(
            parts.path, {**form, "person": person, "permission": ticked, "action": "continue"}
        )
        self.assertEqual(response.status_code, 302, response.content)
        query = parse_qs(urlsplit(response["Location"]).query)
        self.assertEqual(query["state"], ["s1"])
        return query["code"][0]

    def tokens(self, person: str = "jane", *, declined: Iterable[str] = ()) -> TokenSet:
        return issue_sandbox_tokens(person, declined=declined)

    def approve_in_sandbox(self, asset_id: str) -> None:
        response = self.http.post(
            f"/sandbox/meta/testapi/business/{world.AGENCY_BUSINESS_ID}/requests/{asset_id}/approve/"
        )
        self.assertEqual(response.json(), {"success": True})


def asset_named(assets: Iterable[Asset], external_id: str) -> Asset:
    return next(a for a in assets if a.external_id == external_id)


def grant_request(
    connector: MetaAssetConnector, asset: Asset, level: str, agency: AgencyIdentity = AGENCY
) -> GrantRequest:
    service_key = connector.service_keys[0]
    service = next(s for s in platform_by_key("meta").services if s.key == service_key)
    chosen = service.level(level)
    assert chosen is not None, level
    return GrantRequest(
        service_key=service_key,
        asset=asset,
        agency=agency,
        level=chosen.key,
        native_role=chosen.native,
    )


def ref_of(
    request: GrantRequest, outcome: GrantOutcome, agency: AgencyIdentity = AGENCY
) -> GrantRef:
    return GrantRef(
        service_key=request.service_key,
        asset_id=request.asset.external_id,
        native_ref=outcome.native_ref,
        native_role=outcome.native_role,
        agency=agency,
    )
