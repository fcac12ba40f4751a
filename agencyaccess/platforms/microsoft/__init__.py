"""Microsoft Advertising: ad accounts managed by the agency's manager customer through a client
link, or shared with an agency user through an invitation (docs/platforms/microsoft.md)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.microsoft.checks import platform_checks
from agencyaccess.platforms.microsoft.client import MicrosoftClient
from agencyaccess.platforms.microsoft.connectors import CONNECTORS
from agencyaccess.platforms.microsoft.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.microsoft.sandbox.world import AGENCY_PERSON

INTEGRATION = Integration(
    client=MicrosoftClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.microsoft.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=AGENCY_PERSON,
    platform_checks=platform_checks,
    sandbox_client_person="clara",
)
