"""Sharing TikTok assets with the agency's Business Center as a partner
(docs/platforms/tiktok.md#granting).

The client's Business Center adds the agency's as a partner and shares the asset in one call,
`bc/partner/add/`; the share is read back with `bc/partner/asset/get/` (the client's side) or
`bc/asset/admin/get/` (the agency's side, once the client's sign-in is gone), and cancelled with
`bc/partner/asset/delete/`. The same calls share catalogs (asset type CATALOG, `catalog_role`);
the catalogue offers ad accounts only for now, so one subclass sets the asset type and the role
field it sends.
"""

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import map_side_by_side
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    GrantState,
    ServiceConnector,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.tiktok.api import call, pages
from agencyaccess.platforms.tiktok.config import tiktok_settings

BC_ADMIN = "ADMIN"  # only a Business Center admin may manage its partners
BC_FIELD = "business_center_id"  # the catalogue's account field: the agency's Business Center
SHARED_BY_US = "SHARING"  # `share_type` of the assets a Business Center shares with a partner
# How `bc/asset/admin/get/` describes an asset a partner shares with the Business Center, and
# the share's state (docs/platforms/tiktok.md#verifying-and-removing).
OWNED_BY_PARTNER = "OWNER_PARTNER"
SHARE_BOUND, SHARE_PENDING = "BOUND", "PENDING"


@dataclass(frozen=True)
class Share:
    """An asset shared with the agency's Business Center, as TikTok lists it."""

    role: str  # the partner's role on it, e.g. OPERATOR ("" when the listing leaves it out)
    pending: bool = False  # TikTok holds it until the agency's Business Center accepts


def business_centers(tokens: TokenSet) -> Iterator[tuple[str, str, str]]:
    """(id, name, the signed-in person's role) of every Business Center they belong to."""
    for item in pages("bc/get/", token=tokens.access_token):
        info = item.get("bc_info") or {}
        name = info.get("name") or str(info["bc_id"])
        yield str(info["bc_id"]), name, str(item.get("user_role") or "")


def agency_bc_id(agency: AgencyIdentity) -> str:
    bc_id = str(agency.fields.get(BC_FIELD) or "")
    if not bc_id:
        raise ConnectorError(
            _("The agency has not set its TikTok Business Center ID yet."), permanent=True
        )
    return bc_id


def native_ref(client_bc: str, agency_bc: str, asset_id: str) -> str:
    return f"bc/{client_bc}/partner/{agency_bc}/asset/{asset_id}"


def client_bc_of(ref: GrantRef) -> str:
    """The client's Business Center, kept in the grant's reference (verify and revoke ask it)."""
    return ref.native_ref.split("/")[1]


class PartnerShareConnector(ServiceConnector):
    asset_type: ClassVar[str]  # TikTok's: ADVERTISER, CATALOG
    our_asset_type: ClassVar[str]  # ours: ad_account, catalog
    role_field: ClassVar[str]  # the field of bc/partner/add/ carrying the role

    def list_assets(self, tokens: TokenSet, service_key: str) -> list[Asset]:
        """Each Business Center's assets are asked side by side (lib/parallel.py), as Meta's
        businesses are: one after another, a person in several waits a round trip per center."""
        centers = list(business_centers(tokens))
        per_center = map_side_by_side(lambda center: self._assets_of(tokens, *center), centers)
        return [asset for assets in per_center for asset in assets]

    def _assets_of(self, tokens: TokenSet, bc_id: str, bc_name: str, role: str) -> list[Asset]:
        return [
            self._asset(item, bc_id, bc_name, role)
            for item in pages(
                "bc/asset/get/", token=tokens.access_token, bc_id=bc_id, asset_type=self.asset_type
            )
        ]

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        partner = agency_bc_id(request.agency)
        client_bc = request.asset.parent_id or ""
        call(
            "POST",
            "bc/partner/add/",
            token=tokens.access_token,
            body={
                "bc_id": client_bc,
                "partner_id": partner,
                "asset_type": self.asset_type,
                "asset_ids": [request.asset.external_id],
                self.role_field: request.native_role,
            },
        )
        share = self._shared_by_client(tokens, client_bc, partner, request.asset.external_id)
        ref = native_ref(client_bc, partner, request.asset.external_id)
        return self._outcome(share, ref, partner, request.native_role, granting=True)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        """With the client's sign-in while it is held, else from the agency's own Business
        Center, which lists what partners share with it."""
        partner = agency_bc_id(ref.agency)
        if client_tokens is not None:
            share = self._shared_by_client(client_tokens, client_bc_of(ref), partner, ref.asset_id)
        elif ref.agency.tokens is not None:
            share = self._received_by_agency(ref.agency.tokens, partner, ref.asset_id)
        else:
            raise TokenExpired(
                _(
                    "Checking this access needs a TikTok sign-in: the agency can connect its "
                    "TikTok For Business account in AgencyAccess."
                )
            )
        return self._outcome(share, ref.native_ref, partner, ref.native_role, granting=False)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            raise TokenExpired(
                _(
                    "Removing this access needs the client to connect TikTok again, or to stop "
                    "sharing it with the agency under Business Center > Partners."
                )
            )
        call(
            "POST",
            "bc/partner/asset/delete/",
            token=client_tokens.access_token,
            body={
                "bc_id": client_bc_of(ref),
                "partner_id": agency_bc_id(ref.agency),
                "asset_type": self.asset_type,
                "asset_ids": [ref.asset_id],
            },
        )
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=ref.native_ref,
            native_role=ref.native_role,
            message=_("The agency's access has been removed."),
        )

    def _asset(self, item: dict, bc_id: str, bc_name: str, role: str) -> Asset:
        admin = role == BC_ADMIN
        return Asset(
            asset_type=self.our_asset_type,
            external_id=str(item["asset_id"]),
            name=item.get("asset_name") or str(item["asset_id"]),
            parent_id=bc_id,
            parent_name=bc_name,
            grantable=admin,
            not_grantable_reason=""
            if admin
            else _("Only an admin of the Business Center %(name)s can share it with a partner.")
            % {"name": bc_name},
        )

    def _shared_by_client(
        self, tokens: TokenSet, client_bc: str, partner: str, asset_id: str
    ) -> Share | None:
        """What the client's Business Center shares with the agency's."""
        shared = pages(
            "bc/partner/asset/get/",
            token=tokens.access_token,
            bc_id=client_bc,
            partner_id=partner,
            asset_type=self.asset_type,
            share_type=SHARED_BY_US,
        )
        item = _item(shared, asset_id)
        return Share(str(item.get(self.role_field) or "")) if item is not None else None

    def _received_by_agency(self, tokens: TokenSet, agency_bc: str, asset_id: str) -> Share | None:
        """What the agency's Business Center holds from partners (its admin's view): a share
        BOUND is in force, PENDING waits for the agency to accept the partnership."""
        received = pages(
            "bc/asset/admin/get/",
            token=tokens.access_token,
            bc_id=agency_bc,
            asset_type=self.asset_type,
            filtering=json.dumps({"relation_type": OWNED_BY_PARTNER}),
        )
        item = _item(received, asset_id)
        if item is None or item.get("relation_status") not in (SHARE_BOUND, SHARE_PENDING):
            return None  # UNBOUND, REJECTED or not listed: the client stopped sharing it
        role = str(item.get(self.role_field) or "")
        return Share(role, pending=item["relation_status"] == SHARE_PENDING)

    def _outcome(
        self, share: Share | None, ref: str, partner: str, native_role: str, *, granting: bool
    ) -> GrantOutcome:
        if share is not None and not share.pending:
            return GrantOutcome(
                GrantState.ACTIVE,
                native_ref=ref,
                native_role=share.role or native_role,  # the role read back shows drift
                message=_("Shared: the agency's Business Center has access now."),
            )
        if granting or share is not None:
            # TikTok accepted the share but does not list it yet, or lists it as PENDING: the
            # agency's Business Center has to accept the partnership first
            # (docs/platforms/tiktok.md#granting).
            return GrantOutcome(
                GrantState.PENDING_AGENCY,
                native_ref=ref,
                native_role=native_role,
                message=_("TikTok shows the request in the agency's Business Center."),
                next_action_url=tiktok_settings().partner_requests_url(partner),
            )
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=ref,
            native_role=native_role,
            message=_("The agency no longer has access to this."),
        )


def _item(items: Iterator[dict[str, Any]], asset_id: str) -> Mapping[str, Any] | None:
    return next((item for item in items if str(item.get("asset_id")) == asset_id), None)


class AdAccountsConnector(PartnerShareConnector):
    service_keys = ("tiktok_ads",)
    asset_type = "ADVERTISER"
    our_asset_type = "ad_account"
    role_field = "advertiser_role"


CONNECTORS: tuple[ServiceConnector, ...] = (AdAccountsConnector(),)
