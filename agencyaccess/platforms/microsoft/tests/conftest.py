"""The Microsoft connector runs its real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's (sandbox/world.py): Clara (Super Admin of Clara Bikes), Sam (Standard
User of one of its accounts), Vic (Viewer), Ed (expired), Rita (over the call limit) and Alex,
Super Admin of the Demo Agency's manager customer 3000001.
"""

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.microsoft.sandbox import issue_sandbox_tokens


@pytest.fixture(autouse=True)
def fast_http(monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.HTTPTransport]:
    """Real HTTP without the waits between retries or a TLS context per request."""
    monkeypatch.setattr(http.time, "sleep", lambda seconds: None)
    transport = httpx.HTTPTransport()
    http.set_transport_for_tests(transport)
    yield transport
    http.set_transport_for_tests(None)
    transport.close()


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    """Microsoft in sandbox mode, its sandbox served by the live server; the server's threads
    are let finish before the database is locked again."""
    settings.SITE_URL = live_server.url
    settings.MICROSOFT_CLIENT_ID = ""
    settings.MICROSOFT_URLS = {}
    yield live_server.url
    fast_http.close()
    deadline = time.monotonic() + 5
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture
def clara(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("clara")


@pytest.fixture
def alex(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("alex")
