"""HubSpot: the agency's e-mail address made a user of the client's HubSpot account through the
user provisioning API (docs/platforms/hubspot.md)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.hubspot.checks import platform_checks
from agencyaccess.platforms.hubspot.client import HubSpotClient
from agencyaccess.platforms.hubspot.connectors import CONNECTORS
from agencyaccess.platforms.hubspot.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.hubspot.sandbox.world import AGENCY_PERSON

INTEGRATION = Integration(
    client=HubSpotClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.hubspot.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=AGENCY_PERSON,
    platform_checks=platform_checks,
    sandbox_client_person="clara",
)
