"""Snapchat: the agency's person invited to the client's organization, with an organization
role or an ad account role (docs/platforms/snapchat.md)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.snapchat.checks import platform_checks
from agencyaccess.platforms.snapchat.client import SnapchatClient
from agencyaccess.platforms.snapchat.connectors import CONNECTORS
from agencyaccess.platforms.snapchat.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.snapchat.sandbox.world import AGENCY_PERSON

INTEGRATION = Integration(
    client=SnapchatClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.snapchat.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=AGENCY_PERSON,
    platform_checks=platform_checks,
    sandbox_client_person="clara",
)
