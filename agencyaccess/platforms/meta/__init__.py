"""Meta: ad accounts, Pages, catalogs, pixels and Instagram accounts shared with the agency's
Business Manager (docs/platforms/meta.md)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.meta.checks import platform_checks
from agencyaccess.platforms.meta.client import MetaClient
from agencyaccess.platforms.meta.connectors import CONNECTORS
from agencyaccess.platforms.meta.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.meta.sandbox.world import AGENCY_PERSON

INTEGRATION = Integration(
    client=MetaClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.meta.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=AGENCY_PERSON,
    platform_checks=platform_checks,
)
