"""Pinterest: ad accounts shared with the agency's business as a partner, through Pinterest's
business access API (docs/platforms/pinterest.md)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.pinterest.checks import platform_checks
from agencyaccess.platforms.pinterest.client import PinterestClient
from agencyaccess.platforms.pinterest.connectors import CONNECTORS
from agencyaccess.platforms.pinterest.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.pinterest.sandbox.world import AGENCY_PERSON

INTEGRATION = Integration(
    client=PinterestClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.pinterest.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=AGENCY_PERSON,
    platform_checks=platform_checks,
    sandbox_client_person="paula",
)
