"""The LinkedIn connectors run their real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's: Jane (a client: account manager of one ad account, billing admin of
another, viewer of a third; super admin of one Page, analyst of another), Sam (a viewer), Olivia
(whose sign-in has expired), Bert (every call throttled) and Alex, the agency's member.
"""

from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.linkedin.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.testing import fast_http, serve_sandbox

__all__ = ["fast_http"]  # the autouse fixture, shared by the platforms' tests


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    """LinkedIn in sandbox mode, its sandbox served by the live server (the server's threads
    are let finish before the database is locked: see serve_sandbox)."""
    yield from serve_sandbox(
        live_server, settings, fast_http, LINKEDIN_CLIENT_ID="", LINKEDIN_URLS={}
    )


@pytest.fixture
def jane(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("jane")


@pytest.fixture
def alex(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("alex")
