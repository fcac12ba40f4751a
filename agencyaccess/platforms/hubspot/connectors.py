"""HubSpot accounts shared with an agency: the agency's e-mail address becomes a user of the
client's HubSpot account, through the user provisioning API (docs/platforms/hubspot.md).

A direct grant: the user exists as soon as HubSpot answers; the welcome e-mail HubSpot sends
only tells the agency (and lets a person new to HubSpot set a password). The levels:
- Super Admin: the API creates users but cannot make one a Super Admin, so the user is created
  and a Super Admin of the account finishes by hand; checking reads the user's `superAdmin`.
- Standard and View only: HubSpot has no fixed roles, only the account's own permission sets,
  which exist on Enterprise subscriptions alone. The connector assigns the set named like the
  level (the catalogue's native role, "Standard" or "View only", case, spaces and punctuation
  aside); without one, the user is created with HubSpot's minimal permissions and the client
  is told what to give it by hand.
An address that is already a user is left as it is: its permissions are never changed (a new
level could lower them), and revoking does not delete a user AgencyAccess did not create. The
grant's reference records which it was (`user_ref`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
CREATED, FOUND = "created", "found"  # the reference's last part: who added the user
# How long the client's page keeps the steps of permissions given by hand before the first check.
PERMISSIONS_BY_HAND_SECONDS = 24 * 3600.0


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
        found = call("GET", quote(email, safe="@"), tokens, params=BY_EMAIL, missing_ok=True)
        if found is not None:
            return _already_a_user(Kept(hub, str(found["id"])), found, request.native_role)
        if request.native_role == SUPER_ADMIN:
            user = _create(tokens, email)
            return _super_admin_state(Kept(hub, str(user["id"]), created=True), user)
        role = _permission_set(tokens, request.native_role)
        user = _create(tokens, email, role["id"] if role else "")
        kept = Kept(hub, str(user["id"]), created=True)
        if role is None:
            return _permissions_by_hand(kept, email, request.native_role)
        return _active(kept, _current_role(user))

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
        kept = ref_parts(ref.native_ref)
        user = call("GET", kept.user_id, client_tokens, missing_ok=True)
        if user is None:
            return _revoked(ref.native_ref)
        if ref.native_role == SUPER_ADMIN:
            return _super_admin_state(kept, user)
        return _active(kept, _current_role(user))

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        """Deletes only a user AgencyAccess created; one that was there before stays, and the
        client is told how to take the access away."""
        kept = ref_parts(ref.native_ref)
        if not kept.created:
            return _remove_by_hand(
                ref,
                # Translators: %(email)s is the agency's address.
                _(
                    "AgencyAccess removes only the users it added, and it has no record of adding "
                    "%(email)s to this HubSpot account, so it leaves it there. To take the access "
                    "away, in HubSpot open Settings, then Users & Teams, and remove %(email)s or "
                    "lower its permissions."
                )
                % {"email": ref.agency.email},
            )
        if client_tokens is None:
            return _remove_by_hand(
                ref,
                # Translators: %(email)s is the agency's address.
                _(
                    "AgencyAccess cannot remove this access without the client's HubSpot "
                    "sign-in. In HubSpot, open Settings, then Users & Teams, and remove "
                    "%(email)s."
                )
                % {"email": ref.agency.email},
            )
        call("DELETE", kept.user_id, client_tokens, missing_ok=True)
        return _revoked(ref.native_ref)


@dataclass(frozen=True)
class Kept:
    """What a grant's reference names: the account, the user, and whether AgencyAccess created
    that user (only then may revoking delete it)."""

    hub: str
    user_id: str
    created: bool = False


def user_ref(kept: Kept) -> str:
    """`hubs/H/users/U/created` for a user AgencyAccess added, `hubs/H/users/U/found` for an
    address that was already a user."""
    return f"hubs/{kept.hub}/users/{kept.user_id}/{CREATED if kept.created else FOUND}"


def ref_parts(native_ref: str) -> Kept:
    """References kept before `created`/`found` (`hubs/H/users/U`) were written the same for a
    user created and one found, so they count as found: revoking then leaves the user to the
    client rather than deleting someone else's."""
    parts = native_ref.split("/")
    return Kept(parts[1], parts[3], created=parts[4:] == [CREATED])


def _create(tokens: TokenSet, email: str, role_id: str = "") -> dict[str, Any]:
    # sendWelcomeEmail is required by the API; the e-mail tells the agency it was added.
    body: dict[str, Any] = {"email": email, "sendWelcomeEmail": True}
    if role_id:
        body["roleId"] = role_id
    created = call("POST", "", tokens, body)
    assert created is not None  # a 201 carries the user
    return created


def _permission_set(tokens: TokenSet, wanted: str) -> dict[str, Any] | None:
    """The account's permission set named like the level, None when it has none (permission
    sets exist on Enterprise subscriptions only). One that comes with a paid seat is refused,
    since assigning it needs the billing-write scope, which we do not ask for."""
    roles = (call("GET", "roles", tokens) or {}).get("results") or []
    found = next((r for r in roles if _same_name(r.get("name", ""), wanted)), None)
    if found is not None and found.get("requiresBillingWrite"):
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


def _current_role(user: Mapping[str, Any]) -> str:
    if user.get("superAdmin"):
        return SUPER_ADMIN
    return str(user.get("roleId") or "")


def _already_a_user(kept: Kept, user: Mapping[str, Any], wanted: str) -> GrantOutcome:
    """The address was a user before: a Super Admin step may still be asked of the client (it
    only adds), but its permissions are never changed, since the level asked for could lower
    them."""
    if wanted == SUPER_ADMIN or user.get("superAdmin"):
        return _super_admin_state(kept, user)
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=user_ref(kept),
        native_role=_current_role(user),
        # Translators: %(email)s is the agency's address.
        message=_(
            "%(email)s was already a user of this HubSpot account: AgencyAccess left its "
            "permissions as they are. To change them, open Settings, then Users & Teams, in "
            "HubSpot."
        )
        % {"email": user.get("email", "")},
    )


def _super_admin_state(kept: Kept, user: Mapping[str, Any]) -> GrantOutcome:
    if user.get("superAdmin"):
        return _active(kept, SUPER_ADMIN)
    return GrantOutcome(
        GrantState.PENDING_CLIENT,
        native_ref=user_ref(kept),
        native_role=SUPER_ADMIN,
        # Translators: %(email)s is the agency's address, now a user of the client's account.
        message=_(
            "%(email)s is now a user of your HubSpot account. HubSpot lets only a Super Admin "
            "make another user Super Admin: in HubSpot, open Settings, then Users & Teams, click "
            "%(email)s, then Actions, then Make Super Admin."
        )
        % {"email": user.get("email", "")},
        next_action_url=hubspot_settings().users_page(kept.hub),
    )


def _permissions_by_hand(kept: Kept, email: str, level: str) -> GrantOutcome:
    """The user exists with HubSpot's minimal permissions; the client gives it the rest. The
    API reads no permissions but a permission set and Super Admin, so the first check, a day
    later, only confirms the user is still there."""
    return GrantOutcome(
        GrantState.PENDING_CLIENT,
        native_ref=user_ref(kept),
        # Translators: %(email)s is the agency's address; %(name)s the access level's name,
        # such as "Standard".
        message=_(
            "%(email)s is now a user of your HubSpot account, with HubSpot's minimal "
            'permissions. AgencyAccess gives the "%(name)s" level through a permission set of '
            "that name, and your account has none (permission sets need a HubSpot Enterprise "
            "subscription). In HubSpot, open Settings, then Users & Teams, click %(email)s and "
            "give it the permissions the agency needs."
        )
        % {"email": email, "name": level},
        next_action_url=hubspot_settings().users_page(kept.hub),
        retry_after=PERMISSIONS_BY_HAND_SECONDS,
    )


def _remove_by_hand(ref: GrantRef, steps: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        native_ref=ref.native_ref,
        message=steps,
        next_action_url=hubspot_settings().users_page(ref_parts(ref.native_ref).hub),
    )


def _active(kept: Kept, native_role: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=user_ref(kept),
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
