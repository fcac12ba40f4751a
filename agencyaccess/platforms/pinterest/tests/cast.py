"""What the Pinterest tests share: the agency receiving access, and grant requests and refs
built the way the core builds them."""

from agencyaccess.platforms import testing
from agencyaccess.platforms.base import AgencyIdentity, Asset, GrantRequest, TokenSet
from agencyaccess.platforms.pinterest.sandbox import world
from agencyaccess.platforms.testing import LIVE_SANDBOX, pick, ref

__all__ = ["LIVE_SANDBOX", "MAIN", "agency", "asking", "pick", "ref"]

MAIN = "549755885001"  # Paula's Pottery - Main


def agency(tokens: TokenSet | None = None) -> AgencyIdentity:
    return AgencyIdentity(
        account_id="demo-pinterest", fields={"business_id": world.AGENCY_BUSINESS}, tokens=tokens
    )


def asking(asset: Asset, level: str, to: AgencyIdentity) -> GrantRequest:
    return testing.asking("pinterest_ads", asset, level, to)
