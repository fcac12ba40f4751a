"""What the Google connector tests share: the agency as the core passes it, and its sandbox inbox;
the database they run on and grant requests and refs come from platforms/testing.py."""

from agencyaccess.platforms.base import AgencyIdentity, TokenSet
from agencyaccess.platforms.google.sandbox import inbox
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY
from agencyaccess.platforms.testing import LIVE_SANDBOX, asking, pick, ref

__all__ = ["LIVE_SANDBOX", "accept_everything", "agency", "asking", "pick", "ref"]


def agency(
    tokens: TokenSet | None = None, *, mcc: str = "", email: str = DEMO_AGENCY
) -> AgencyIdentity:
    return AgencyIdentity(account_id="demo-google", email=email, mcc_id=mcc, tokens=tokens)


def accept_everything(email: str) -> int:
    """The agency (or the second admin) answers yes to all that waits in its sandbox inbox."""
    items = inbox.pending_for(email)
    for item in items:
        assert inbox.act(email, item.id, item.actions[0])
    return len(items)
