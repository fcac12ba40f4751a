"""What the LinkedIn connector tests share: the agency as the core passes it, and grant
requests and refs (built the way the core builds them, in platforms/testing.py)."""

from agencyaccess.platforms.base import AgencyIdentity, TokenSet
from agencyaccess.platforms.linkedin.sandbox import world
from agencyaccess.platforms.testing import LIVE_SANDBOX, asking, pick, ref

__all__ = ["ALEX", "LIVE_SANDBOX", "agency", "asking", "pick", "ref"]

ALEX = world.PEOPLE[world.AGENCY_PERSON]


def agency(tokens: TokenSet | None = None, *, person_id: str = ALEX.id) -> AgencyIdentity:
    return AgencyIdentity(
        account_id="demo-linkedin",
        fields={"person_id": person_id} if person_id else {},
        tokens=tokens,
    )
