"""Sharing Meta assets with the agency's Business Manager (docs/platforms/meta.md).

One connector per kind of asset. Listing differs by kind; granting, verifying and revoking are
the same `/{asset}/agencies` calls for every kind (the partner share, model A), so the base
class does them.
"""

import abc
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    InsufficientRights,
    MissingScope,
    ServiceConnector,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.meta.api import ALREADY_HAS_ACCESS, Graph

SHARE_FIELDS = "id,name,permitted_tasks"


class MetaAssetConnector(ServiceConnector):
    asset_type: ClassVar[str]
    # Where the agency's business lists the assets of this kind its clients shared with it: how
    # a grant is verified from the agency's side once the client's sign-in is gone
    # (docs/platforms/meta.md#verifying-and-removing).
    client_edge: ClassVar[str]
    lists_agency_shares = True  # one listing of client_edge answers a batch of re-checks
    share_status_edge: ClassVar[str] = "agencies"
    share_fields: ClassVar[str] = SHARE_FIELDS  # what that edge's entries hold

    def list_assets(self, tokens: TokenSet, service_key: str) -> list[Asset]:
        self._require_scopes(tokens)
        return list(self._assets(Graph(tokens.access_token)))

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self._require_scopes(tokens)
        business = agency_business_id(request.agency)
        asset_id = request.asset.external_id
        owner = self._owner_graph(Graph(tokens.access_token), asset_id)
        try:
            owner.post(
                f"{asset_id}/agencies",
                business=business,
                permitted_tasks=json.dumps(request.native_role.split(",")),
            )
        except ConnectorError as e:
            # Shared before: granting is idempotent (docs/platforms/meta.md#errors,
            # docs/platforms/README.md#the-connector-interface); what the
            # existing share looks like is read below like any other.
            if e.platform_code != str(ALREADY_HAS_ACCESS):
                raise
        share = self._share(owner, asset_id, business)
        # A share Graph accepted but does not list yet is taken as done; verify() re-reads it.
        return self._outcome(share or {}, asset_id, business, request.native_role)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            [outcome] = self.verify_from_agency([ref])
            if isinstance(outcome, ConnectorError):
                raise outcome
            return outcome
        business = agency_business_id(ref.agency)
        owner = self._owner_graph(Graph(client_tokens.access_token), ref.asset_id)
        share = self._share(owner, ref.asset_id, business)
        return self._outcome(share, ref.asset_id, business, ref.native_role)

    def verify_from_agency(self, refs: Sequence[GrantRef]) -> list[GrantOutcome | ConnectorError]:
        """A client's share is in the agency's client_* edge at once, so one listing of that
        edge answers for every grant of the same business and sign-in. The pending_client_*
        edges are not read: they hold the agency's own access requests waiting for a client,
        never a share a client made (docs/platforms/meta.md#verifying-and-removing)."""
        listings: dict[tuple[str, str], set[str] | ConnectorError] = {}
        outcomes: list[GrantOutcome | ConnectorError] = []
        for ref in refs:
            try:
                outcomes.append(self._seen_by_agency(ref, listings))
            except ConnectorError as error:
                outcomes.append(error)
        return outcomes

    def _seen_by_agency(
        self, ref: GrantRef, listings: dict[tuple[str, str], set[str] | ConnectorError]
    ) -> GrantOutcome:
        """One grant, from the listing of its business and sign-in (read once, then kept)."""
        if ref.agency.tokens is None:
            raise _no_sign_in_to_check()
        business = agency_business_id(ref.agency)
        key = (business, ref.agency.tokens.access_token)
        if key not in listings:
            listings[key] = self._client_assets(Graph(key[1]), business)
        shared = listings[key]
        if isinstance(shared, ConnectorError):
            raise shared
        share = {"id": business} if ref.asset_id in shared else None
        return self._outcome(share, ref.asset_id, business, ref.native_role)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            raise TokenExpired(
                _(
                    "Removing this access needs the client to connect Facebook again, or to "
                    "remove the agency as a partner in Meta Business Settings."
                )
            )
        business = agency_business_id(ref.agency)
        owner = self._owner_graph(Graph(client_tokens.access_token), ref.asset_id)
        owner.delete(f"{ref.asset_id}/agencies", business=business)
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=native_ref(ref.asset_id, business),
            native_role=ref.native_role,
            message=_("The agency's access has been removed."),
        )

    @abc.abstractmethod
    def _assets(self, graph: Graph) -> Iterable[Asset]:
        """Every asset of this kind the signed-in person can see, grantable or not."""

    def _owner_graph(self, graph: Graph, asset_id: str) -> Graph:
        """Who may change the asset's partners: the signed-in person themselves."""
        return graph

    def _share(self, owner: Graph, asset_id: str, business: str) -> dict[str, Any] | None:
        """The agency's entry among the asset's partners, or None."""
        partners = owner.items(f"{asset_id}/{self.share_status_edge}", fields=self.share_fields)
        return next((p for p in partners if p.get("id") == business), None)

    def _client_assets(self, agency: Graph, business: str) -> set[str] | ConnectorError:
        """The ids of every asset of this kind clients share with the agency's business, all
        pages; or why Graph would not say."""
        try:
            return {
                item["id"] for item in agency.items(f"{business}/{self.client_edge}", fields="id")
            }
        except ConnectorError as error:
            return error

    def _outcome(
        self, share: Mapping[str, Any] | None, asset_id: str, business: str, native_role: str
    ) -> GrantOutcome:
        ref = native_ref(asset_id, business)
        if share is None:
            return GrantOutcome(
                GrantState.REVOKED,
                native_ref=ref,
                native_role=native_role,
                message=_("The agency no longer has access to this."),
            )
        tasks = ",".join(share.get("permitted_tasks") or []) or native_role
        return GrantOutcome(
            GrantState.ACTIVE,
            native_ref=ref,
            native_role=tasks,
            message=_("Shared: the agency has access now."),
        )

    def _require_scopes(self, tokens: TokenSet) -> None:
        if missing := self.missing_scopes(tokens):
            raise MissingScope(
                # Translators: permissions is a list of Facebook permission names.
                _(
                    "Facebook did not give us every permission we need (%(permissions)s). Please "
                    "connect Facebook again and keep every permission switched on."
                )
                % {"permissions": ", ".join(sorted(missing))}
            )


class BusinessAssetConnector(MetaAssetConnector):
    """Assets listed under the businesses the person belongs to (`/{business}/owned_*`)."""

    owned_edge: ClassVar[str]
    fields: ClassVar[str] = "id,name"
    name_field: ClassVar[str] = "name"

    def _assets(self, graph: Graph) -> Iterable[Asset]:
        """Each business is asked side by side (a few at a time, lib/parallel.py), as Google's
        accounts are: one after another, a person in several businesses waits a round trip
        to Meta per business."""
        businesses = list(graph.items("me/businesses", fields="id,name"))
        per_business = map_side_by_side(lambda b: self._owned_by(graph, b), businesses)
        return [asset for assets in per_business for asset in assets]

    def _owned_by(self, graph: Graph, business: Mapping[str, Any]) -> list[Asset]:
        return [
            Asset(
                asset_type=self.asset_type,
                external_id=item["id"],
                name=item.get(self.name_field) or item["id"],
                parent_id=business["id"],
                parent_name=business.get("name"),
                metadata={k: v for k, v in item.items() if k not in ("id", self.name_field)},
            )
            for item in graph.items(f"{business['id']}/{self.owned_edge}", fields=self.fields)
        ]


class AdAccountsConnector(BusinessAssetConnector):
    service_keys = ("meta_ads",)
    required_scopes = frozenset({"business_management", "ads_management"})
    asset_type = "ad_account"
    owned_edge = "owned_ad_accounts"
    fields = "id,account_id,name,account_status,currency"
    client_edge = "client_ad_accounts"

    def _assets(self, graph: Graph) -> Iterable[Asset]:
        """The businesses' ad accounts, then the person's other ones, which cannot be shared:
        only an ad account owned by a Business Manager can be (docs/platforms/meta.md#listing)."""
        owned = list(super()._assets(graph))
        shareable = {asset.external_id for asset in owned}
        others = (
            self._unshareable(item)
            for item in graph.items("me/adaccounts", fields="id,name,business")
            if item["id"] not in shareable
        )
        return [*owned, *others]

    def _unshareable(self, item: Mapping[str, Any]) -> Asset:
        business = item.get("business") or {}
        if business:
            reason = _(
                "This ad account belongs to the business “%(business)s”, and you are not one "
                "of its admins. Ask an admin of that business to share it."
            ) % {"business": business.get("name") or business["id"]}
        else:
            reason = _(
                "This ad account must be owned by a Business Manager to be shared. Add it to "
                "your business in Meta Business Settings, then connect again."
            )
        return Asset(
            asset_type=self.asset_type,
            external_id=item["id"],
            name=item.get("name") or item["id"],
            parent_id=business.get("id"),
            parent_name=business.get("name"),
            grantable=False,
            not_grantable_reason=reason,
        )


class PagesConnector(MetaAssetConnector):
    service_keys = ("facebook_pages",)
    # business_management for business-owned Pages, the two pages_* for the others (§8.5).
    required_scopes = frozenset({"business_management", "pages_show_list", "pages_manage_metadata"})
    asset_type = "page"
    client_edge = "client_pages"
    SHARING_TASK = "MANAGE"  # only someone with full control of a Page can share it

    def _assets(self, graph: Graph) -> Iterator[Asset]:
        for page in graph.items("me/accounts", fields="id,name,tasks"):
            tasks = page.get("tasks") or []
            can_share = self.SHARING_TASK in tasks
            yield Asset(
                asset_type=self.asset_type,
                external_id=page["id"],
                name=page.get("name") or page["id"],
                grantable=can_share,
                not_grantable_reason="" if can_share else self._needs_full_control(),
                metadata={"tasks": tasks},
            )

    def _owner_graph(self, graph: Graph, asset_id: str) -> Graph:
        """A Page's partners are changed with the Page's own access token, which /me/accounts
        hands out (graph-api/reference/page/agencies)."""
        for page in graph.items("me/accounts", fields="id,access_token"):
            if page["id"] == asset_id:
                return Graph(page["access_token"])
        raise InsufficientRights(self._needs_full_control())

    @staticmethod
    def _needs_full_control() -> str:
        return _(
            "You need full control of this Page to share it. Ask someone with full control "
            "to share it, or to give you full control."
        )


class CatalogsConnector(BusinessAssetConnector):
    service_keys = ("facebook_product_catalog",)
    required_scopes = frozenset({"business_management", "catalog_management"})
    asset_type = "catalog"
    owned_edge = "owned_product_catalogs"
    client_edge = "client_product_catalogs"


class PixelsConnector(BusinessAssetConnector):
    service_keys = ("meta_pixels",)
    required_scopes = frozenset({"business_management", "ads_management"})
    asset_type = "pixel"
    owned_edge = "owned_pixels"
    client_edge = "client_pixels"
    # A pixel lists its partners there as plain businesses: no access_status, no
    # permitted_tasks, and asking for them is error 100. Being listed is being shared
    # (docs/platforms/meta.md#verifying-and-removing).
    share_status_edge = "shared_agencies"
    share_fields = "id,name"


class InstagramConnector(BusinessAssetConnector):
    service_keys = ("instagram",)
    required_scopes = frozenset({"business_management", "instagram_basic"})
    asset_type = "instagram_account"
    owned_edge = "owned_instagram_assets"  # these ids are the ones sharing takes (§8.2)
    fields = "id,ig_username"
    name_field = "ig_username"
    client_edge = "client_instagram_assets"


CONNECTORS: tuple[MetaAssetConnector, ...] = (
    AdAccountsConnector(),
    PagesConnector(),
    CatalogsConnector(),
    PixelsConnector(),
    InstagramConnector(),
)


def _no_sign_in_to_check() -> TokenExpired:
    return TokenExpired(
        _(
            "Checking this access needs a Facebook sign-in: the agency can connect its Meta "
            "account in AgencyAccess."
        )
    )


def agency_business_id(agency: AgencyIdentity) -> str:
    business = str(agency.fields.get("business_id") or "")
    if not business:
        raise ConnectorError(
            _(
                "The agency's Meta account has no Business Manager ID yet, so nothing can be "
                "shared with it. Please let the agency know."
            )
        )
    return business


def agency_businesses(tokens: TokenSet) -> list[tuple[str, str]]:
    """The Business Managers the signed-in person belongs to, as (id, name): the businesses an
    agency's connected Meta account can receive shares with (graph-api/reference/user/businesses,
    which needs business_management)."""
    if "business_management" not in tokens.scopes:
        # Only the agency reads this (on its dashboard), so it is not translated.
        raise MissingScope(
            "Facebook did not give the business_management permission, which lists your "
            "Business Managers. Connect again and keep every permission switched on."
        )
    graph = Graph(tokens.access_token)
    return [
        (business["id"], business.get("name") or business["id"])
        for business in graph.items("me/businesses", fields="id,name")
    ]


def native_ref(asset_id: str, business: str) -> str:
    return f"{asset_id}/agencies/{business}"
