"""What the LinkedIn connector tests share: the agency as the core passes it, and grant
requests and refs built the way the core builds them."""

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
from agencyaccess.platforms.linkedin.sandbox import world

LIVE_SANDBOX = pytest.mark.django_db(transaction=True, available_apps=["agencyaccess.platforms"])
ALEX = world.PEOPLE[world.AGENCY_PERSON]


def agency(tokens: TokenSet | None = None, *, person_id: str = ALEX.id) -> AgencyIdentity:
    return AgencyIdentity(
        account_id="demo-linkedin",
        fields={"person_id": person_id} if person_id else {},
        tokens=tokens,
    )


def pick(assets: Sequence[Asset], external_id: str) -> Asset:
    return next(asset for asset in assets if asset.external_id == external_id)


def asking(service_key: str, asset: Asset, level: str, to: AgencyIdentity) -> GrantRequest:
    found = service_by_key(service_key).level(level)
    assert found is not None
    return GrantRequest(service_key, asset, to, found.key, found.native)


def ref(request: GrantRequest, outcome: GrantOutcome, to: AgencyIdentity | None = None) -> GrantRef:
    return GrantRef(
        service_key=request.service_key,
        asset_id=request.asset.external_id,
        native_ref=outcome.native_ref,
        native_role=outcome.native_role or request.native_role,
        agency=to or request.agency,
    )
