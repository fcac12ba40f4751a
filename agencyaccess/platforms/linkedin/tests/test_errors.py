"""What the sandbox refuses, as LinkedIn does, and what the connectors make of it."""

import pytest

from agencyaccess.platforms.base import RateLimited, TokenExpired
from agencyaccess.platforms.linkedin.connectors import AdAccountsConnector, CompanyPageConnector
from agencyaccess.platforms.linkedin.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.linkedin.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX


def test_an_expired_sign_in_asks_to_connect_again(sandbox: str):
    with pytest.raises(TokenExpired, match="connect LinkedIn again") as caught:
        AdAccountsConnector().list_assets(issue_sandbox_tokens("old"), "linkedin_ads")
    assert (caught.value.http_status, caught.value.platform_code) == (401, "65600")


def test_throttling_says_to_try_later(sandbox: str):
    with pytest.raises(RateLimited, match="try again later"):
        CompanyPageConnector().list_assets(issue_sandbox_tokens("busy"), "linkedin_company_page")
