"""Google Ads (docs/platforms/google.md#google-ads), through its REST interface.

Two ways to give an agency access:
- a manager link (model C): the agency's manager account (MCC) requests to manage the client's
  account with the agency's own sign-in, and the client's sign-in accepts the request at once;
- a user invitation (model B): the client's sign-in invites the agency's e-mail address with a
  role, and the agency accepts the e-mail. Accounts with multi-party approval switched on first
  ask a second administrator to approve it.

An account reached through one of the client's manager accounts is named by the resource that
says so, "customers/<manager>/customerClients/<account>": its calls go through that manager
(the `login-customer-id` header).
"""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
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
from agencyaccess.platforms.google.api import GoogleApi, GoogleError, Reply, require_scopes
from agencyaccess.platforms.google.config import developer_token
from agencyaccess.platforms.google.connectors import (
    active,
    granted,
    invited,
    no_sign_in_to_check,
    remove_by_hand,
    revoked,
)
from agencyaccess.platforms.google.scopes import SERVICE_SCOPES


class AdsApi(GoogleApi):
    """Every call carries the API version, the developer token and, to act through a manager,
    the `login-customer-id` header (developers.google.com/google-ads/api/rest/auth)."""

    def send(  # type: ignore[override]
        self, method: str, path: str, tokens: TokenSet, *, login: str = "", **kwargs: Any
    ) -> Reply:
        headers = {"developer-token": developer_token()}
        if login:
            headers["login-customer-id"] = login
        version = settings.GOOGLE_ADS_API_VERSION
        return super().send(method, f"/{version}{path}", tokens, headers=headers, **kwargs)

    def failure(self, error: GoogleError) -> ConnectorError:
        """Google Ads answers 401 and 403 for more than an expired sign-in or a missing role:
        its own error code says which (docs/platforms/google.md#google-ads-errors)."""
        status = error.http_status
        if NOT_ADS_USER in error.reasons:
            return NotAdsUser(
                _not_ads_user_message(), platform_code=NOT_ADS_USER, http_status=status
            )
        if refused := error.reasons & DEVELOPER_TOKEN_REFUSED:
            return ConnectorError(
                _developer_token_message(), platform_code=min(refused), http_status=status
            )
        if CUSTOMER_NOT_ENABLED in error.reasons:
            return AccountNotEnabled(
                _not_enabled_reason(), platform_code=CUSTOMER_NOT_ENABLED, http_status=status
            )
        return super().failure(error)

    def search(
        self, tokens: TokenSet, customer_id: str, query: str, *, login: str
    ) -> list[dict[str, Any]]:
        """Every row of a GAQL query. Google omits `results` when there are none."""
        rows: list[dict[str, Any]] = []
        body = {"query": query}
        while True:
            data = self.call(
                "POST", f"/customers/{customer_id}/googleAds:search", tokens, login=login, json=body
            )
            rows += data.get("results", [])
            if not data.get("nextPageToken"):
                return rows
            body["pageToken"] = data["nextPageToken"]


ADS = AdsApi("ads", "Google Ads")

CUSTOMER = (
    "SELECT customer.id, customer.descriptive_name, customer.manager, customer.test_account, "
    "customer.status, customer.currency_code FROM customer"
)
CHILDREN = (
    "SELECT customer_client.id, customer_client.descriptive_name, customer_client.level, "
    "customer_client.manager, customer_client.status FROM customer_client "
    "WHERE customer_client.level = 1"
)
IN_HIERARCHY = (
    "SELECT customer_client.id FROM customer_client "
    "WHERE customer_client.client_customer = 'customers/{customer}'"
)
USERS = (
    "SELECT customer_user_access.user_id, customer_user_access.email_address, "
    "customer_user_access.access_role FROM customer_user_access"
)
INVITATIONS = (
    "SELECT customer_user_access_invitation.invitation_id, "
    "customer_user_access_invitation.email_address, customer_user_access_invitation.access_role, "
    "customer_user_access_invitation.invitation_status FROM customer_user_access_invitation"
)
CLIENT_LINKS = (
    "SELECT customer_client_link.client_customer, customer_client_link.manager_link_id, "
    "customer_client_link.status FROM customer_client_link "
    "WHERE customer_client_link.client_customer = 'customers/{customer}'"
)
MANAGER_LINKS = (
    "SELECT customer_manager_link.manager_customer, customer_manager_link.manager_link_id, "
    "customer_manager_link.status FROM customer_manager_link "
    "WHERE customer_manager_link.manager_customer = 'customers/{manager}'"
)

# ManagerLinkError codes (thrown by customerClientLinks:mutate, not CustomerClientLinkError)
# meaning the agency's manager account already has, or has asked for, the account: the grant
# goes on from the link that exists. In the hierarchy, a sub-manager of the agency holds it.
ALREADY_LINKED = frozenset({"ALREADY_INVITED_BY_THIS_MANAGER", "ALREADY_MANAGED_BY_THIS_MANAGER"})
HELD_IN_HIERARCHY = "ALREADY_MANAGED_IN_HIERARCHY"
# AuthenticationError: the Google account has no Google Ads account at all.
NOT_ADS_USER = "NOT_ADS_USER"
# The agency's developer token (or Cloud project) may not reach this account: a Test Account
# level token on a real account (DEVELOPER_TOKEN_NOT_APPROVED, since v25 also
# CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION) or a token refused outright.
DEVELOPER_TOKEN_REFUSED = frozenset(
    {
        "DEVELOPER_TOKEN_NOT_APPROVED",
        "CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION",
        "DEVELOPER_TOKEN_PROHIBITED",
        "DEVELOPER_TOKEN_NOT_ON_ALLOWLIST",
        "DEVELOPER_TOKEN_INVALID",
        "DEVELOPER_TOKEN_PARAMETER_MISSING",
    }
)
# AuthorizationError: a cancelled account, or one not set up yet.
CUSTOMER_NOT_ENABLED = "CUSTOMER_NOT_ENABLED"
# Where an accepted invitation's user lives (customers/{id}/customerUserAccesses/{userId}).
USER_ACCESSES = "/customerUserAccesses/"


class NotAdsUser(ConnectorError):
    """The signed-in Google account has no Google Ads account: signing in again as the same
    person changes nothing, another Google account may."""


class AccountNotEnabled(ConnectorError):
    """One account Google Ads no longer serves: listed as not grantable, the others still list."""


# A manager link gives at least standard access and has no read-only form, so these levels go
# by user invitation even when the link names a manager account (prospects get them).
READ_ONLY_LEVELS = frozenset({"READ_ONLY", "EMAIL_ONLY"})


class GoogleAds(ServiceConnector):
    service_keys = ("google_ads", "google_ads_mcc")
    required_scopes = SERVICE_SCOPES["google_ads"]
    product = ADS.product

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        self.check_scopes(tokens)
        names = ADS.call("GET", "/customers:listAccessibleCustomers", tokens).get(
            "resourceNames", []
        )
        direct = map_side_by_side(
            lambda name: _account_or_disabled(tokens, name.removeprefix("customers/")), names
        )
        # An account can be reachable directly and through a manager, or through two managers:
        # it is listed once, directly when it can be.
        assets = {asset.metadata["customer_id"]: asset for asset in direct}
        managers = [account for account in direct if account.metadata["manager"]]
        for children in map_side_by_side(lambda m: self._children(tokens, m), managers):
            for child in children:
                assets.setdefault(child.metadata["customer_id"], child)
        return list(assets.values())

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self.check_scopes(tokens)
        if request.service_key == "google_ads_mcc" or (
            request.agency.mcc_id and request.level not in READ_ONLY_LEVELS
        ):
            return self._link(tokens, request)
        return self._invite(tokens, request)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if "/customerClientLinks/" in ref.native_ref:
            return self._verify_link(ref, client_tokens)
        if "/customerClients/" in ref.native_ref:
            return self._verify_in_hierarchy(ref)
        return self._verify_user(ref, client_tokens)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if "/customerClientLinks/" in ref.native_ref:
            return self._unlink(ref)
        if "/customerClients/" in ref.native_ref:
            return _unlink_by_hand()
        if client_tokens is None:
            return remove_by_hand(self.product, ref.agency.email)
        self.check_scopes(client_tokens)
        return self._remove_user(ref, client_tokens)

    def check_scopes(self, tokens: TokenSet) -> None:
        require_scopes(tokens, self.required_scopes, self.product)

    # Listing

    def _children(self, tokens: TokenSet, manager: Asset) -> list[Asset]:
        """The accounts right under one of the client's manager accounts, reached through it;
        administrators of the manager administer them."""
        manager_id = manager.metadata["customer_id"]
        rows = ADS.search(tokens, manager_id, CHILDREN, login=manager_id)
        return [
            Asset(
                asset_type="ad_account",
                external_id=f"customers/{manager_id}/customerClients/{child['id']}",
                name=child.get("descriptiveName") or _dashed(child["id"]),
                parent_id=manager.external_id,
                parent_name=manager.name,
                grantable=manager.grantable,
                not_grantable_reason=manager.not_grantable_reason,
                metadata={"customer_id": child["id"], "manager": child.get("manager", False)},
            )
            for child in (row["customerClient"] for row in rows)
        ]

    # Manager link (model C)

    def _link(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        mcc = request.agency.mcc_id.replace("-", "")
        if not mcc:
            raise ConnectorError(
                _(
                    "This request names no Google Ads manager account to link your account to. "
                    "Please tell your agency."
                )
            )
        customer_id, login = _customer_and_login(request.asset.external_id)
        agency = request.agency.tokens
        if agency is None or self.required_scopes - agency.scopes:
            return _agency_must_connect(mcc, request)
        try:
            link = _request_link(agency, mcc, customer_id)
        except (TokenExpired, InsufficientRights, NotAdsUser):
            # The agency's sign-in no longer works, or is not one that manages this manager
            # account (or any Google Ads account): the client can do nothing about it, the
            # agency can.
            return _agency_must_connect(mcc, request)
        if link is None:
            return _linked(f"customers/{mcc}/customerClients/{customer_id}", mcc, request)
        if link["status"] != "ACTIVE":
            # The client's side of the same link, under the manager's link id (§2.2 step 3).
            ADS.call(
                "POST",
                f"/customers/{customer_id}/customerManagerLinks:mutate",
                tokens,
                login=login,
                json={
                    "operations": [
                        {
                            "update": {
                                "resourceName": f"customers/{customer_id}/customerManagerLinks/"
                                f"{mcc}~{link['managerLinkId']}",
                                "status": "ACTIVE",
                            },
                            "updateMask": "status",
                        }
                    ]
                },
            )
        return _linked(link["resourceName"], mcc, request)

    def _verify_link(self, ref: GrantRef, client_tokens: TokenSet | None) -> GrantOutcome:
        mcc, customer_id = _link_ends(ref.native_ref)
        if ref.agency.tokens:
            link = _client_link(ref.agency.tokens, mcc, customer_id)
            status = link["status"] if link else ""
        elif client_tokens:
            _, login = _customer_and_login(ref.asset_id)
            query = MANAGER_LINKS.format(manager=mcc)
            rows = ADS.search(client_tokens, customer_id, query, login=login)
            status = _best_link([row["customerManagerLink"] for row in rows]).get("status", "")
        else:
            raise no_sign_in_to_check()
        return _link_state(ref.native_ref, status)

    def _verify_in_hierarchy(self, ref: GrantRef) -> GrantOutcome:
        if ref.agency.tokens is None:
            raise no_sign_in_to_check()
        mcc, customer_id = _link_ends(ref.native_ref)
        query = IN_HIERARCHY.format(customer=customer_id)
        if ADS.search(ref.agency.tokens, mcc, query, login=mcc):
            return active(ref.native_ref)
        return revoked()

    def _unlink(self, ref: GrantRef) -> GrantOutcome:
        """From the manager's side with the agency's sign-in, which AgencyAccess keeps: a
        pending request is CANCELED, an active link made INACTIVE
        (docs/platforms/google.md#manager-link)."""
        agency = ref.agency.tokens
        if agency is None:
            return _unlink_by_hand()
        mcc, customer_id = _link_ends(ref.native_ref)
        link = _client_link(agency, mcc, customer_id)
        ending = {"PENDING": "CANCELED", "ACTIVE": "INACTIVE"}.get(link["status"] if link else "")
        if link and ending:
            ADS.call(
                "POST",
                f"/customers/{mcc}/customerClientLinks:mutate",
                agency,
                login=mcc,
                json={
                    "operation": {
                        "update": {"resourceName": link["resourceName"], "status": ending},
                        "updateMask": "status",
                    }
                },
            )
        return revoked(ref.native_ref)

    # User invitation (model B)

    def _invite(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        customer_id, login = _customer_and_login(request.asset.external_id)
        email, role = request.agency.email, request.native_role
        reply = ADS.send(
            "POST",
            f"/customers/{customer_id}/customerUserAccessInvitations:mutate",
            tokens,
            login=login,
            json={"operation": {"create": {"emailAddress": email, "accessRole": role}}},
        )
        if reply.error is None:
            result = reply.data.get("result", {})
            if review := result.get("multiPartyAuthReview"):
                return _in_review(review, role)
            return invited(result["resourceName"], role, email)
        if "EMAIL_ADDRESS_ALREADY_HAS_ACCESS" in reply.error.reasons:
            user = _user_access(tokens, customer_id, login, email)
            if user:
                return granted(user["resourceName"], user["accessRole"], email, request.asset.name)
        if "EMAIL_ADDRESS_ALREADY_HAS_PENDING_INVITATION" in reply.error.reasons:
            # The pending invitation, or, when none shows, one waiting for approval: no other
            # invitation for the address can be made meanwhile (multi-party approval).
            invitation = _invitation(tokens, customer_id, login, email)
            if invitation:
                return invited(invitation["resourceName"], role, email)
            return _in_review("", role)
        raise ADS.failure(reply.error)

    def _verify_user(self, ref: GrantRef, client_tokens: TokenSet | None) -> GrantOutcome:
        customer_id, login = _customer_and_login(ref.asset_id)
        email = ref.agency.email
        if client_tokens:
            self.check_scopes(client_tokens)
            if user := _user_access(client_tokens, customer_id, login, email):
                return active(user["resourceName"], user.get("accessRole", ""))
            if invitation := _invitation(client_tokens, customer_id, login, email):
                return _invitation_state(invitation, ref)
            return _gone(ref)
        if ref.agency.tokens:
            # The agency's own sign-in sees the account once it accepted the invitation.
            names = ADS.call("GET", "/customers:listAccessibleCustomers", ref.agency.tokens)
            if f"customers/{customer_id}" in names.get("resourceNames", []):
                return active(ref.native_ref)
            if USER_ACCESSES in ref.native_ref:
                return revoked()
            return _waiting(ref)
        raise no_sign_in_to_check()

    def _remove_user(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        customer_id, login = _customer_and_login(ref.asset_id)
        email = ref.agency.email
        if user := _user_access(tokens, customer_id, login, email):
            result = _remove(
                tokens, customer_id, login, "customerUserAccesses", user["resourceName"]
            )
            if result.get("multiPartyAuthReview"):
                # Held for a second administrator: the agency keeps its access until then.
                return _removal_in_review(user["resourceName"], ref.native_role)
        invitation = _invitation(tokens, customer_id, login, email)
        if invitation and invitation["invitationStatus"] == "PENDING":
            _remove(
                tokens,
                customer_id,
                login,
                "customerUserAccessInvitations",
                invitation["resourceName"],
            )
        return revoked(ref.native_ref)


def manager_ids(tokens: TokenSet) -> list[str]:
    """The Google Ads manager accounts (MCCs) the signed-in person reaches directly: what the
    agency's connected Google account can link clients' accounts under."""
    require_scopes(tokens, GoogleAds.required_scopes, ADS.product)
    names = ADS.call("GET", "/customers:listAccessibleCustomers", tokens).get("resourceNames", [])
    ids = []
    for customer_id in sorted(name.removeprefix("customers/") for name in names):
        customer = _customer(tokens, customer_id)
        if customer and customer.get("manager"):
            ids.append(customer_id)
    return ids


def _customer(tokens: TokenSet, customer_id: str) -> dict[str, Any] | None:
    """The account's `customer` row; None for an account Google Ads no longer serves."""
    try:
        [row] = ADS.search(tokens, customer_id, CUSTOMER, login=customer_id)
    except AccountNotEnabled:
        return None
    return row["customer"]


def _account_or_disabled(tokens: TokenSet, customer_id: str) -> Asset:
    """One account the person reaches directly. A cancelled one is listed, not grantable, with
    its id for a name: Google says nothing more about it."""
    customer = _customer(tokens, customer_id)
    if customer is None:
        return Asset(
            asset_type="ad_account",
            external_id=f"customers/{customer_id}",
            name=_dashed(customer_id),
            grantable=False,
            not_grantable_reason=_not_enabled_reason(),
            metadata={"customer_id": customer_id, "manager": False, "role": ""},
        )
    role = _role_of(tokens, customer_id, login=customer_id)
    return Asset(
        asset_type="ad_account",
        external_id=f"customers/{customer_id}",
        name=customer.get("descriptiveName") or _dashed(customer_id),
        grantable=role == "ADMIN",
        not_grantable_reason="" if role == "ADMIN" else _not_admin_reason(),
        metadata={
            "customer_id": customer_id,
            "manager": customer.get("manager", False),
            "role": role,
        },
    )


def _request_link(agency: TokenSet, mcc: str, customer_id: str) -> dict[str, Any] | None:
    """The agency's manager account asks to manage the account (§2.2 step 1). Returns the link,
    or None when the account is already managed deeper in the agency's hierarchy."""
    reply = ADS.send(
        "POST",
        f"/customers/{mcc}/customerClientLinks:mutate",
        agency,
        login=mcc,
        json={
            "operation": {
                "create": {"clientCustomer": f"customers/{customer_id}", "status": "PENDING"}
            }
        },
    )
    if reply.error is None:
        name = reply.data["result"]["resourceName"]
        return {"resourceName": name, "managerLinkId": name.rpartition("~")[2], "status": "PENDING"}
    if reply.error.reasons & ALREADY_LINKED:
        return _client_link(agency, mcc, customer_id)
    if HELD_IN_HIERARCHY in reply.error.reasons:
        return None
    raise ADS.failure(reply.error)


def _client_link(agency: TokenSet, mcc: str, customer_id: str) -> dict[str, Any] | None:
    rows = ADS.search(agency, mcc, CLIENT_LINKS.format(customer=customer_id), login=mcc)
    return _best_link([row["customerClientLink"] for row in rows]) or None


def _best_link(links: list[dict[str, Any]]) -> dict[str, Any]:
    """Old links stay listed (canceled, refused, inactive): the live one is what counts."""
    rank = {"ACTIVE": 0, "PENDING": 1}
    return min(links, key=lambda link: rank.get(link.get("status", ""), 2), default={})


def _link_state(native_ref: str, status: str) -> GrantOutcome:
    if status == "ACTIVE":
        return active(native_ref)
    if status == "PENDING":
        return GrantOutcome(
            GrantState.PENDING_CLIENT,
            native_ref=native_ref,
            message=_(
                "The agency's request to manage this Google Ads account is waiting for an "
                "administrator of the account to accept it."
            ),
        )
    if status == "REFUSED":
        return GrantOutcome(
            GrantState.FAILED,
            native_ref=native_ref,
            message=_("The request to manage this Google Ads account was declined."),
        )
    return revoked()


def _linked(native_ref: str, mcc: str, request: GrantRequest) -> GrantOutcome:
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=native_ref,
        native_role=request.native_role,
        # Translators: %(asset)s is the client's Google Ads account, %(mcc)s the agency's manager account id.
        message=_("Done: %(asset)s is now managed by the agency's manager account %(mcc)s.")
        % {"asset": request.asset.name, "mcc": _dashed(mcc)},
    )


def _agency_must_connect(mcc: str, request: GrantRequest) -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        native_role=request.native_role,
        # Translators: %(mcc)s is the agency's Google Ads manager account id, such as 123-456-7890.
        message=_(
            "The agency has not connected the Google account that manages its manager account "
            "%(mcc)s, so the link cannot be requested for you. The agency can connect it in "
            "AgencyAccess (Accounts, then Google) and ask you to try again, or send the link "
            "request from Google Ads for you to accept under Admin, Access and security, "
            "Managers."
        )
        % {"mcc": _dashed(mcc)},
    )


def _unlink_by_hand() -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        message=_(
            "AgencyAccess cannot remove this link itself. In Google Ads, open Admin, then Access "
            "and security, then Managers, and remove the agency's manager account."
        ),
    )


def _role_of(tokens: TokenSet, customer_id: str, *, login: str) -> str:
    """The signed-in person's role on the account; "" when Google will not say (only
    administrators may read the users of some accounts)."""
    try:
        me = _user_access(tokens, customer_id, login, tokens.email or "")
    except InsufficientRights:
        return ""
    return me.get("accessRole", "") if me else ""


def _user_access(
    tokens: TokenSet, customer_id: str, login: str, email: str
) -> dict[str, Any] | None:
    rows = ADS.search(tokens, customer_id, USERS, login=login)
    users = (row["customerUserAccess"] for row in rows)
    return next((user for user in users if _addressed_to(user, email)), None)


def _invitation(
    tokens: TokenSet, customer_id: str, login: str, email: str
) -> dict[str, Any] | None:
    """The address's pending invitation, else its latest one (declined, expired)."""
    rows = ADS.search(tokens, customer_id, INVITATIONS, login=login)
    invitations = (row["customerUserAccessInvitation"] for row in rows)
    mine = [i for i in invitations if _addressed_to(i, email)]
    pending = [i for i in mine if i.get("invitationStatus") == "PENDING"]
    return (pending or mine or [None])[-1]


def _addressed_to(item: dict[str, Any], email: str) -> bool:
    return item.get("emailAddress", "").lower() == email.lower()


def _remove(
    tokens: TokenSet, customer_id: str, login: str, service: str, name: str
) -> dict[str, Any]:
    """The mutate's result: `resourceName` once removed, or `multiPartyAuthReview` when the
    removal waits for a second administrator."""
    answer = ADS.call(
        "POST",
        f"/customers/{customer_id}/{service}:mutate",
        tokens,
        login=login,
        json={"operation": {"remove": name}},
    )
    result: dict[str, Any] = answer.get("result", {})
    return result


def _invitation_state(invitation: dict[str, Any], ref: GrantRef) -> GrantOutcome:
    """PENDING until accepted; accepted invitations leave the list and show as a user.
    Invitations expire after 20 days (AccessInvitationStatus)."""
    status = invitation.get("invitationStatus")
    if status == "PENDING":
        return invited(invitation["resourceName"], ref.native_role, ref.agency.email)
    return GrantOutcome(
        GrantState.FAILED,
        native_ref=invitation["resourceName"],
        # Translators: %(status)s is Google's status of the invitation: EXPIRED or DECLINED.
        message=_("The agency did not accept the Google Ads invitation in time (%(status)s).")
        % {"status": status},
    )


def _gone(ref: GrantRef) -> GrantOutcome:
    """Neither a user nor an invitation for the agency's address."""
    if "/customerUserAccessInvitations/" in ref.native_ref:
        return GrantOutcome(
            GrantState.FAILED,
            native_ref=ref.native_ref,
            message=_(
                "The Google Ads invitation no longer exists: it was cancelled, or accepted with "
                "another Google address. Check the account's users in Google Ads."
            ),
        )
    if USER_ACCESSES in ref.native_ref:
        return revoked()
    return _in_review(ref.native_ref, ref.native_role)


def _waiting(ref: GrantRef) -> GrantOutcome:
    if "/customerUserAccessInvitations/" in ref.native_ref:
        return invited(ref.native_ref, ref.native_role, ref.agency.email)
    return _in_review(ref.native_ref, ref.native_role)


def _in_review(native_ref: str, native_role: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.PENDING_REVIEW,
        native_ref=native_ref,
        native_role=native_role,
        message=_(
            "Google Ads asks a second administrator of this account to approve the invitation "
            "(multi-party approval). It can be approved in Google Ads within 20 days; the "
            "agency then receives the invitation."
        ),
    )


def _removal_in_review(native_ref: str, native_role: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.PENDING_REVIEW,
        native_ref=native_ref,
        native_role=native_role,
        message=_(
            "Google Ads asks a second administrator of this account to approve removing the "
            "agency (multi-party approval). Until it is approved in Google Ads, within 20 days, "
            "the agency keeps its access."
        ),
    )


def _not_ads_user_message() -> str:
    return _(
        "The Google account you signed in with has no Google Ads account. Please connect again "
        "with the Google account you use for Google Ads, or ask an administrator of your Google "
        "Ads account to add that Google account as a user."
    )


def _developer_token_message() -> str:
    return _(
        "This AgencyAccess installation is not yet allowed to work with real Google Ads "
        "accounts: its Google Ads developer token is not approved for them. There is nothing "
        "you can do about it; please tell your agency. The administrator of the installation "
        "has to apply to Google for Basic access for the developer token."
    )


def _not_enabled_reason() -> str:
    return _(
        "This Google Ads account is cancelled or not set up yet, so it cannot be shared. "
        "Reactivate it in Google Ads first."
    )


def _not_admin_reason() -> str:
    return _(
        "You are not an administrator of this Google Ads account. Ask an administrator to "
        "share it, or to make you an administrator."
    )


def _customer_and_login(asset_id: str) -> tuple[str, str]:
    """ "customers/1" -> ("1", "1"); "customers/5/customerClients/1" -> ("1", "5")."""
    parts = asset_id.split("/")
    if len(parts) == 4:
        return parts[3], parts[1]
    return parts[1], parts[1]


def _link_ends(native_ref: str) -> tuple[str, str]:
    """ "customers/<mcc>/customerClientLinks/<customer>~<id>" (or …/customerClients/<customer>)
    -> (mcc, customer)."""
    parts = native_ref.split("/")
    return parts[1], parts[3].partition("~")[0]


def _dashed(customer_id: str) -> str:
    return f"{customer_id[:3]}-{customer_id[3:6]}-{customer_id[6:]}"
