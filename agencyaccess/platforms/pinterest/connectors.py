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
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import both_side_by_side
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
        """The ad accounts the person sees, each under the business that owns it: only an
        admin of that business can share it. The two lists do not depend on each other: they
        are asked side by side (lib/parallel.py), one round trip instead of two."""
        administered, accounts = both_side_by_side(
            lambda: administered_businesses(tokens), lambda: ad_accounts_seen(tokens)
        )
        return [self._asset(account, administered) for account in accounts]

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
            self._batch(
                "DELETE",
                f"businesses/{share.client}/partners/assets",
                client_tokens,
                {"accesses": [_access(share, partner_type="INTERNAL")]},
            )
            if share.invite:  # an accepted invite cannot be cancelled: its refusal is fine
                call(
                    "DELETE",
                    f"businesses/{share.client}/invites",
                    client_tokens,
                    body={"invite_ids": [share.invite]},
                )
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

    def _asset(self, account: dict[str, Any], administered: dict[str, str]) -> Asset:
        owner = account.get("owner") or {}
        owner_id = str(owner.get("id") or "")
        owner_name = owner.get("username") or owner_id
        grantable = owner_id in administered
        return Asset(
            asset_type="ad_account",
            external_id=str(account["id"]),
            name=account.get("name") or str(account["id"]),
            parent_id=owner_id,
            parent_name=owner_name,
            grantable=grantable,
            not_grantable_reason=""
            if grantable
            else _(
                "Only an admin of the business %(name)s that owns this ad account can share it "
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
        """A partner invite to the agency's business carrying the ad account: its id."""
        answer = self._batch(
            "POST",
            f"businesses/{share.client}/invites",
            tokens,
            {"business_role": "PARTNER", "invite_type": PARTNER_INVITE, "partners": [share.agency]},
        )
        invite = str(answer["items"][0]["invite"]["id"])
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
        return invite

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
        pending = pages(
            f"businesses/{business}/invites",
            tokens,
            invite_type=PARTNER_INVITE,
            invite_status=["PENDING"],
        )
        return any(str(item.get("id")) == invite for item in pending)

    def _batch(
        self, method: str, path: str, tokens: TokenSet, body: dict[str, Any]
    ) -> dict[str, Any]:
        """A business access call on a list of items, refused when its first item is."""
        answer = call(method, path, tokens, body=body)
        refusal = first_refusal(answer)
        if refusal is not None:
            raise refusal
        return answer


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
