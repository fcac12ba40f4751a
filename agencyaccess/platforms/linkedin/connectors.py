"""Giving the agency's LinkedIn member a role on a client's ad account or Company Page
(docs/platforms/linkedin.md). Both are direct grants by the client's sign-in: LinkedIn has no
lookup by e-mail, so the grantee is the person URN of the agency member who connected LinkedIn.
"""

from collections.abc import Iterable, Mapping
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
    MissingScope,
    ServiceConnector,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.linkedin.api import RestLi, key, restli_list

ACCOUNT_URN = "urn:li:sponsoredAccount:"
ORGANIZATION_URN = "urn:li:organization:"
PERSON_URN = "urn:li:person:"
PERSON_FIELD = "person_id"  # the connected account's field: the agency's member id


class LinkedInConnector(ServiceConnector):
    """What both connectors share: the scope check and the outcomes."""

    def _require_scopes(self, tokens: TokenSet) -> None:
        if missing := self.missing_scopes(tokens):
            raise MissingScope(
                # Translators: permissions is a list of LinkedIn permission names.
                _(
                    "LinkedIn did not give us every permission we need (%(permissions)s). Please "
                    "connect LinkedIn again and allow them."
                )
                % {"permissions": ", ".join(sorted(missing))}
            )

    @staticmethod
    def _active(native_ref: str, role: str) -> GrantOutcome:
        return GrantOutcome(
            GrantState.ACTIVE,
            native_ref=native_ref,
            native_role=role,
            message=_("Done: the agency's LinkedIn member has access now."),
        )

    @staticmethod
    def _gone(native_ref: str, role: str) -> GrantOutcome:
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=native_ref,
            native_role=role,
            message=_("The agency no longer has access to this."),
        )


class AdAccountsConnector(LinkedInConnector):
    """Ad account users (ads/account-structure/create-and-manage-account-users)."""

    service_keys = ("linkedin_ads",)
    required_scopes = frozenset({"rw_ads"})
    # Only these roles can manage an account's users (ads/account-structure/account-access-controls).
    MANAGING_ROLES = frozenset({"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER"})

    def list_assets(self, tokens: TokenSet, service_key: str) -> list[Asset]:
        """The person's roles and the accounts' names are two lists that do not depend on each
        other: asked side by side (lib/parallel.py), the client waits one round trip, not two."""
        self._require_scopes(tokens)
        api = RestLi(tokens.access_token)
        roles, accounts = both_side_by_side(lambda: self._roles(api), lambda: self._accounts(api))
        return [self._asset(urn, role, accounts.get(urn) or {}) for urn, role in roles.items()]

    @staticmethod
    def _roles(api: RestLi) -> dict[str, str]:
        """The signed-in member's role on each ad account, by account URN."""
        users = api.elements("adAccountUsers", q="authenticatedUser")
        return {user["account"]: user["role"] for user in users}

    @staticmethod
    def _accounts(api: RestLi) -> dict[str, dict[str, Any]]:
        """The ad accounts the member sees (their names and status), by account URN."""
        found = api.search("adAccounts", q="search")
        return {f"{ACCOUNT_URN}{account['id']}": account for account in found}

    def _asset(self, urn: str, role: str, account: Mapping[str, Any]) -> Asset:
        can_share = role in self.MANAGING_ROLES
        return Asset(
            asset_type="ad_account",
            external_id=urn.removeprefix(ACCOUNT_URN),
            name=account.get("name") or urn.removeprefix(ACCOUNT_URN),
            grantable=can_share,
            not_grantable_reason=""
            if can_share
            else _(
                "Your role on this ad account cannot add people. Ask an account manager of it "
                "to share it, or to make you an account manager."
            ),
            metadata={"role": role, "status": account.get("status", "")},
        )

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self._require_scopes(tokens)
        account, user = ACCOUNT_URN + request.asset.external_id, person_urn(request.agency)
        path = self._path(account, user)
        api = RestLi(tokens.access_token)
        # PUT on the key creates the role, or replaces it: granting twice is harmless.
        api.put(path, {"account": account, "user": user, "role": request.native_role})
        return self._active(path, api.get(path).get("role") or request.native_role)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        account, user = ACCOUNT_URN + ref.asset_id, person_urn(ref.agency)
        path = self._path(account, user)
        if client_tokens is not None:
            role = self._role_seen_by_client(RestLi(client_tokens.access_token), path)
        else:
            role = self._role_seen_by_agency(agency_api(ref.agency), account)
        return self._active(path, role) if role else self._gone(path, ref.native_role)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            raise TokenExpired(
                _(
                    "Removing this access needs the client to connect LinkedIn again, or to "
                    "remove the agency's member in Campaign Manager (Account settings > Manage "
                    "access)."
                )
            )
        path = self._path(ACCOUNT_URN + ref.asset_id, person_urn(ref.agency))
        try:
            RestLi(client_tokens.access_token).delete(path)
        except ConnectorError as e:
            if e.http_status != 404:  # already gone: what revoking wanted
                raise
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=path,
            native_role=ref.native_role,
            message=_("The agency's access has been removed."),
        )

    @staticmethod
    def _path(account: str, user: str) -> str:
        return f"adAccountUsers/{key(account=account, user=user)}"

    @staticmethod
    def _role_seen_by_client(api: RestLi, path: str) -> str:
        try:
            return str(api.get(path).get("role") or "")
        except ConnectorError as e:
            if e.http_status == 404:
                return ""
            raise

    @staticmethod
    def _role_seen_by_agency(api: RestLi, account: str) -> str:
        """The agency member's own roles: the account is among them while the grant holds."""
        users = api.elements("adAccountUsers", q="authenticatedUser")
        return next((str(u.get("role")) for u in users if u.get("account") == account), "")


class CompanyPageConnector(LinkedInConnector):
    """Page admins by role (community-management/organizations/organization-access-control-by-role)."""

    service_keys = ("linkedin_company_page",)
    required_scopes = frozenset({"rw_organization_admin"})
    SHARING_ROLE = "ADMINISTRATOR"  # only a super admin can add admins

    def list_assets(self, tokens: TokenSet, service_key: str) -> list[Asset]:
        self._require_scopes(tokens)
        api = RestLi(tokens.access_token)
        roles: dict[str, set[str]] = {}
        for acl in api.elements("organizationAcls", q="roleAssignee", state="APPROVED"):
            roles.setdefault(acl["organization"].removeprefix(ORGANIZATION_URN), set()).add(
                acl["role"]
            )
        names = self._names(api, roles)
        return [
            self._asset(org_id, held, names.get(org_id, org_id)) for org_id, held in roles.items()
        ]

    def _asset(self, org_id: str, roles: set[str], name: str) -> Asset:
        can_share = self.SHARING_ROLE in roles
        return Asset(
            asset_type="organization",
            external_id=org_id,
            name=name,
            grantable=can_share,
            not_grantable_reason=""
            if can_share
            else _(
                "Only a super admin of this Page can add admins. Ask a super admin to share it, "
                "or to make you one."
            ),
            metadata={"roles": sorted(roles)},
        )

    @staticmethod
    def _names(api: RestLi, org_ids: Iterable[str]) -> dict[str, str]:
        """The Pages' names in one batch get (`ids=List(…)`, Rest.li 2.0)."""
        ids = sorted(org_ids)
        if not ids:
            return {}
        answer = api.get(f"organizations?ids={restli_list(ids)}")
        return {
            org_id: str(org.get("localizedName") or org_id)
            for org_id, org in (answer.get("results") or {}).items()
        }

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self._require_scopes(tokens)
        organization = ORGANIZATION_URN + request.asset.external_id
        assignee = person_urn(request.agency)
        path = self._set_state(
            RestLi(tokens.access_token), organization, request.native_role, assignee, "APPROVED"
        )
        return self._active(path, request.native_role)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        organization, assignee = ORGANIZATION_URN + ref.asset_id, person_urn(ref.agency)
        path = self._path(organization, ref.native_role, assignee)
        if client_tokens is not None:
            acls = RestLi(client_tokens.access_token).elements(
                "organizationAcls",
                q="organization",
                organization=organization,
                role=ref.native_role,
                state="APPROVED",
            )
            held = any(acl.get("roleAssignee") == assignee for acl in acls)
        else:
            acls = agency_api(ref.agency).elements(
                "organizationAcls", q="roleAssignee", role=ref.native_role, state="APPROVED"
            )
            held = any(acl.get("organization") == organization for acl in acls)
        return self._active(path, ref.native_role) if held else self._gone(path, ref.native_role)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            raise TokenExpired(
                _(
                    "Removing this access needs the client to connect LinkedIn again, or to "
                    "remove the agency's member in the Page's admin tools (Settings > Manage "
                    "admins)."
                )
            )
        # organizationAcls has no DELETE: a role ends by setting its state to REVOKED.
        path = self._set_state(
            RestLi(client_tokens.access_token),
            ORGANIZATION_URN + ref.asset_id,
            ref.native_role,
            person_urn(ref.agency),
            "REVOKED",
        )
        return GrantOutcome(
            GrantState.REVOKED,
            native_ref=path,
            native_role=ref.native_role,
            message=_("The agency's access has been removed."),
        )

    def _set_state(
        self, api: RestLi, organization: str, role: str, assignee: str, state: str
    ) -> str:
        path = self._path(organization, role, assignee)
        api.put(
            path,
            {"organization": organization, "role": role, "roleAssignee": assignee, "state": state},
        )
        return path

    @staticmethod
    def _path(organization: str, role: str, assignee: str) -> str:
        return (
            f"organizationAcls/{key(organization=organization, role=role, roleAssignee=assignee)}"
        )


CONNECTORS: tuple[LinkedInConnector, ...] = (AdAccountsConnector(), CompanyPageConnector())


def person_urn(agency: AgencyIdentity) -> str:
    """The agency member who receives the role: LinkedIn adds people by person URN only, which
    their own sign-in gives (the OpenID Connect `sub`)."""
    person = str(agency.fields.get(PERSON_FIELD) or "")
    if not person and agency.tokens is not None:
        person = agency.tokens.subject_id or ""
    if not person:
        raise ConnectorError(
            _(
                "The agency has not connected its LinkedIn member yet, so nobody can be given "
                "access. Please let the agency know."
            )
        )
    return person if person.startswith(PERSON_URN) else PERSON_URN + person


def agency_api(agency: AgencyIdentity) -> RestLi:
    if agency.tokens is None:
        raise TokenExpired(
            _(
                "Checking this access needs a LinkedIn sign-in: the agency can connect its "
                "LinkedIn member in AgencyAccess."
            )
        )
    return RestLi(agency.tokens.access_token)
