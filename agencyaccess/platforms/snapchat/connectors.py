"""Snapchat organizations and ad accounts shared with an agency's person
(docs/platforms/snapchat.md).

The Marketing API has no call sharing an ad account between two organizations; what it has is
membership of one organization. So the client's sign-in invites the agency's person (the e-mail
of the agency's connected account) as a member of the client's organization, then gives that
member the level's role: an organization role for Snapchat Business, the prerequisite
organization role `member` and an ad account role for Snapchat Ads. Snapchat e-mails the
invitation; the member is INVITED until the person accepts it, and the worker's check follows
`member_status` until it reads MEMBER.

A grant's reference says whether AgencyAccess created the member and the role: revoking takes
away only what it created, and leaves the rest to the client with the steps.
"""

import abc
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, NamedTuple

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import map_side_by_side
from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    GrantState,
    InsufficientRights,
    ServiceConnector,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.snapchat.api import NOT_FOUND, call, entities, listed, require_scope
from agencyaccess.platforms.snapchat.config import MARKETING_SCOPE, snapchat_settings

# The organization roles that add members and assign roles: `admin`, and `business_admin`, which
# "can access full Business Manager capabilities (payment methods, roles, organization details)"
# (developers.snap.com/api/marketing-api/Ads-API/roles).
SHARING_ROLES = frozenset({"admin", "business_admin"})
MEMBER = "member"  # the organization role every ad account role needs first
ACCEPTED = "MEMBER"  # member_status once the invitation is accepted (INVITED before)


class OrganizationConnector(ServiceConnector):
    """What both Snapchat services share: the invitation, and following it."""

    required_scopes = frozenset({MARKETING_SCOPE})
    asset_type: ClassVar[str]

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        require_scope(tokens)
        organizations = _organizations(tokens)
        # A call per organization for the person's roles there, side by side (lib/parallel.py):
        # one after another, a person in several organizations waits a round trip for each.
        roles = map_side_by_side(lambda o: _my_organization_roles(tokens, o), organizations)
        assets: list[Asset] = []
        for organization, held in zip(organizations, roles, strict=True):
            assets += self.assets_of(organization, bool(SHARING_ROLES & held))
        return assets

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        require_scope(tokens)
        email = request.agency.email
        if not email:
            raise ConnectorError(
                _(
                    "The agency's Snapchat account has no e-mail address to invite. Please "
                    "tell your agency."
                )
            )
        organization = self.organization_of(request.asset)
        member = _member_by_email(tokens, organization, email)
        created_member = member is None
        if member is None:
            member = _invite(tokens, organization, email, request)
        roles = _roles_of(tokens, member["id"])
        role_id, created_role = self.give_role(tokens, organization, member["id"], roles, request)
        kept = Kept(organization, member["id"], role_id, created_member, created_role)
        return _state(member_ref(kept), request.native_role, member, email)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is not None:
            member = self.granted_member(client_tokens, ref)
            if member is None:
                return _revoked(ref.native_ref)
            return _state(ref.native_ref, ref.native_role, member, ref.agency.email)
        agency = ref.agency.tokens
        if agency is None:
            raise TokenExpired(
                _(
                    "Checking this access needs a Snapchat sign-in: the agency can connect its "
                    "Snapchat account in AgencyAccess."
                )
            )
        if self.seen_by_agency(agency, ref_parts(ref.native_ref).organization, ref.asset_id):
            return _active(ref.native_ref, ref.native_role)
        # Not a member yet, as far as the agency's person can see: the invitation waits.
        return _invited(ref.native_ref, ref.native_role, ref.agency.email)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            return GrantOutcome(
                GrantState.MANUAL_REQUIRED,
                native_ref=ref.native_ref,
                # Translators: %(email)s is the agency's address.
                message=_(
                    "AgencyAccess cannot remove this access without your Snapchat sign-in. In "
                    "Snap Business Manager, open Members and remove %(email)s, or take away "
                    "their role on the ad account."
                )
                % {"email": ref.agency.email},
            )
        kept = ref_parts(ref.native_ref)
        try:
            removal = self.removal(client_tokens, kept)
            if removal is None:
                return _left_to_client(ref.native_ref, self.steps(ref.agency.email))
            call("DELETE", removal, client_tokens)
        except InsufficientRights as e:
            # E3004 is "Entity does not exist or you do not have permission to access it":
            # revoked only if reading again shows the access gone.
            if e.platform_code != NOT_FOUND or not self.gone(client_tokens, ref):
                raise _cannot_remove(ref.agency.email, e) from e
        return _revoked(ref.native_ref)

    def granted_member(self, tokens: TokenSet, ref: GrantRef) -> dict[str, Any] | None:
        """The member while they still hold the granted role; None once either is gone."""
        kept = ref_parts(ref.native_ref)
        member = _member(tokens, kept.organization, kept.member_id)
        if member is None or not self.holds(_roles_of(tokens, kept.member_id), ref):
            return None
        return member

    def gone(self, tokens: TokenSet, ref: GrantRef) -> bool:
        """Whether the access is no longer there; False when the client's sign-in cannot tell."""
        try:
            return self.granted_member(tokens, ref) is None
        except InsufficientRights:
            return False

    # What each service does its own way

    @abc.abstractmethod
    def assets_of(self, organization: Mapping[str, Any], sharing: bool) -> list[Asset]:
        """What the client may choose in one of their organizations."""

    @abc.abstractmethod
    def organization_of(self, asset: Asset) -> str:
        """The organization the agency's person joins for this asset."""

    @abc.abstractmethod
    def give_role(
        self,
        tokens: TokenSet,
        organization: str,
        member_id: str,
        roles: Sequence[Mapping[str, Any]],
        request: GrantRequest,
    ) -> tuple[str, bool]:
        """The role the level asks for, given unless the member holds it: its id, and whether
        it was given now."""

    @abc.abstractmethod
    def holds(self, roles: Sequence[Mapping[str, Any]], ref: GrantRef) -> bool:
        """Whether the member's roles still include the one granted."""

    @abc.abstractmethod
    def seen_by_agency(self, agency: TokenSet, organization: str, asset_id: str) -> bool:
        """Whether the agency's person reaches the asset with their own sign-in."""

    @abc.abstractmethod
    def removal(self, tokens: TokenSet, kept: "Kept") -> str | None:
        """What to DELETE to take the access away, among what AgencyAccess created; None when
        that is the client's to do."""

    @abc.abstractmethod
    def steps(self, email: str) -> str:
        """What the client does in Business Manager when AgencyAccess leaves it to them."""


class SnapchatBusiness(OrganizationConnector):
    """Membership of the client's organization with an organization role (admin, member)."""

    service_keys = ("snapchat_business",)
    asset_type = "organization"

    def assets_of(self, organization: Mapping[str, Any], sharing: bool) -> list[Asset]:
        return [
            Asset(
                asset_type=self.asset_type,
                external_id=organization["id"],
                name=organization.get("name") or organization["id"],
                grantable=sharing,
                not_grantable_reason="" if sharing else _not_admin(),
            )
        ]

    def organization_of(self, asset: Asset) -> str:
        return asset.external_id

    def give_role(
        self,
        tokens: TokenSet,
        organization: str,
        member_id: str,
        roles: Sequence[Mapping[str, Any]],
        request: GrantRequest,
    ) -> tuple[str, bool]:
        held = _role_on(roles, organization, request.native_role)
        if held is not None:
            return str(held["id"]), False
        return _add_role(tokens, organization, member_id, request.native_role), True

    def holds(self, roles: Sequence[Mapping[str, Any]], ref: GrantRef) -> bool:
        organization = ref_parts(ref.native_ref).organization
        return _role_on(roles, organization, ref.native_role) is not None

    def seen_by_agency(self, agency: TokenSet, organization: str, asset_id: str) -> bool:
        return any(o["id"] == organization for o in _organizations(agency))

    def removal(self, tokens: TokenSet, kept: "Kept") -> str | None:
        """The member we invited, if the granted role is all they hold; else the role we gave,
        if another organization role keeps them (every member holds one, roles reference).
        A role held before, or the one organization role their other roles need, stays."""
        if not kept.created_role:
            return None
        others = [r for r in _roles_of(tokens, kept.member_id) if str(r["id"]) != kept.role_id]
        if kept.created_member and not others:
            return f"members/{kept.member_id}"
        if any(_container(r) == kept.organization for r in others):
            return f"roles/{kept.role_id}"
        return None

    def steps(self, email: str) -> str:
        # Translators: %(email)s is the agency's address.
        return _(
            "AgencyAccess leaves this to you: %(email)s was in your Snapchat organization "
            "before, or their other access needs this role. In Snap Business Manager, open "
            "Members, select %(email)s and change their organization role, or remove them."
        ) % {"email": email}


class SnapchatAds(OrganizationConnector):
    """An ad account role (admin, general, creative, reports) for a member of the client's
    organization."""

    service_keys = ("snapchat_ads",)
    asset_type = "ad_account"

    def assets_of(self, organization: Mapping[str, Any], sharing: bool) -> list[Asset]:
        return [
            Asset(
                asset_type=self.asset_type,
                external_id=account["id"],
                name=account.get("name") or account["id"],
                parent_id=organization["id"],
                parent_name=organization.get("name") or "",
                grantable=sharing,
                not_grantable_reason="" if sharing else _not_admin(),
            )
            for account in organization.get("ad_accounts") or []
        ]

    def organization_of(self, asset: Asset) -> str:
        return str(asset.parent_id or "")

    def give_role(
        self,
        tokens: TokenSet,
        organization: str,
        member_id: str,
        roles: Sequence[Mapping[str, Any]],
        request: GrantRequest,
    ) -> tuple[str, bool]:
        if _role_on(roles, organization, MEMBER) is None:
            _add_role(tokens, organization, member_id, MEMBER)
        account = request.asset.external_id
        held = _role_on(roles, account, request.native_role)
        if held is not None:
            return str(held["id"]), False
        return _add_role(tokens, organization, member_id, request.native_role, account), True

    def holds(self, roles: Sequence[Mapping[str, Any]], ref: GrantRef) -> bool:
        role_id = ref_parts(ref.native_ref).role_id
        return any(str(role["id"]) == role_id for role in roles)

    def seen_by_agency(self, agency: TokenSet, organization: str, asset_id: str) -> bool:
        return any(
            account["id"] == asset_id
            for found in _organizations(agency)
            if found["id"] == organization
            for account in found.get("ad_accounts") or []
        )

    def removal(self, tokens: TokenSet, kept: "Kept") -> str | None:
        """Only the ad account role, if we gave it: the membership may serve other grants."""
        return f"roles/{kept.role_id}" if kept.created_role else None

    def steps(self, email: str) -> str:
        # Translators: %(email)s is the agency's address.
        return _(
            "AgencyAccess leaves this to you: %(email)s held this role on the ad account "
            "before. In Snap Business Manager, open Members, select %(email)s and take away "
            "their role on the ad account."
        ) % {"email": email}


# References kept with a grant


class Kept(NamedTuple):
    """What a grant's reference names, and what of it AgencyAccess created."""

    organization: str
    member_id: str
    role_id: str
    created_member: bool = False
    created_role: bool = False


def member_ref(kept: Kept) -> str:
    """`organizations/O/members/M/roles/R/created/member,role` (`created/none`: both found)."""
    flags = (("member", kept.created_member), ("role", kept.created_role))
    created = ",".join(name for name, new in flags if new) or "none"
    return (
        f"organizations/{kept.organization}/members/{kept.member_id}/roles/{kept.role_id}"
        f"/created/{created}"
    )


def ref_parts(native_ref: str) -> Kept:
    """What a grant's reference names. References kept before creation was recorded end at the
    role: they do not say what was created, so nothing counts as ours."""
    parts = native_ref.split("/")
    created = parts[7].split(",") if len(parts) > 7 and parts[6] == "created" else []
    return Kept(parts[1], parts[3], parts[5], "member" in created, "role" in created)


# Reading


def _organizations(tokens: TokenSet) -> list[dict[str, Any]]:
    """The signed-in person's organizations, each with its ad accounts."""
    params = {"with_ad_accounts": "true"}
    return listed("me/organizations", tokens, "organizations", "organization", params)


def _my_organization_roles(tokens: TokenSet, organization: Mapping[str, Any]) -> set[str]:
    """The signed-in person's organization roles there, read from their membership."""
    member_id = organization.get("my_member_id")
    if not member_id:
        return set()
    roles = _roles_of(tokens, str(member_id))
    return {str(role["type"]) for role in roles if _container(role) == organization["id"]}


def _members(tokens: TokenSet, organization: str) -> list[dict[str, Any]]:
    return listed(f"organizations/{organization}/members", tokens, "members", "member")


def _member_by_email(tokens: TokenSet, organization: str, email: str) -> dict[str, Any] | None:
    """The agency's person, already a member or invited: inviting again would make two."""
    wanted = email.casefold()
    members = _members(tokens, organization)
    return next((m for m in members if str(m.get("email", "")).casefold() == wanted), None)


def _member(tokens: TokenSet, organization: str, member_id: str) -> dict[str, Any] | None:
    """The member (`GET /members/{id}`, Snap's single-entity pattern), None once gone. E3004 is
    "does not exist or you do not have permission to access it": the organization's list of
    members tells which, and a member still listed re-raises it."""
    try:
        answer = call("GET", f"members/{member_id}", tokens)
    except InsufficientRights as refused:
        if refused.platform_code != NOT_FOUND:
            raise
        if any(m["id"] == member_id for m in _members(tokens, organization)):
            raise
        return None
    return next(iter(entities(answer, "members", "member")), None)


def _roles_of(tokens: TokenSet, member_id: str) -> list[dict[str, Any]]:
    return listed(f"members/{member_id}/roles", tokens, "roles", "role", paged=True)


def _container(role: Mapping[str, Any]) -> str:
    """What a role is on: an ad account, else the organization ("" when it names neither)."""
    return str(
        role.get("ad_account_id") or role.get("container_id") or role.get("organization_id") or ""
    )


def _role_on(
    roles: Sequence[Mapping[str, Any]], container: str, role_type: str
) -> Mapping[str, Any] | None:
    return next((r for r in roles if _container(r) == container and r["type"] == role_type), None)


# Writing


def _invite(
    tokens: TokenSet, organization: str, email: str, request: GrantRequest
) -> dict[str, Any]:
    """A new member, INVITED: Snapchat e-mails the address an invitation to the organization."""
    agency = request.agency.tokens
    display_name = (agency.name if agency else "") or email.partition("@")[0]
    answer = call(
        "POST",
        f"organizations/{organization}/members",
        tokens,
        {
            "members": [
                {"email": email, "organization_id": organization, "display_name": display_name}
            ]
        },
    )
    [member] = entities(answer, "members", "member")
    return member


def _add_role(
    tokens: TokenSet, organization: str, member_id: str, role_type: str, ad_account: str = ""
) -> str:
    """An organization role, or with `ad_account` a role on that ad account, each created under
    what it is on; its id."""
    if ad_account:
        path, container = f"adaccounts/{ad_account}/roles", {"ad_account_id": ad_account}
    else:
        path, container = f"organizations/{organization}/roles", {"organization_id": organization}
    role = container | {"member_id": member_id, "type": role_type}
    answer = call("POST", path, tokens, {"roles": [role]})
    [role] = entities(answer, "roles", "role")
    return str(role["id"])


# Outcomes


def _state(
    native_ref: str, native_role: str, member: Mapping[str, Any], email: str
) -> GrantOutcome:
    if member.get("member_status") == ACCEPTED:
        return _active(native_ref, native_role)
    return _invited(native_ref, native_role, email)


def _active(native_ref: str, native_role: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=native_ref,
        native_role=native_role,
        message=_("Done: the agency's person is a member of your Snapchat organization."),
    )


def _invited(native_ref: str, native_role: str, email: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.PENDING_AGENCY,
        native_ref=native_ref,
        native_role=native_role,
        # Translators: %(email)s is the agency's address that received the invitation.
        message=_(
            "Snapchat sent an invitation to %(email)s to join your organization. The access "
            "starts when the agency accepts it from that e-mail."
        )
        % {"email": email},
        next_action_url=snapchat_settings().business_manager_url,
    )


def _revoked(native_ref: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.REVOKED,
        native_ref=native_ref,
        message=_("The agency's person no longer has this access to your Snapchat organization."),
    )


def _left_to_client(native_ref: str, steps: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        native_ref=native_ref,
        message=steps,
        next_action_url=snapchat_settings().business_manager_url,
    )


def _cannot_remove(email: str, refused: InsufficientRights) -> InsufficientRights:
    return InsufficientRights(
        # Translators: %(email)s is the agency's address.
        _(
            "Snapchat did not let your account remove this access. An admin of the organization "
            "in Snap Business Manager can: ask one to open Members and remove %(email)s or their "
            "role, or to make you an admin."
        )
        % {"email": email},
        platform_code=refused.platform_code,
        http_status=refused.http_status,
    )


def _not_admin() -> str:
    return _(
        "Only an admin or a business admin of this organization in Snap Business Manager can "
        "invite the agency. Ask one of them to do it, or to make you an admin."
    )


CONNECTORS: tuple[ServiceConnector, ...] = (SnapchatBusiness(), SnapchatAds())
