"""What the connector tests share: the database they run on, and grant requests and refs built
the way the core builds them."""

from collections.abc import Sequence

import pytest

from agencyaccess.catalog import service_by_key
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    TokenSet,
)
from agencyaccess.platforms.google.sandbox import inbox
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY

# The live server answers from its own thread and database connection, so its tests commit and
# the database is emptied after each. Only the sandbox's app is emptied: flushing every table
# costs over a second a test on PostgreSQL.
LIVE_SANDBOX = pytest.mark.django_db(transaction=True, available_apps=["agencyaccess.platforms"])


def agency(
    tokens: TokenSet | None = None, *, mcc: str = "", email: str = DEMO_AGENCY
) -> AgencyIdentity:
    return AgencyIdentity(account_id="demo-google", email=email, mcc_id=mcc, tokens=tokens)


def pick(assets: Sequence[Asset], external_id: str) -> Asset:
    return next(asset for asset in assets if asset.external_id == external_id)


def asking(service_key: str, asset: Asset, level: str, to: AgencyIdentity) -> GrantRequest:
    """A request for a catalogue level, with its native role."""
    found = service_by_key(service_key).level(level)
    assert found is not None
    return GrantRequest(service_key, asset, to, found.key, found.native)


def ref(request: GrantRequest, outcome: GrantOutcome, to: AgencyIdentity | None = None) -> GrantRef:
    """What the core keeps of a grant to check it later (possibly with other agency tokens)."""
    return GrantRef(
        service_key=request.service_key,
        asset_id=request.asset.external_id,
        native_ref=outcome.native_ref,
        native_role=outcome.native_role or request.native_role,
        agency=to or request.agency,
    )


def accept_everything(email: str) -> int:
    """The agency (or the second admin) answers yes to all that waits in its sandbox inbox."""
    items = inbox.pending_for(email)
    for item in items:
        assert inbox.act(email, item.id, item.actions[0])
    return len(items)
