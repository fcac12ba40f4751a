"""TikTok For Business: ad accounts and catalogs shared with the agency's Business Center as a
partner (docs/platforms/tiktok.md)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.tiktok.checks import platform_checks
from agencyaccess.platforms.tiktok.client import TikTokClient
from agencyaccess.platforms.tiktok.connectors import CONNECTORS
from agencyaccess.platforms.tiktok.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.tiktok.sandbox.world import AGENCY_PERSON

INTEGRATION = Integration(
    client=TikTokClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.tiktok.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=AGENCY_PERSON,
    platform_checks=platform_checks,
)
