"""HubSpot accounts shared with an agency: the agency's e-mail address becomes a user of the
client's HubSpot account, through the user provisioning API (docs/platforms/hubspot.md).

A direct grant: the user exists as soon as HubSpot answers; the welcome e-mail HubSpot sends
only tells the agency (and lets a person new to HubSpot set a password). The levels:
- Super Admin: the API creates users but cannot make one a Super Admin, so the user is created
  and a Super Admin of the account finishes by hand; checking reads the user's `superAdmin`.
- Standard and View only: HubSpot has no fixed roles, only the account's own permission sets.
  The connector assigns the set named like the level (the catalogue's native role, "Standard" or
  "View only", case, spaces and punctuation aside), and says what to do when there is none.
"""

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from agencyaccess.platforms.base import (
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
from agencyaccess.platforms.hubspot.api import call, require_scopes
from agencyaccess.platforms.hubspot.client import token_info
from agencyaccess.platforms.hubspot.config import SCOPES, hubspot_settings

SUPER_ADMIN = "superAdmin"  # the catalogue's native role of SUPER_ADMIN: HubSpot's user field
BY_EMAIL = {"idProperty": "EMAIL"}


class HubSpotPartner(ServiceConnector):
    service_keys = ("hubspot_partner",)
    required_scopes = frozenset(SCOPES)

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        """The one account the sign-in was installed in: a HubSpot token acts in one account."""
        require_scopes(tokens)
        info = token_info(tokens)
        return [
            Asset(
                asset_type="account",
                external_id=info.hub_id,
                # Translators: %s is a HubSpot account id, such as 20000001.
                name=info.hub_domain or _("HubSpot account %s") % info.hub_id,
                metadata={"hub_domain": info.hub_domain},
            )
        ]

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        require_scopes(tokens)
        email = request.agency.email
        if not email:
            raise ConnectorError(
                _(
                    "The agency's HubSpot account has no e-mail address to add as a user. "
                    "Please tell your agency."
                )
            )
        hub = request.asset.external_id
        user = call("GET", quote(email, safe="@"), tokens, params=BY_EMAIL, missing_ok=True)
        if request.native_role == SUPER_ADMIN:
            user = user or _create(tokens, email)
            return _super_admin_state(hub, user)
        role = _permission_set(tokens, request.native_role)
        if user is None:
            user = _create(tokens, email, role["id"])
        elif not user.get("superAdmin") and role["id"] not in _roles_of(user):
            user = call("PUT", str(user["id"]), tokens, {"roleId": role["id"]}) or user
        return _active(user_ref(hub, str(user["id"])), _current_role(user))

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        """From the client's stored sign-in: the agency's own sign-in is for its own account
        and cannot read the client's users."""
        if client_tokens is None:
            raise TokenExpired(
                _(
                    "Checking this access needs the client's HubSpot sign-in, which is no longer "
                    "kept. The agency can see in HubSpot whether it is a user of the client's "
                    "account, and as what."
                )
            )
        hub, user_id = _ref_parts(ref.native_ref)
        user = call("GET", user_id, client_tokens, missing_ok=True)
        if user is None:
            return _revoked(ref.native_ref)
        if ref.native_role == SUPER_ADMIN:
            return _super_admin_state(hub, user)
        return _active(ref.native_ref, _current_role(user))

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            hub, _user = _ref_parts(ref.native_ref)
            return GrantOutcome(
                GrantState.MANUAL_REQUIRED,
                native_ref=ref.native_ref,
                # Translators: %(email)s is the agency's address.
                message=_(
                    "AgencyAccess cannot remove this access without the client's HubSpot "
                    "sign-in. In HubSpot, open Settings, then Users & Teams, and remove "
                    "%(email)s."
                )
                % {"email": ref.agency.email},
                next_action_url=hubspot_settings().users_page(hub),
            )
        _hub, user_id = _ref_parts(ref.native_ref)
        call("DELETE", user_id, client_tokens, missing_ok=True)
        return _revoked(ref.native_ref)


def user_ref(hub: str, user_id: str) -> str:
    """What is kept with a grant: the account and the user HubSpot created in it."""
    return f"hubs/{hub}/users/{user_id}"


def _ref_parts(native_ref: str) -> tuple[str, str]:
    parts = native_ref.split("/")
    return parts[1], parts[3]


def _create(tokens: TokenSet, email: str, role_id: str = "") -> dict[str, Any]:
    # sendWelcomeEmail is required by the API; the e-mail tells the agency it was added.
    body: dict[str, Any] = {"email": email, "sendWelcomeEmail": True}
    if role_id:
        body["roleId"] = role_id
    created = call("POST", "", tokens, body)
    assert created is not None  # a 201 carries the user
    return created


def _permission_set(tokens: TokenSet, wanted: str) -> dict[str, Any]:
    """The account's permission set named like the level; one that comes with a paid seat is
    refused, since assigning it needs the billing-write scope, which we do not ask for."""
    roles = (call("GET", "roles", tokens) or {}).get("results") or []
    found = next((r for r in roles if _same_name(r.get("name", ""), wanted)), None)
    if found is None:
        raise ConnectorError(
            # Translators: %(name)s is the permission set's name AgencyAccess looks for.
            _(
                'Your HubSpot account has no permission set named "%(name)s", which AgencyAccess '
                "gives the agency for this access level. In HubSpot, open Settings, then Users & "
                'Teams, then Permission sets, create one named "%(name)s" with what the agency '
                "may do, and try again."
            )
            % {"name": wanted},
            platform_code="NO_PERMISSION_SET",
        )
    if found.get("requiresBillingWrite"):
        raise ConnectorError(
            # Translators: %(name)s is a HubSpot permission set's name.
            _(
                'The permission set "%(name)s" in your HubSpot account comes with a paid seat, '
                "which only you can assign. In HubSpot, open Settings, then Users & Teams, and "
                "add the agency's user with that permission set yourself, or remove the paid "
                "seat from the set and try again."
            )
            % {"name": found.get("name", wanted)},
            platform_code="REQUIRES_BILLING_WRITE",
        )
    return found


def _same_name(name: str, wanted: str) -> bool:
    return _plain(name) == _plain(wanted)


def _plain(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _roles_of(user: Mapping[str, Any]) -> set[str]:
    return set(user.get("roleIds") or ()) | ({user["roleId"]} if user.get("roleId") else set())


def _current_role(user: Mapping[str, Any]) -> str:
    if user.get("superAdmin"):
        return SUPER_ADMIN
    return str(user.get("roleId") or "")


def _super_admin_state(hub: str, user: Mapping[str, Any]) -> GrantOutcome:
    native_ref = user_ref(hub, str(user["id"]))
    if user.get("superAdmin"):
        return _active(native_ref, SUPER_ADMIN)
    return GrantOutcome(
        GrantState.PENDING_CLIENT,
        native_ref=native_ref,
        native_role=SUPER_ADMIN,
        # Translators: %(email)s is the agency's address, now a user of the client's account.
        message=_(
            "%(email)s is now a user of your HubSpot account. HubSpot lets only a Super Admin "
            "make another user Super Admin: in HubSpot, open Settings, then Users & Teams, click "
            "%(email)s, then Actions, then Make Super Admin."
        )
        % {"email": user.get("email", "")},
        next_action_url=hubspot_settings().users_page(hub),
    )


def _active(native_ref: str, native_role: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=native_ref,
        native_role=native_role,
        message=_("Done: the agency is a user of this HubSpot account."),
    )


def _revoked(native_ref: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.REVOKED,
        native_ref=native_ref,
        message=_("The agency is no longer a user of this HubSpot account."),
    )


CONNECTORS: tuple[ServiceConnector, ...] = (HubSpotPartner(),)
