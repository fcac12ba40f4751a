"""The Google connectors run their real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's: Jane (a client who administers most of what she has), Sam (every
change rate limited), Erin (every call refused as expired) and the Demo Agency, which
administers the Google Ads manager account 123-456-7890.
"""

from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, ERIN, JANE, SAM
from agencyaccess.platforms.testing import fast_http, serve_sandbox

__all__ = ["fast_http"]  # the autouse fixture, shared by the platforms' tests


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    """Google in sandbox mode, its sandbox served by the live server (whose threads are let
    finish before the database is locked: see serve_sandbox)."""
    yield from serve_sandbox(live_server, settings, fast_http, GOOGLE_CLIENT_ID="", GOOGLE_URLS={})


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
