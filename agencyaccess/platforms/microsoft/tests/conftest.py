"""The Microsoft connector runs its real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's (sandbox/world.py): Clara (Super Admin of Clara Bikes), Sam (Standard
User of one of its accounts), Vic (Viewer), Ed (expired), Rita (over the call limit) and Alex,
Super Admin of the Demo Agency's manager customer 3000001.
"""

from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.microsoft.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.testing import fast_http, serve_sandbox

__all__ = ["fast_http"]  # the autouse fixture, shared by the platforms' tests


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    """Microsoft in sandbox mode, its sandbox served by the live server; the server's threads
    are let finish before the database is locked again."""
    yield from serve_sandbox(
        live_server, settings, fast_http, MICROSOFT_CLIENT_ID="", MICROSOFT_URLS={}
    )


@pytest.fixture
def clara(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("clara")


@pytest.fixture
def alex(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("alex")
