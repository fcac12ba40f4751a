"""The Snapchat connectors run their real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's (sandbox/world.py): Clara (admin of Clara Bikes), Sam (a member with
General on one ad account, who cannot invite), Ed (expired), Rita (over the rate limit) and
Alex, the agency's person at Demo Agency.
"""

from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.snapchat.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.testing import fast_http, serve_sandbox

__all__ = ["fast_http"]  # the autouse fixture, shared by the platforms' tests


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    yield from serve_sandbox(
        live_server, settings, fast_http, SNAPCHAT_CLIENT_ID="", SNAPCHAT_URLS={}
    )


@pytest.fixture
def clara(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("clara")


@pytest.fixture
def alex(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("alex")
