"""The Pinterest connector runs its real HTTP code against the sandbox, served by a live server.

The cast is the sandbox's (sandbox/world.py): Paula (admin of Paula's Pottery), Eve (employee
there), Alex (admin of the Demo Agency's business), Olivia (expired) and Bert (over the rate
limit).
"""

from collections.abc import Iterator

import httpx
import pytest

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.pinterest.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.testing import fast_http, serve_sandbox

__all__ = ["fast_http"]  # the autouse fixture, shared by the platforms' tests


@pytest.fixture
def sandbox(live_server, settings, fast_http: httpx.HTTPTransport) -> Iterator[str]:
    yield from serve_sandbox(
        live_server, settings, fast_http, PINTEREST_CLIENT_ID="", PINTEREST_URLS={}
    )


@pytest.fixture
def paula(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("paula")


@pytest.fixture
def alex(sandbox: str) -> TokenSet:
    return issue_sandbox_tokens("alex")
