"""Sharing TikTok assets with the agency's Business Center as a partner
(docs/platforms/tiktok.md#granting).

The client's Business Center adds the agency's as a partner and shares the asset in one call,
`bc/partner/add/`; the share is read back with `bc/partner/asset/get/` and cancelled with
`bc/partner/asset/delete/`. The same calls share catalogs (asset type CATALOG, `catalog_role`);
the catalogue offers ad accounts only for now, so one subclass sets the asset type and the role
field it sends.
"""

from collections.abc import Iterator
from typing import ClassVar

from django.utils.translation import gettext as _

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
SHARED_BY_US = "SHARING"  # `share_type` of the assets a Business Center shares with a partner


def business_centers(tokens: TokenSet) -> Iterator[tuple[str, str, str]]:
    """(id, name, the signed-in person's role) of every Business Center they belong to."""
    for item in pages("bc/get/", token=tokens.access_token):
        info = item.get("bc_info") or {}
        name = info.get("name") or str(info["bc_id"])
        yield str(info["bc_id"]), name, str(item.get("user_role") or "")


def agency_bc_id(agency: AgencyIdentity) -> str:
    bc_id = str(agency.fields.get("business_center_id") or "")
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
        return [
            self._asset(item, bc_id, bc_name, role)
            for bc_id, bc_name, role in business_centers(tokens)
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
        shared = self._is_shared(tokens, client_bc, partner, request.asset.external_id)
        ref = native_ref(client_bc, partner, request.asset.external_id)
        return self._outcome(shared, ref, partner, request.native_role, granting=True)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            # The agency's side lists what partners share with it only through the same
            # endpoint on its own Business Center; we keep to the documented SHARING view, so
            # checking needs the client's sign-in (docs/platforms/tiktok.md#verifying).
            raise TokenExpired(
                _(
                    "Checking this access needs the client's TikTok sign-in: ask them to "
                    "connect TikTok again."
                )
            )
        partner = agency_bc_id(ref.agency)
        shared = self._is_shared(client_tokens, client_bc_of(ref), partner, ref.asset_id)
        return self._outcome(shared, ref.native_ref, partner, ref.native_role, granting=False)

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

    def _is_shared(self, tokens: TokenSet, client_bc: str, partner: str, asset_id: str) -> bool:
        shared = pages(
            "bc/partner/asset/get/",
            token=tokens.access_token,
            bc_id=client_bc,
            partner_id=partner,
            asset_type=self.asset_type,
            share_type=SHARED_BY_US,
        )
        return any(str(item.get("asset_id")) == asset_id for item in shared)

    def _outcome(
        self, shared: bool, ref: str, partner: str, native_role: str, *, granting: bool
    ) -> GrantOutcome:
        if shared:
            return GrantOutcome(
                GrantState.ACTIVE,
                native_ref=ref,
                native_role=native_role,
                message=_("Shared: the agency's Business Center has access now."),
            )
        if granting:
            # TikTok accepted the share but does not list it yet: the agency's Business Center
            # has to accept the partnership first (docs/platforms/tiktok.md#granting).
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


class AdAccountsConnector(PartnerShareConnector):
    service_keys = ("tiktok_ads",)
    asset_type = "ADVERTISER"
    our_asset_type = "ad_account"
    role_field = "advertiser_role"


CONNECTORS: tuple[ServiceConnector, ...] = (AdAccountsConnector(),)
