"""The HubSpot connector runs its real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's (sandbox/world.py): Clara (Super Admin of Clara Bikes, whose account
has Standard, View-only and a paid-seat permission set), Noor (an account without permission
sets), Ed (expired), Rita (over the rate limit) and Alex, of Demo Agency's partner account.
"""

from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.hubspot.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.testing import fast_http, serve_sandbox

__all__ = ["fast_http"]  # the autouse fixture, shared by the platforms' tests


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    yield from serve_sandbox(
        live_server, settings, fast_http, HUBSPOT_CLIENT_ID="", HUBSPOT_URLS={}
    )


@pytest.fixture
def clara(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("clara")
