"""What the Microsoft tests share: the database they run on, and grant requests and refs built
the way the core builds them."""

from collections.abc import Sequence

import httpx
import pytest
from django.conf import settings

from agencyaccess.catalog import service_by_key
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    TokenSet,
)
from agencyaccess.platforms.microsoft.sandbox import world

LIVE_SANDBOX = pytest.mark.django_db(transaction=True, available_apps=["agencyaccess.platforms"])
AGENCY_EMAIL = world.PEOPLE[world.AGENCY_PERSON].email
SEARCH = "1800001"  # Clara Bikes - Search, which Sam shares as a Standard User too


def agency(tokens: TokenSet | None = None, *, manager: str = "") -> AgencyIdentity:
    fields = {"manager_customer_id": manager} if manager else {}
    return AgencyIdentity(
        account_id="demo-microsoft", email=AGENCY_EMAIL, fields=fields, tokens=tokens
    )


def linking(tokens: TokenSet | None) -> AgencyIdentity:
    """The agency asking through its manager customer."""
    return agency(tokens, manager=str(world.AGENCY_CUSTOMER_ID))


def pick(assets: Sequence[Asset], external_id: str) -> Asset:
    return next(asset for asset in assets if asset.external_id == external_id)


def asking(asset: Asset, level: str, to: AgencyIdentity) -> GrantRequest:
    found = service_by_key("microsoft_ads").level(level)
    assert found is not None
    return GrantRequest("microsoft_ads", asset, to, found.key, found.native)


def ref(request: GrantRequest, outcome: GrantOutcome, to: AgencyIdentity | None = None) -> GrantRef:
    return GrantRef(
        service_key=request.service_key,
        asset_id=request.asset.external_id,
        native_ref=outcome.native_ref,
        native_role=outcome.native_role or request.native_role,
        agency=to or request.agency,
    )


def hook(path: str) -> httpx.Response:
    """A test hook of the sandbox: what someone does in Microsoft's own pages or e-mails."""
    return httpx.post(f"{settings.SITE_URL}/sandbox/microsoft/testapi/{path}")


def invitation_number(outcome: GrantOutcome) -> str:
    return outcome.native_ref.rsplit("/", 1)[1]
