"""LinkedIn: ad account users and Company Page admins (docs/platforms/linkedin.md)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.linkedin.checks import platform_checks
from agencyaccess.platforms.linkedin.client import LinkedInClient
from agencyaccess.platforms.linkedin.connectors import CONNECTORS
from agencyaccess.platforms.linkedin.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.linkedin.sandbox.world import AGENCY_PERSON

INTEGRATION = Integration(
    client=LinkedInClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.linkedin.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=AGENCY_PERSON,
    platform_checks=platform_checks,
)
