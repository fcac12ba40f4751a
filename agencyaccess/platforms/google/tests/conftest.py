"""The Google connectors run their real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's: Jane (a client who administers most of what she has), Sam (every
change rate limited), Erin (every call refused as expired) and the Demo Agency, which
administers the Google Ads manager account 123-456-7890.
"""

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, ERIN, JANE, SAM


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


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    """Google in sandbox mode, its sandbox served by the live server.

    When the test ends, its connections are closed and the server's threads are let finish
    before pytest-django locks the database: a thread still closing its database connection
    after an answer would fail with a traceback on stderr."""
    settings.SITE_URL = live_server.url
    settings.GOOGLE_CLIENT_ID = ""
    settings.GOOGLE_URLS = {}
    yield live_server.url
    fast_http.close()
    deadline = time.monotonic() + 5
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def jane(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens(JANE)


@pytest.fixture
def sam(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens(SAM)


@pytest.fixture
def erin(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens(ERIN)


@pytest.fixture
def agency_tokens(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens(DEMO_AGENCY)
