"""Snapchat organizations and ad accounts shared with an agency's person
(docs/platforms/snapchat.md).

The Marketing API has no call sharing an ad account between two organizations; what it has is
membership of one organization. So the client's sign-in invites the agency's person (the e-mail
of the agency's connected account) as a member of the client's organization, then gives that
member the level's role: an organization role for Snapchat Business, the prerequisite
organization role `member` and an ad account role for Snapchat Ads. Snapchat e-mails the
invitation; the member is INVITED until the person accepts it, and the worker's check follows
`member_status` until it reads MEMBER.
"""

import abc
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.utils.translation import gettext as _

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

ADMIN = "admin"  # the organization role that adds members and assigns roles
MEMBER = "member"  # the organization role every ad account role needs first
ACCEPTED = "MEMBER"  # member_status once the invitation is accepted (INVITED before)


class OrganizationConnector(ServiceConnector):
    """What both Snapchat services share: the invitation, and following it."""

    required_scopes = frozenset({MARKETING_SCOPE})
    asset_type: ClassVar[str]

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        require_scope(tokens)
        assets: list[Asset] = []
        for organization in _organizations(tokens):
            sharing = ADMIN in _my_organization_roles(tokens, organization)
            assets += self.assets_of(organization, sharing)
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
        member = _member_by_email(tokens, organization, email) or _invite(
            tokens, organization, email, request
        )
        roles = _roles_of(tokens, member["id"])
        role_id = self.give_role(tokens, organization, member["id"], roles, request)
        native_ref = member_ref(organization, member["id"], role_id)
        return _state(native_ref, request.native_role, member, email)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        organization, member_id, _role = ref_parts(ref.native_ref)
        if client_tokens is not None:
            member = _member_by_id(client_tokens, organization, member_id)
            if member is None or not self.holds(_roles_of(client_tokens, member_id), ref):
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
        if self.seen_by_agency(agency, organization, ref.asset_id):
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
        try:
            call("DELETE", self.removal_path(ref), client_tokens)
        except InsufficientRights as e:
            if e.platform_code != NOT_FOUND:
                raise
            # Already gone (removed in Business Manager): what revoking wanted.
        return _revoked(ref.native_ref)

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
    ) -> str:
        """The role the level asks for, given unless the member holds it; its id."""

    @abc.abstractmethod
    def holds(self, roles: Sequence[Mapping[str, Any]], ref: GrantRef) -> bool:
        """Whether the member's roles still include the one granted."""

    @abc.abstractmethod
    def seen_by_agency(self, agency: TokenSet, organization: str, asset_id: str) -> bool:
        """Whether the agency's person reaches the asset with their own sign-in."""

    @abc.abstractmethod
    def removal_path(self, ref: GrantRef) -> str:
        """What to DELETE to take the access away."""


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
    ) -> str:
        held = _role_on(roles, organization, request.native_role)
        if held is not None:
            return str(held["id"])
        return _add_role(tokens, organization, member_id, request.native_role)

    def holds(self, roles: Sequence[Mapping[str, Any]], ref: GrantRef) -> bool:
        organization, _member, _role = ref_parts(ref.native_ref)
        return _role_on(roles, organization, ref.native_role) is not None

    def seen_by_agency(self, agency: TokenSet, organization: str, asset_id: str) -> bool:
        return any(o["id"] == organization for o in _organizations(agency))

    def removal_path(self, ref: GrantRef) -> str:
        """Leaving the organization: a member without an organization role cannot stay."""
        _organization, member_id, _role = ref_parts(ref.native_ref)
        return f"members/{member_id}"


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
    ) -> str:
        if _role_on(roles, organization, MEMBER) is None:
            _add_role(tokens, organization, member_id, MEMBER)
        account = request.asset.external_id
        held = _role_on(roles, account, request.native_role)
        if held is not None:
            return str(held["id"])
        return _add_role(tokens, organization, member_id, request.native_role, account)

    def holds(self, roles: Sequence[Mapping[str, Any]], ref: GrantRef) -> bool:
        _organization, _member, role_id = ref_parts(ref.native_ref)
        return any(str(role["id"]) == role_id for role in roles)

    def seen_by_agency(self, agency: TokenSet, organization: str, asset_id: str) -> bool:
        return any(
            account["id"] == asset_id
            for found in _organizations(agency)
            if found["id"] == organization
            for account in found.get("ad_accounts") or []
        )

    def removal_path(self, ref: GrantRef) -> str:
        """Only the ad account role: the membership may serve other grants."""
        _organization, _member, role_id = ref_parts(ref.native_ref)
        return f"roles/{role_id}"


# References kept with a grant


def member_ref(organization: str, member_id: str, role_id: str) -> str:
    return f"organizations/{organization}/members/{member_id}/roles/{role_id}"


def ref_parts(native_ref: str) -> tuple[str, str, str]:
    """The organization, the member and the role a grant's reference names."""
    parts = native_ref.split("/")
    return parts[1], parts[3], parts[5]


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


def _member_by_id(tokens: TokenSet, organization: str, member_id: str) -> dict[str, Any] | None:
    return next((m for m in _members(tokens, organization) if m["id"] == member_id), None)


def _roles_of(tokens: TokenSet, member_id: str) -> list[dict[str, Any]]:
    return listed(f"members/{member_id}/roles", tokens, "roles", "role")


def _container(role: Mapping[str, Any]) -> str:
    """What a role is on: an ad account, else the organization."""
    return str(role.get("ad_account_id") or role.get("container_id") or role["organization_id"])


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
    """An organization role, or with `ad_account` a role on that ad account; its id."""
    container = {"ad_account_id": ad_account} if ad_account else {"organization_id": organization}
    answer = call(
        "POST",
        f"organizations/{organization}/roles",
        tokens,
        {"roles": [container | {"member_id": member_id, "type": role_type}]},
    )
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


def _not_admin() -> str:
    return _(
        "Only an admin of this organization in Snap Business Manager can invite the agency. "
        "Ask one of them to do it, or to make you an admin."
    )


CONNECTORS: tuple[ServiceConnector, ...] = (SnapchatBusiness(), SnapchatAds())
