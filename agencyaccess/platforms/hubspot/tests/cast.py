"""What the HubSpot tests share: the agency that receives access, and grant requests and refs
built the way the core builds them."""

from agencyaccess.platforms import testing
from agencyaccess.platforms.base import AgencyIdentity, Asset, GrantRequest
from agencyaccess.platforms.hubspot.sandbox import world
from agencyaccess.platforms.testing import LIVE_SANDBOX, pick, ref

__all__ = ["AGENCY_EMAIL", "CLARA_BIKES", "LIVE_SANDBOX", "agency", "asking", "pick", "ref"]

AGENCY_EMAIL = world.PEOPLE[world.AGENCY_PERSON].email
CLARA_BIKES = str(world.CLIENT_HUB_ID)


def agency(email: str = AGENCY_EMAIL) -> AgencyIdentity:
    return AgencyIdentity(
        account_id="demo-hubspot", email=email, fields={"partner_id": str(world.AGENCY_HUB_ID)}
    )


def asking(asset: Asset, level: str, to: AgencyIdentity | None = None) -> GrantRequest:
    return testing.asking("hubspot_partner", asset, level, to or agency())
