"""Sharing Pinterest ad accounts with the agency's business as a partner
(docs/platforms/pinterest.md#granting).

Pinterest shares a business's assets with another business, its partner. When the agency's
business is a partner of the client's already, one call gives it the ad account with the
level's permission. Otherwise the client's business invites it (`PARTNER_INVITE`), attaches the
ad account's permission to the invite, and the agency's business accepts: with the agency's own
Pinterest sign-in at once when we hold it, or later in Pinterest, where the worker's next check
finds the access.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import both_side_by_side, map_side_by_side
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
from agencyaccess.platforms.pinterest.api import call, first_refusal, pages
from agencyaccess.platforms.pinterest.client import administered_businesses
from agencyaccess.platforms.pinterest.config import (
    ADS_READ,
    BIZ_READ,
    BIZ_WRITE,
    pinterest_settings,
)

logger = logging.getLogger(__name__)
BUSINESS_FIELD = "business_id"  # the connected account's field naming the agency's business
PARTNER_INVITE = "PARTNER_INVITE"
AD_ACCOUNT = "AD_ACCOUNT"


@dataclass(frozen=True)
class Share:
    """Where a grant lives, kept as its native_ref:
    `businesses/{client}/partners/{agency}/assets/{asset}`, plus `/invites/{id}` while the
    partner invite that carries it waits for the agency."""

    client: str
    agency: str
    asset: str
    invite: str = ""

    @property
    def ref(self) -> str:
        ref = f"businesses/{self.client}/partners/{self.agency}/assets/{self.asset}"
        return f"{ref}/invites/{self.invite}" if self.invite else ref

    @classmethod
    def parse(cls, ref: str) -> "Share":
        parts = ref.split("/")
        return cls(parts[1], parts[3], parts[5], parts[7] if len(parts) > 7 else "")


def agency_business_id(agency: AgencyIdentity) -> str:
    business_id = str(agency.fields.get(BUSINESS_FIELD) or "")
    if not business_id:
        raise ConnectorError(
            _(
                "The agency has not set its Pinterest business ID yet: connect Pinterest under "
                "Connected accounts, or type the ID in."
            )
        )
    return business_id


def ad_accounts_seen(tokens: TokenSet) -> list[dict[str, Any]]:
    """Every ad account the signed-in person sees, theirs and those shared with them."""
    return list(pages("ad_accounts", tokens, include_shared_accounts="true"))


class AdAccountsConnector(ServiceConnector):
    service_keys = ("pinterest_ads",)
    required_scopes = frozenset({BIZ_READ, BIZ_WRITE, ADS_READ})

    def list_assets(self, tokens: TokenSet, service_key: str) -> list[Asset]:
        """The ad accounts the person sees; those a business they administer owns can be
        shared, under that business. An ad account's `owner` is a user account, so ownership
        comes from each administered business's assets with the OWNER permission. The ad
        accounts do not depend on the businesses: the two are asked side by side
        (lib/parallel.py), and so are the businesses' assets."""
        (administered, owners), accounts = both_side_by_side(
            lambda: _ownership(tokens), lambda: ad_accounts_seen(tokens)
        )
        return [self._asset(account, owners, administered) for account in accounts]

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        client = request.asset.parent_id or ""
        share = Share(client, agency_business_id(request.agency), request.asset.external_id)
        permissions = [request.native_role]
        if self._is_partner(tokens, share):
            self._batch(
                "PATCH",
                f"businesses/{client}/partners/assets",
                tokens,
                {"accesses": [_access(share, permissions=permissions)]},
            )
            return _active(share, request.native_role)
        invite = self._invite(tokens, share, permissions)
        if request.agency.tokens is not None and self._accepted(request.agency.tokens, invite):
            return _active(share, request.native_role)
        return GrantOutcome(
            GrantState.PENDING_AGENCY,
            native_ref=Share(share.client, share.agency, share.asset, invite).ref,
            native_role=request.native_role,
            message=_(
                "Pinterest sent the agency's business a partner invite: the access starts "
                "once the agency accepts it."
            ),
            next_action_url=pinterest_settings().business_access_url(share.agency),
        )

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        share = Share.parse(ref.native_ref)
        if client_tokens is not None:
            tokens, business = client_tokens, share.client
            permissions = self._client_side_permissions(client_tokens, share)
        elif ref.agency.tokens is not None:
            tokens, business = ref.agency.tokens, share.agency
            permissions = self._agency_side_permissions(ref.agency.tokens, share)
        else:
            raise TokenExpired(
                _(
                    "Checking this access needs the client's or the agency's Pinterest sign-in: "
                    "connect Pinterest again."
                )
            )
        if permissions:
            return _active(share, permissions[0])
        if share.invite and self._invite_pending(tokens, business, share.invite):
            return GrantOutcome(
                GrantState.PENDING_AGENCY,
                native_ref=ref.native_ref,
                native_role=ref.native_role,
                message=_("The agency's business has not accepted the partner invite yet."),
                next_action_url=pinterest_settings().business_access_url(share.agency),
            )
        if share.invite:
            return GrantOutcome(
                GrantState.FAILED,
                native_ref=ref.native_ref,
                native_role=ref.native_role,
                message=_(
                    "The partner invite expired or was declined: ask the client for access again."
                ),
            )
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=ref.native_ref,
            native_role=ref.native_role,
            message=_("The agency no longer has access to this."),
        )

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        """From the client's business when its sign-in is held (and the invite withdrawn if it
        still waits), else the agency's business gives the access up."""
        share = Share.parse(ref.native_ref)
        if client_tokens is not None:
            self._end_access(client_tokens, share)
        elif ref.agency.tokens is not None:
            self._batch(
                "DELETE",
                f"businesses/{share.agency}/partners/assets",
                ref.agency.tokens,
                {
                    "accesses": [
                        {
                            "partner_id": share.client,
                            "asset_id": share.asset,
                            "partner_type": "EXTERNAL",
                        }
                    ]
                },
            )
        else:
            raise TokenExpired(
                _(
                    "Removing this access needs the client to connect Pinterest again, or to "
                    "remove the agency's business under Business Manager, then Partners."
                )
            )
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=ref.native_ref,
            native_role=ref.native_role,
            message=_("The agency's access has been removed."),
        )

    def _end_access(self, tokens: TokenSet, share: Share) -> None:
        """The invite first, while it waits; then the access. Pinterest refuses to end the
        access of a business that is no partner: expected when the invite was withdrawn,
        declined or expired (an accepted one cannot be withdrawn, and made them partners)."""
        withdrawn = bool(share.invite) and self._cancel(tokens, share.client, share.invite)
        try:
            self._batch(
                "DELETE",
                f"businesses/{share.client}/partners/assets",
                tokens,
                {"accesses": [_access(share, partner_type="INTERNAL")]},
            )
        except ConnectorError as e:
            invite_only = bool(share.invite) and (withdrawn or not self._is_partner(tokens, share))
            if not invite_only:
                raise
            logger.info("No access to end: invite %s made no partners: %s", share.invite, e)

    def _asset(
        self, account: dict[str, Any], owners: dict[str, str], administered: dict[str, str]
    ) -> Asset:
        account_id = str(account["id"])
        name = account.get("name") or account_id
        business = owners.get(account_id)
        if business is not None:
            return Asset(
                asset_type="ad_account",
                external_id=account_id,
                name=name,
                parent_id=business,
                parent_name=administered[business],
            )
        owner = account.get("owner") or {}  # the owning user account: all we know of it
        owner_name = owner.get("username") or str(owner.get("id") or "")
        return Asset(
            asset_type="ad_account",
            external_id=account_id,
            name=name,
            parent_id=str(owner.get("id") or ""),
            parent_name=owner_name,
            grantable=False,
            not_grantable_reason=_(
                "Only an admin of the business that owns this ad account (%(name)s) can share it "
                "with a partner."
            )
            % {"name": owner_name},
        )

    def _is_partner(self, tokens: TokenSet, share: Share) -> bool:
        """Whether the agency's business already has access to some of the client's assets."""
        partners = pages(
            f"businesses/{share.client}/partners",
            tokens,
            partner_type="INTERNAL",
            partner_ids=share.agency,
        )
        return any(str(item.get("id")) == share.agency for item in partners)

    def _invite(self, tokens: TokenSet, share: Share, permissions: list[str]) -> str:
        """A partner invite to the agency's business carrying the ad account: its id. An
        invite still waiting for the agency takes the account too (Pinterest limits pending
        invites); a new one that cannot take it is withdrawn rather than left empty."""
        waiting = self._waiting_invite(tokens, share)
        invite = waiting or self._new_invite(tokens, share)
        try:
            self._batch(
                "POST",
                f"businesses/{share.client}/invites/assets/access",
                tokens,
                {
                    "invites": [
                        {
                            "invite_id": invite,
                            "invite_type": PARTNER_INVITE,
                            "asset_id_to_permissions": {share.asset: permissions},
                        }
                    ]
                },
            )
        except ConnectorError:
            if not waiting:
                self._cancel(tokens, share.client, invite)
            raise
        return invite

    def _waiting_invite(self, tokens: TokenSet, share: Share) -> str:
        """The id of a pending partner invite the client's business sent the agency's, or ""."""
        sent = (
            item
            for item in self._partner_invites(tokens, share.client)
            if not item.get("is_received_invite")
            and str((item.get("user") or {}).get("id")) == share.agency
        )
        return next((str(item["id"]) for item in sent), "")

    def _new_invite(self, tokens: TokenSet, share: Share) -> str:
        answer = self._batch(
            "POST",
            f"businesses/{share.client}/invites",
            tokens,
            {"business_role": "PARTNER", "invite_type": PARTNER_INVITE, "partners": [share.agency]},
        )
        return str(answer["items"][0]["invite"]["id"])

    def _cancel(self, tokens: TokenSet, business: str, invite: str) -> bool:
        """Withdraw an invite; False when Pinterest refuses (it was accepted, expired…)."""
        answer = call(
            "DELETE", f"businesses/{business}/invites", tokens, body={"invite_ids": [invite]}
        )
        return bool(answer.get("items")) and first_refusal(answer) is None

    def _accepted(self, agency_tokens: TokenSet, invite: str) -> bool:
        """The agency's own sign-in accepts the invite. A refusal (the person is no admin of
        the business any more, the sign-in expired) leaves it for the agency to accept in
        Pinterest: the client's part is done either way."""
        try:
            answer = self._batch(
                "PATCH",
                "businesses/invites",
                agency_tokens,
                {"invites": [{"invite_id": invite, "action": {"accept_invite": True}}]},
            )
        except ConnectorError as e:
            logger.info("The agency's Pinterest sign-in did not accept invite %s: %s", invite, e)
            return False
        data = (answer["items"][0].get("invite") or {}).get("invite_data") or {}
        return data.get("invite_status") == "ACCEPTED"

    def _client_side_permissions(self, tokens: TokenSet, share: Share) -> list[str]:
        for item in pages(f"businesses/{share.client}/assets/{share.asset}/partners", tokens):
            if str((item.get("user") or {}).get("id")) == share.agency:
                return list(item.get("permissions") or [])
        return []

    def _agency_side_permissions(self, tokens: TokenSet, share: Share) -> list[str]:
        shared = pages(
            f"businesses/{share.agency}/partners/{share.client}/assets",
            tokens,
            partner_type="EXTERNAL",
            asset_type=AD_ACCOUNT,
        )
        for item in shared:
            if str(item.get("asset_id")) == share.asset:
                return list(item.get("permissions") or [])
        return []

    def _invite_pending(self, tokens: TokenSet, business: str, invite: str) -> bool:
        return any(
            str(item.get("id")) == invite for item in self._partner_invites(tokens, business)
        )

    def _partner_invites(self, tokens: TokenSet, business: str) -> Iterator[dict[str, Any]]:
        """The pending partner invites a business sent or received. `is_member` is true
        unless said otherwise, which lists membership invites only."""
        return pages(
            f"businesses/{business}/invites",
            tokens,
            is_member="false",
            invite_type=PARTNER_INVITE,
            invite_status=["PENDING"],
        )

    def _batch(
        self, method: str, path: str, tokens: TokenSet, body: dict[str, Any]
    ) -> dict[str, Any]:
        """A business access call on a list of items, refused when its first item is."""
        answer = call(method, path, tokens, body=body)
        refusal = first_refusal(answer)
        if refusal is not None:
            raise refusal
        return answer


def _ownership(tokens: TokenSet) -> tuple[dict[str, str], dict[str, str]]:
    """The businesses the person administers, and which of them owns each ad account they own
    (their assets asked side by side)."""
    administered = administered_businesses(tokens)
    owned = map_side_by_side(lambda business: _owned(tokens, business), list(administered))
    owners = {
        asset: business
        for business, assets in zip(administered, owned, strict=True)
        for asset in assets
    }
    return administered, owners


def _owned(tokens: TokenSet, business: str) -> list[str]:
    """The ad accounts a business owns (business_assets/get: OWNER is a permission of the
    business on its own assets)."""
    owned = pages(
        f"businesses/{business}/assets", tokens, asset_type=AD_ACCOUNT, permissions=["OWNER"]
    )
    return [str(item["asset_id"]) for item in owned]


def _access(share: Share, **fields: Any) -> dict[str, Any]:
    return {"partner_id": share.agency, "asset_id": share.asset, **fields}


def _active(share: Share, native_role: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=Share(share.client, share.agency, share.asset).ref,
        native_role=native_role,
        message=_("Shared: the agency's Pinterest business has access now."),
    )


CONNECTORS: tuple[ServiceConnector, ...] = (AdAccountsConnector(),)
