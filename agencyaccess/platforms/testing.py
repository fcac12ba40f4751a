"""What the platform packages' tests share, whatever the platform: real HTTP against a sandbox
served by a live server, and grant requests and refs built the way the core builds them.

Platform-agnostic on purpose (a module outside a platform package imports none of them): what
differs from one platform to the next (the settings blanked for sandbox mode, the people) is
passed in by each package's own tests/conftest.py and tests/cast.py.
"""

import functools
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import httpx
import pytest
from django.core.servers.basehttp import WSGIServer
from django.test import LiveServerTestCase, override_settings
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

from agencyaccess.catalog import service_by_key
from agencyaccess.lib import http
from agencyaccess.platforms import contracts
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    TokenSet,
)
from agencyaccess.platforms.models import (
    ConnectedAccount,
    ConnectionMethod,
    PlatformToken,
    SandboxRecord,
)

# The live server answers from its own thread and database connection, so its tests commit and
# the database is emptied after each. Only the sandbox's app is emptied: flushing every table
# costs over a second a test on PostgreSQL.
LIVE_SANDBOX = pytest.mark.django_db(transaction=True, available_apps=["agencyaccess.platforms"])


# pytest fixtures (a package's conftest.py imports them) -----------------------------------------


@pytest.fixture(autouse=True)
def fast_http(monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.HTTPTransport]:
    """Real HTTP, minus what only slows tests: the waits between lib.http's retries, and a new
    TLS context for every request (httpx builds one per client unless given a transport)."""
    monkeypatch.setattr(http.time, "sleep", lambda seconds: None)
    transport = httpx.HTTPTransport()
    http.set_transport_for_tests(transport)
    yield transport
    http.set_transport_for_tests(None)
    transport.close()


def serve_sandbox(
    live_server: Any, settings: Any, transport: httpx.HTTPTransport, **blank: object
) -> Iterator[str]:
    """The body of a package's `sandbox` fixture (`yield from` it): the platform in sandbox mode
    (its settings set to `blank`, e.g. GOOGLE_CLIENT_ID="", GOOGLE_URLS={}), its sandbox served
    by the live server.

    When the test ends, its connections are closed and the server's threads are let finish
    before pytest-django locks the database: a thread still closing its database connection
    after an answer would fail with a traceback on stderr."""
    settings.SITE_URL = live_server.url
    for name, value in blank.items():
        setattr(settings, name, value)
    yield live_server.url
    transport.close()
    deadline = time.monotonic() + 5
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


# Calls made side by side ------------------------------------------------------------------------

T = TypeVar("T")


def meeting(calls: int, *functions: Callable[..., T]) -> list[Callable[..., T]]:
    """The functions, each call waiting until `calls` calls of them have started: patched in for
    the branches of a listing, they show the branches overlap, since made one after another the
    first would wait alone and fail (threading.BrokenBarrierError) after 5 seconds."""
    everyone = threading.Barrier(calls, timeout=5)

    def meet_then(function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def met(*args: Any, **kwargs: Any) -> T:
            everyone.wait()
            return function(*args, **kwargs)

        return met

    return [meet_then(function) for function in functions]


# Grant requests and refs ------------------------------------------------------------------------


def connect(agency: Any, platform: str, tokens: TokenSet, **fields: str) -> ConnectedAccount:
    """The agency's account on a platform signed in with these tokens, with these fields (the
    ids an agency sets on it): what `check_platform` reads."""
    account = ConnectedAccount.objects.create(
        agency=agency,
        platform=platform,
        email=tokens.email or "",
        method=ConnectionMethod.OAUTH,
        fields=fields,
    )
    token = PlatformToken(connected_account=account, platform=platform)
    token.store(tokens)
    token.save()
    return account


def refused(check: Callable[..., Any], *args: Any) -> str:
    """What a contract check says refusing this on purpose: the violation is raised, and
    handed here rather than to the suite's guard (conftest.py)."""
    with contracts.expected() as caught, pytest.raises(contracts.ContractViolation) as raised:
        check(*args)
    assert caught == [raised.value]
    return str(raised.value)


def pick(assets: Iterable[Asset], external_id: str) -> Asset:
    return next(asset for asset in assets if asset.external_id == external_id)


def asking(service_key: str, asset: Asset, level: str, to: AgencyIdentity) -> GrantRequest:
    """A request for a catalogue level, with its native role."""
    found = service_by_key(service_key).level(level)
    assert found is not None
    return GrantRequest(service_key, asset, to, found.key, found.native)


def ref(request: GrantRequest, outcome: GrantOutcome, to: AgencyIdentity | None = None) -> GrantRef:
    """What the core keeps of a grant to check it later (possibly with other agency tokens)."""
    return GrantRef(
        service_key=request.service_key,
        asset_id=request.asset.external_id,
        native_ref=outcome.native_ref,
        native_role=outcome.native_role or request.native_role,
        agency=to or request.agency,
    )


# A live server on one database connection (unittest style) --------------------------------------


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


class OneConnectionLiveServerTestCase(LiveServerTestCase):
    """Connectors talk to the sandbox over real HTTP; the database is the sandbox's state.

    A subclass names the settings blanked for sandbox mode in `sandbox_settings`."""

    server_thread_class = OneConnectionServerThread
    sandbox_settings: dict[str, object] = {}

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
        self.enterContext(override_settings(SITE_URL=self.live_server_url, **self.sandbox_settings))
        self.http = self.enterContext(
            httpx.Client(transport=self.transport, base_url=self.live_server_url)
        )

    def _fixture_teardown(self) -> None:
        """All that the sandbox and these tests write is SandboxRecord rows: deleting them
        leaves the database as the test found it, where emptying every table (what a live
        server test does by default) takes about a second on PostgreSQL."""
        SandboxRecord.objects.all().delete()
