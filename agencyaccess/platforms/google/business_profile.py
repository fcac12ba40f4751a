"""Google Business Profile: the client invites the agency as an admin of a location, and the
agency accepts (Account Management API v1, docs/platforms/google.md#business-profile: an
invitation). When the agency has
connected its Google account, AgencyAccess accepts the invitation for it straight away.

Google opens these APIs only to approved Cloud projects: until then every call fails with a quota
of 0, which the shared error mapping reports as "not approved" for the installation's admin.
"""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import map_side_by_side
from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    TokenSet,
)
from agencyaccess.platforms.google.api import GoogleApi, require_scopes
from agencyaccess.platforms.google.connectors import (
    GoogleConnector,
    active,
    best_effort,
    granted,
    invited,
    revoked,
)
from agencyaccess.platforms.google.scopes import SERVICE_SCOPES

ACCOUNTS = GoogleApi("business_accounts", "Google Business Profile")
INFORMATION = GoogleApi("business_information", "Google Business Profile")
OWNER_ROLES = frozenset({"PRIMARY_OWNER", "OWNER"})  # managers cannot add people


class GoogleBusinessProfile(GoogleConnector):
    service_keys = ("google_business_profile",)
    required_scopes = SERVICE_SCOPES["google_business_profile"]
    product = ACCOUNTS.product

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        self.check_scopes(tokens)
        locations: dict[str, Asset] = {}
        accounts = ACCOUNTS.pages("/v1/accounts", tokens, "accounts")
        for account_locations in map_side_by_side(lambda a: self._locations(tokens, a), accounts):
            for location in account_locations:
                # A location can show under several accounts (a group and a personal one):
                # keep the one through which it can be shared.
                seen = locations.get(location.external_id)
                if seen is None or (location.grantable and not seen.grantable):
                    locations[location.external_id] = location
        return list(locations.values())

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self.check_scopes(tokens)
        location, email = request.asset.external_id, request.agency.email
        admin = _invited(tokens, location, email) or self._invite(tokens, request)
        agency_tokens = request.agency.tokens
        if not admin.get("pendingInvitation") or (
            agency_tokens and self._accept_as_agency(agency_tokens, request)
        ):
            return granted(
                admin["name"], admin.get("role", request.native_role), email, request.asset.name
            )
        return invited(admin["name"], request.native_role, email)

    def _invite(self, tokens: TokenSet, request: GrantRequest) -> dict[str, Any]:
        """Invite the agency's e-mail. When it is already an admin, Google refuses, and the
        admin shows under the person's name: found by the name of the agency's sign-in."""
        location, email = request.asset.external_id, request.agency.email
        body = {"admin": email, "role": request.native_role}
        reply = ACCOUNTS.send("POST", f"/v1/{location}/admins", tokens, json=body)
        if reply.error is None:
            return reply.data
        if reply.error.status == "ALREADY_EXISTS":
            agency_name = request.agency.tokens.name if request.agency.tokens else None
            for admin in _admins(tokens, location):
                if agency_name and admin.get("admin") == agency_name:
                    return admin
        raise ACCOUNTS.failure(reply.error)

    def verify_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        admin = _admin_named(tokens, ref.asset_id, ref.native_ref)
        if admin is None:
            return revoked()
        if admin.get("pendingInvitation"):
            return invited(ref.native_ref, ref.native_role, ref.agency.email)
        return active(ref.native_ref)

    def verify_as_agency(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        """Once an admin, the agency can read the location's admins; until then it cannot, and
        from its side a pending invitation looks the same as a removed one."""
        reply = ACCOUNTS.send("GET", f"/v1/{ref.asset_id}/admins", tokens)
        if ACCOUNTS.permitted(reply) and any(
            a.get("name") == ref.native_ref and not a.get("pendingInvitation")
            for a in reply.data.get("admins", [])
        ):
            return active(ref.native_ref)
        return invited(ref.native_ref, ref.native_role, ref.agency.email)

    def revoke_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        admin = _admin_named(tokens, ref.asset_id, ref.native_ref)
        if admin is not None:
            ACCOUNTS.call("DELETE", f"/v1/{admin['name']}", tokens)
        return revoked(ref.native_ref)

    def _locations(self, tokens: TokenSet, account: dict[str, Any]) -> list[Asset]:
        owner = account.get("role") in OWNER_ROLES
        reason = (
            ""
            if owner
            else _(
                "You are a manager of this Business Profile; only its owners can add people. "
                "Ask an owner to share it, or to make you an owner."
            )
        )
        return [
            Asset(
                asset_type="location",
                external_id=location["name"],
                name=location.get("title") or location["name"],
                parent_id=account["name"],
                parent_name=account.get("accountName"),
                grantable=owner,
                not_grantable_reason=reason,
                metadata={"address": _one_line(location.get("storefrontAddress", {}))},
            )
            for location in INFORMATION.pages(
                f"/v1/{account['name']}/locations",
                tokens,
                "locations",
                {"readMask": "name,title,storefrontAddress", "pageSize": 100},
            )
        ]

    def _accept_as_agency(self, tokens: TokenSet, request: GrantRequest) -> bool:
        """Accept the invitation with the agency's own sign-in. An invitation names its
        location only by title and address (accounts.invitations, TargetLocation), so it is
        matched on the title and the role. Optional: on failure the agency accepts the e-mail."""
        try:
            require_scopes(tokens, self.required_scopes, self.product)
            for account in ACCOUNTS.pages("/v1/accounts", tokens, "accounts"):
                for invitation in ACCOUNTS.pages(
                    f"/v1/{account['name']}/invitations", tokens, "invitations"
                ):
                    target = invitation.get("targetLocation", {})
                    if (
                        target.get("locationName") == request.asset.name
                        and invitation.get("role") == request.native_role
                    ):
                        ACCOUNTS.call("POST", f"/v1/{invitation['name']}:accept", tokens, json={})
                        return True
        except ConnectorError as e:
            best_effort("accept the Business Profile invitation", e)
        return False


def _admins(tokens: TokenSet, location: str) -> list[dict[str, Any]]:
    return ACCOUNTS.call("GET", f"/v1/{location}/admins", tokens).get("admins", [])


def _invited(tokens: TokenSet, location: str, email: str) -> dict[str, Any] | None:
    """The e-mail's invitation still waiting: `admin` holds an e-mail only until accepted."""
    return next(
        (
            a
            for a in _admins(tokens, location)
            if a.get("pendingInvitation") and a.get("admin", "").lower() == email.lower()
        ),
        None,
    )


def _admin_named(tokens: TokenSet, location: str, name: str) -> dict[str, Any] | None:
    """The admin a grant created, by the resource name kept from the create call: once the
    invitation is accepted, `admin` holds the person's name, not the e-mail
    (docs/platforms/google.md#business-profile)."""
    return next((a for a in _admins(tokens, location) if a.get("name") == name), None)


def _one_line(address: dict[str, Any]) -> str:
    parts = [*address.get("addressLines", []), address.get("locality", "")]
    return ", ".join(part for part in parts if part)
