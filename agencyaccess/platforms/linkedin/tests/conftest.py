"""The LinkedIn connectors run their real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's: Jane (a client: account manager of one ad account, billing admin of
another, viewer of a third; super admin of one Page, analyst of another), Sam (a viewer), Olivia
(whose sign-in has expired), Bert (every call throttled) and Alex, the agency's member.
"""

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.linkedin.sandbox import issue_sandbox_tokens


@pytest.fixture(autouse=True)
def fast_http(monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.HTTPTransport]:
    """Real HTTP without lib.http's waits between retries, on one transport."""
    monkeypatch.setattr(http.time, "sleep", lambda seconds: None)
    transport = httpx.HTTPTransport()
    http.set_transport_for_tests(transport)
    yield transport
    http.set_transport_for_tests(None)
    transport.close()


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    """LinkedIn in sandbox mode, its sandbox served by the live server (the server's threads
    are let finish before the database is locked, as in Google's tests)."""
    settings.SITE_URL = live_server.url
    settings.LINKEDIN_CLIENT_ID = ""
    settings.LINKEDIN_URLS = {}
    yield live_server.url
    fast_http.close()
    deadline = time.monotonic() + 5
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def jane(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("jane")


@pytest.fixture
def alex(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("alex")
