"""Microsoft Advertising accounts shared with an agency (docs/platforms/microsoft.md).

Two ways, chosen by the level the link asks for:
- a client link (model C): the agency's manager customer asks to manage the account with its
  own sign-in, and the client's sign-in accepts; Microsoft then finishes the link itself;
- a user invitation (model B): the client's sign-in invites the agency's e-mail address with the
  level's role, and the agency accepts from the e-mail.
A link gives the agency's own people the access their roles in the agency give, so it serves the
levels that manage the account; a narrower level (Viewer, Advertiser Campaign Manager) is a user.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

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
    ServiceConnector,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.microsoft.api import call, partial_errors, require_scope
from agencyaccess.platforms.microsoft.config import MANAGE_SCOPE, microsoft_settings

MANAGER_FIELD = "manager_customer_id"  # the catalogue's account field for the agency's customer
LINK_LEVELS = frozenset({"SUPER_ADMIN", "STANDARD"})
SUPER_ADMIN, STANDARD = 41, 203  # RoleId values (docs/platforms/microsoft.md#roles)
SHARING_ROLES = frozenset({SUPER_ADMIN, STANDARD})  # may invite users and accept link requests
ROLE_RANK = (SUPER_ADMIN, STANDARD, 16, 33, 100)  # most rights first
PAGE = {"Index": 0, "Size": 1000}  # the largest page SearchAccounts serves
LINKS_PAGE = {"Index": 0, "Size": 100}  # the largest page SearchClientLinks serves (paging)
LINK_NAME_LENGTH = 40  # ClientLink.Name holds at most 40 characters

# ClientLinkStatus values and what they mean for the grant (§ client link lifecycle).
LINK_ACTIVE = frozenset({"Active", "UnlinkCanceled", "UnlinkFailed"})
LINK_FINISHING = frozenset({"LinkAccepted", "LinkInProgress"})
LINK_FAILED = frozenset({"LinkDeclined", "LinkFailed"})
LINK_LIVE = LINK_ACTIVE | LINK_FINISHING | {"LinkPending"}
LINK_ENDING = frozenset({"UnlinkPending", "UnlinkInProgress"})  # still a link, being ended


class MicrosoftAds(ServiceConnector):
    service_keys = ("microsoft_ads",)
    required_scopes = frozenset({MANAGE_SCOPE})

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        require_scope(tokens)
        me = call("POST", "User/Query", tokens, {"UserId": None})
        accounts = call(
            "POST",
            "Accounts/Search",
            tokens,
            {
                "Predicates": [_equals("UserId", me["User"]["Id"])],
                "Ordering": None,
                "PageInfo": PAGE,
            },
        ).get("Accounts", [])
        roles = me.get("CustomerRoles") or []
        numbers = _customer_numbers(tokens, roles, accounts)
        return [_asset(account, roles, numbers) for account in accounts]

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        require_scope(tokens)
        manager = str(request.agency.fields.get(MANAGER_FIELD) or "")
        if manager and request.level in LINK_LEVELS:
            return self._link(tokens, request, manager)
        return self._invite(tokens, request)

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if "/clientlinks/" in ref.native_ref:
            return _verify_link(ref, client_tokens)
        return _verify_invitation(ref, client_tokens)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if "/clientlinks/" in ref.native_ref:
            return _unlink(ref)
        return _remove_user(ref, client_tokens)

    # Client link (model C)

    def _link(self, tokens: TokenSet, request: GrantRequest, manager: str) -> GrantOutcome:
        agency = request.agency.tokens
        if agency is None or MANAGE_SCOPE not in agency.scopes:
            return _agency_must_connect(manager, request)
        account = request.asset.external_id
        native_ref = link_ref(manager, account)
        try:
            link = _client_link(agency, manager, account)
            if link is not None and link.get("Status") in LINK_ENDING:
                raise _still_unlinking()
            if link is None or link.get("Status") not in LINK_LIVE:
                _add_link(agency, manager, request)
                link = _client_link(agency, manager, account)
        except (TokenExpired, InsufficientRights):
            # The agency's sign-in is gone or cannot act for that customer: the agency can fix
            # it, the client cannot.
            return _agency_must_connect(manager, request)
        if link is None:  # accepted by the API, not listed yet: verify() reads it again
            return _link_state(native_ref, "LinkPending", request.native_role)
        if link.get("Status") == "LinkPending":
            link = _accept(tokens, link)
        return _link_state(native_ref, str(link.get("Status", "")), request.native_role)

    # User invitation (model B)

    def _invite(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        email = request.agency.email
        if not email:
            raise ConnectorError(
                _(
                    "The agency's Microsoft Advertising account has no e-mail address to invite. "
                    "Please tell your agency."
                )
            )
        customer = str(request.asset.parent_id or "")
        role = int(request.native_role)
        pending = _invitation_to(tokens, customer, email, role)
        if pending is None:
            first, last = _invitee_name(request.agency)
            answer = call(
                "POST",
                "UserInvitation/Send",
                tokens,
                {
                    "UserInvitation": {
                        "FirstName": first,
                        "LastName": last,
                        "Email": email,
                        "CustomerId": customer,
                        "RoleId": role,
                        # A customer-level role covers every account; the others name theirs.
                        "AccountIds": None if role == SUPER_ADMIN else [request.asset.external_id],
                        "Lcid": "EnglishUS",
                    }
                },
            )
            invitation_id = str(answer["UserInvitationId"])
        else:
            invitation_id = str(pending["Id"])
        return _invited(invitation_ref(customer, invitation_id), request.native_role, email)


# References kept with a grant


def link_ref(manager: str, account: str) -> str:
    """A client link has no id of its own: the manager customer and the account name it."""
    return f"customers/{manager}/clientlinks/{account}"


def invitation_ref(customer: str, invitation_id: str) -> str:
    return f"customers/{customer}/userinvitations/{invitation_id}"


def _ref_parts(native_ref: str) -> tuple[str, str]:
    parts = native_ref.split("/")
    return parts[1], parts[3]


# Listing


def _customer_numbers(
    tokens: TokenSet, roles: Sequence[Mapping[str, Any]], accounts: Iterable[Mapping[str, Any]]
) -> dict[str, str]:
    """The Number of each customer whose accounts the person may share: read once per customer,
    only there, the customers side by side (lib/parallel.py): one after another, a person
    sharing for several customers waits a round trip per customer."""
    sharing = [account for account in accounts if _role_of(roles, account) in SHARING_ROLES]
    customers = list(dict.fromkeys(_customer_of(account) for account in sharing))
    numbers = map_side_by_side(lambda customer: _customer_number(tokens, customer), customers)
    return dict(zip(customers, numbers, strict=True))


def _customer_number(tokens: TokenSet, customer: str) -> str:
    """The customer's Number, which a request to manage one of its accounts must name
    (ClientLink.ClientEntityCustomerNumber); the account search does not answer it."""
    answer = call("POST", "Customer/Query", tokens, {"CustomerId": customer})
    return str((answer.get("Customer") or {}).get("Number") or "")


def _asset(
    account: Mapping[str, Any],
    roles: Sequence[Mapping[str, Any]],
    customer_numbers: Mapping[str, str],
) -> Asset:
    account_id = str(account["Id"])
    customer = _customer_of(account)
    role = _role_of(roles, account)
    grantable = role in SHARING_ROLES
    return Asset(
        asset_type="ad_account",
        external_id=account_id,
        name=account.get("Name") or account.get("Number") or account_id,
        parent_id=customer,
        grantable=grantable,
        not_grantable_reason="" if grantable else _not_sharing_role(),
        metadata={
            "customer_id": customer,
            "customer_number": customer_numbers[customer] if grantable else "",
            "number": account.get("Number", ""),
            "role": role,
        },
    )


def _customer_of(account: Mapping[str, Any]) -> str:
    return str(account.get("ParentCustomerId") or "")


def _role_of(roles: Sequence[Mapping[str, Any]], account: Mapping[str, Any]) -> int | None:
    """The user's strongest role on an account Accounts/Search answered."""
    covering = _roles_covering(roles, _customer_of(account), str(account["Id"]))
    return strongest(role["RoleId"] for role in covering)


def strongest(role_ids: Iterable[int]) -> int | None:
    """The role with the most rights among these RoleIds."""
    return min(role_ids, key=lambda r: ROLE_RANK.index(r) if r in ROLE_RANK else 99, default=None)


def _roles_covering(
    roles: Sequence[Mapping[str, Any]], customer: str, account: str
) -> list[Mapping[str, Any]]:
    """The CustomerRoles giving access to an account of this customer. Ids are longs, which
    the REST API writes as JSON strings; a role without AccountIds (null, or an empty list
    for a Super Admin) covers all the customer's accounts."""
    return [
        role
        for role in roles
        if str(role.get("CustomerId")) == customer
        and (_customer_level(role) or account in {str(i) for i in role["AccountIds"]})
    ]


def _customer_level(role: Mapping[str, Any]) -> bool:
    return not role.get("AccountIds")


def _not_sharing_role() -> str:
    return _(
        "Only a Super Admin or a Standard User of this Microsoft Advertising account can share "
        "it. Ask one of them to do it, or to give you one of these roles."
    )


# Client links


def _equals(field: str, value: object) -> dict[str, str]:
    return {"Field": field, "Operator": "Equals", "Value": str(value)}


def _client_link(tokens: TokenSet, manager: str, account: str) -> dict[str, Any] | None:
    """The latest link between the manager customer and the account, seen by either side:
    the search answers the most recent link of each pair."""
    links = call(
        "POST",
        "ClientLinks/Search",
        tokens,
        {
            "Predicates": [_equals("ClientAccountId", account)],
            "Ordering": None,
            "PageInfo": LINKS_PAGE,
        },
    ).get("ClientLinks", [])
    return next((lk for lk in links if str(lk.get("ManagingCustomerId")) == manager), None)


def _add_link(agency: TokenSet, manager: str, request: GrantRequest) -> None:
    answer = call(
        "POST",
        "ClientLinks",
        agency,
        {
            "ClientLinks": [
                {
                    "Type": "AccountLink",
                    "ClientEntityId": request.asset.external_id,
                    # Required for an account link: the number of the account's customer.
                    "ClientEntityCustomerNumber": request.asset.metadata.get("customer_number"),
                    "ManagingCustomerId": manager,
                    # The client keeps paying Microsoft directly (required for account links).
                    "IsBillToClient": True,
                    "Name": request.asset.name[:LINK_NAME_LENGTH],
                    # The client accepts here at once; no e-mail about a request they just made.
                    "SuppressNotification": True,
                }
            ]
        },
        customer_id=manager,
    )
    refused = partial_errors(answer)
    if refused:
        raise ConnectorError(
            # Translators: %(reason)s is Microsoft Advertising's own explanation.
            _(
                "Microsoft Advertising refused the agency's request to manage this account: "
                "%(reason)s An account paid in advance (prepay) cannot be managed by an "
                "agency; one with a post-pay payment method can."
            )
            % {"reason": refused[0].get("Message", "")},
            platform_code=str(refused[0].get("Code")),
        )


def _accept(tokens: TokenSet, link: dict[str, Any]) -> dict[str, Any]:
    """The client's side: LinkAccepted is one of the two statuses a client may set."""
    try:
        answer = call(
            "PUT", "ClientLinks", tokens, {"ClientLinks": [link | {"Status": "LinkAccepted"}]}
        )
    except InsufficientRights:
        return link  # stays pending: a Super Admin accepts in Microsoft Advertising
    if partial_errors(answer):
        return link
    return link | {"Status": "LinkAccepted"}


def _link_state(native_ref: str, status: str, native_role: str = "") -> GrantOutcome:
    if status in LINK_ACTIVE:
        return GrantOutcome(
            GrantState.ACTIVE,
            native_ref=native_ref,
            native_role=native_role,
            message=_("Done: the agency now manages this Microsoft Advertising account."),
        )
    if status == "LinkPending":
        return GrantOutcome(
            GrantState.PENDING_CLIENT,
            native_ref=native_ref,
            native_role=native_role,
            message=_(
                "The agency's request to manage this Microsoft Advertising account is waiting "
                "for a Super Admin or Standard User of the account to accept it in Microsoft "
                "Advertising, where the request is shown when they sign in."
            ),
            next_action_url=microsoft_settings().ads_url,
        )
    if status in LINK_FINISHING:
        return GrantOutcome(
            GrantState.PENDING_REVIEW,
            native_ref=native_ref,
            native_role=native_role,
            message=_(
                "Accepted: Microsoft Advertising is finishing the link, which usually takes a "
                "few minutes."
            ),
            retry_after=15 * 60,
        )
    if status in LINK_FAILED:
        return GrantOutcome(
            GrantState.FAILED,
            native_ref=native_ref,
            native_role=native_role,
            message=_("The request to manage this Microsoft Advertising account was declined."),
        )
    return _revoked(native_ref)


def _verify_link(ref: GrantRef, client_tokens: TokenSet | None) -> GrantOutcome:
    manager, account = _ref_parts(ref.native_ref)
    tokens = ref.agency.tokens or client_tokens
    if tokens is None:
        raise _no_sign_in_to_check()
    link = _client_link(tokens, manager, account)
    return _link_state(ref.native_ref, str(link.get("Status", "")) if link else "", ref.native_role)


def _unlink(ref: GrantRef) -> GrantOutcome:
    """From the agency's side, the only one the API lets end a link: a request still waiting
    is canceled, an active link asked to end (Microsoft ends it shortly after)."""
    agency = ref.agency.tokens
    if agency is None:
        return GrantOutcome(
            GrantState.MANUAL_REQUIRED,
            native_ref=ref.native_ref,
            message=_(
                "AgencyAccess cannot end this link without the agency's Microsoft sign-in. The "
                "agency can connect it again, or end the link in Microsoft Advertising."
            ),
        )
    manager, account = _ref_parts(ref.native_ref)
    link = _client_link(agency, manager, account)
    status = str(link.get("Status", "")) if link else ""
    ending = "LinkCanceled" if status == "LinkPending" else "UnlinkRequested"
    if link and status in LINK_LIVE:
        answer = call(
            "PUT",
            "ClientLinks",
            agency,
            {"ClientLinks": [link | {"Status": ending}]},
            customer_id=manager,
        )
        refused = partial_errors(answer)
        if refused:
            raise ConnectorError(str(refused[0].get("Message", "")), permanent=False)
    return _revoked(ref.native_ref)


def _still_unlinking() -> ConnectorError:
    return ConnectorError(
        _(
            "Microsoft Advertising is still ending an earlier link between the agency and this "
            "account. Please try again in a few minutes."
        ),
        permanent=False,
    )


def _agency_must_connect(manager: str, request: GrantRequest) -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        native_role=request.native_role,
        # Translators: %(manager)s is the agency's Microsoft Advertising customer id.
        message=_(
            "The agency has not connected the Microsoft account that manages its customer "
            "%(manager)s, so the request to manage your account cannot be sent. The agency can "
            "connect it in AgencyAccess (Accounts, then Microsoft) and ask you to try again."
        )
        % {"manager": manager},
    )


# User invitations


def _invitation_to(tokens: TokenSet, customer: str, email: str, role: int) -> dict[str, Any] | None:
    """A pending, unexpired invitation of this address to the customer with this role: sending
    another would make two (granting is idempotent)."""
    return next(
        (
            invitation
            for invitation in _invitations(tokens, customer)
            if str(invitation.get("Email", "")).casefold() == email.casefold()
            and invitation.get("RoleId") == role
            and not _expired(invitation)
        ),
        None,
    )


def _invitations(tokens: TokenSet, customer: str) -> list[dict[str, Any]]:
    """The customer's invitations not accepted yet, expired ones included."""
    answer = call(
        "POST",
        "UserInvitations/Search",
        tokens,
        {"Predicates": [_equals("CustomerId", customer)]},
    )
    return answer.get("UserInvitations") or []


def _expired(invitation: Mapping[str, Any]) -> bool:
    expires = str(invitation.get("ExpirationDate") or "")
    if not expires:
        return False
    moment = datetime.fromisoformat(expires.replace("Z", "+00:00"))
    # The value is in UTC, with or without an offset written (userinvitation).
    return moment.replace(tzinfo=moment.tzinfo or UTC) < datetime.now(UTC)


def _invitee_name(agency: AgencyIdentity) -> tuple[str, str]:
    """The names the invitation greets (required by the API); the person who accepts signs in
    with their own Microsoft account, whatever these say."""
    name = (agency.tokens.name if agency.tokens else "") or ""
    first, _space, last = name.partition(" ")
    if first and last:
        return first, last
    local, _at, domain = agency.email.partition("@")
    return first or local, domain


def _invited(native_ref: str, native_role: str, email: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.PENDING_AGENCY,
        native_ref=native_ref,
        native_role=native_role,
        # Translators: %(email)s is the agency's address that received the invitation.
        message=_(
            "Microsoft Advertising sent an invitation to %(email)s. The agency accepts it from "
            "that e-mail within 30 days."
        )
        % {"email": email},
    )


def _verify_invitation(ref: GrantRef, client_tokens: TokenSet | None) -> GrantOutcome:
    customer, invitation_id = _ref_parts(ref.native_ref)
    agency = ref.agency.tokens
    if agency is not None and _agency_roles_on(agency, customer, ref.asset_id) is not None:
        return GrantOutcome(
            GrantState.ACTIVE,
            native_ref=ref.native_ref,
            native_role=ref.native_role,
            message=_("Done: the agency's user has access to this Microsoft Advertising account."),
        )
    if client_tokens is None:
        if agency is None:
            raise _no_sign_in_to_check()
        # The agency's person has no role there yet: the invitation waits for them.
        return _invited(ref.native_ref, ref.native_role, ref.agency.email)
    invitation = next(
        (i for i in _invitations(client_tokens, customer) if str(i.get("Id")) == invitation_id),
        None,
    )
    if invitation is None:
        # Accepted invitations leave the list. Without the agency's sign-in to confirm, gone
        # means accepted; with it (checked above), gone means withdrawn.
        return _revoked(ref.native_ref) if agency is not None else _accepted(ref)
    if _expired(invitation):
        return GrantOutcome(
            GrantState.FAILED,
            native_ref=ref.native_ref,
            native_role=ref.native_role,
            message=_(
                "The Microsoft Advertising invitation expired before the agency accepted it."
            ),
        )
    return _invited(ref.native_ref, ref.native_role, ref.agency.email)


def _accepted(ref: GrantRef) -> GrantOutcome:
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=ref.native_ref,
        native_role=ref.native_role,
        message=_("The agency accepted the Microsoft Advertising invitation."),
    )


def _agency_roles_on(
    agency: TokenSet, customer: str, account: str
) -> tuple[str, list[Mapping[str, Any]]] | None:
    """The agency's own user id and the roles it holds on the client's account, if any."""
    me = call("POST", "User/Query", agency, {"UserId": None})
    roles = _roles_covering(me.get("CustomerRoles") or [], customer, account)
    return (str(me["User"]["Id"]), roles) if roles else None


def _remove_user(ref: GrantRef, client_tokens: TokenSet | None) -> GrantOutcome:
    """An accepted invitation gave the agency's user a role in the client's customer, which
    the client's sign-in takes back with UpdateUserRoles: that touches this customer only,
    where DeleteUser would delete the user itself. A pending invitation has no API to withdraw
    it."""
    customer, _invitation = _ref_parts(ref.native_ref)
    agency = ref.agency.tokens
    held = _agency_roles_on(agency, customer, ref.asset_id) if agency else None
    if held is None or client_tokens is None:
        return GrantOutcome(
            GrantState.MANUAL_REQUIRED,
            native_ref=ref.native_ref,
            # Translators: %(email)s is the agency's address.
            message=_(
                "AgencyAccess cannot remove this access itself. In Microsoft Advertising, open "
                "Settings, then Account access, and remove %(email)s or withdraw its invitation."
            )
            % {"email": ref.agency.email},
        )
    require_scope(client_tokens)
    user, roles = held
    for role in roles:
        # A customer-level role is taken back from the customer, an account role from the
        # account (updateuserroles, Remarks).
        scope = (
            {"DeleteCustomerIds": [customer]}
            if _customer_level(role)
            else {"DeleteAccountIds": [ref.asset_id]}
        )
        call(
            "PUT",
            "UserRoles",
            client_tokens,
            {"CustomerId": customer, "UserId": user, "DeleteRoleId": role["RoleId"], **scope},
            customer_id=customer,
        )
    return _revoked(ref.native_ref)


def _revoked(native_ref: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.REVOKED,
        native_ref=native_ref,
        message=_("The agency no longer has access to this Microsoft Advertising account."),
    )


def _no_sign_in_to_check() -> TokenExpired:
    return TokenExpired(
        _(
            "Checking this access needs a Microsoft sign-in: the agency can connect its "
            "Microsoft Advertising account in AgencyAccess."
        )
    )


CONNECTORS: tuple[ServiceConnector, ...] = (MicrosoftAds(),)
