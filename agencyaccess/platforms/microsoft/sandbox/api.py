"""The sandbox's Customer Management API v13 (REST JSON): the operations the connector calls,
under their REST paths, with the rights checks the reference states for each
(docs/platforms/microsoft.md#calls)."""

import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from agencyaccess.platforms.microsoft.config import SANDBOX_DEVELOPER_TOKEN
from agencyaccess.platforms.microsoft.sandbox import contract, state, world
from agencyaccess.platforms.microsoft.sandbox.faults import (
    CLIENT_LINK_FIELD_INVALID,
    INVALID_PREDICATE,
    LINK_PAIR_MISMATCH,
    NAME_TOO_LONG,
    PAGE_INFO_INVALID,
    USER_IS_NOT_AUTHORIZED,
    USER_NOT_AUTHORIZED,
    Fault,
    operation_error,
)

MAX_LINKS_PER_CALL = 10
MAX_ACCOUNTS_PAGE, MAX_LINKS_PAGE = 1000, 100  # the largest PageInfo.Size of each (paging)
MAX_LINK_NAME = 40  # ClientLink.Name
UNLINKING = frozenset({"UnlinkPending", "UnlinkInProgress"})  # what Microsoft moves on its own
# What each side of a link may set: the agency cancels a request or asks to end a link; the
# client may only accept or decline (updateclientlinks).
AGENCY_MOVES = {"LinkPending": {"LinkCanceled"}, "Active": {"UnlinkRequested"}}
CLIENT_MOVES = {"LinkPending": {"LinkAccepted", "LinkDeclined"}}

Operation = Callable[[world.Person, dict[str, Any]], Mapping[str, Any]]


def operation(view: Operation) -> Callable[[HttpRequest], HttpResponse]:
    """Authenticate the call as the API does (Authorization and DeveloperToken headers), read
    its JSON body, and answer faults in the REST shape."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        checked = contract.exchange(request)  # against the service's WSDL, in tests
        return checked(answer(request))

    def answer(request: HttpRequest) -> HttpResponse:
        try:
            person = state.caller(
                request.headers.get("Authorization", "").removeprefix("Bearer "),
                request.headers.get("DeveloperToken", ""),
                SANDBOX_DEVELOPER_TOKEN,
            )
            try:
                body = json.loads(request.body or b"{}")
            except ValueError:
                raise Fault(100, "The request message is null.") from None
            if not isinstance(body, dict):
                raise Fault(100, "The request message is null.")
            return JsonResponse(dict(view(person, body)))
        except Fault as fault:
            return JsonResponse(fault.body(), status=fault.status)

    return wrapper


def roles_on(person: world.Person, customer_id: int, account_id: int | None = None) -> set[int]:
    return {
        role.role_id
        for role in state.roles_of(person)
        if role.customer_id == customer_id
        and (account_id is None or role.account_ids is None or account_id in role.account_ids)
    }


def may_share(person: world.Person, customer_id: int, account_id: int | None = None) -> bool:
    return bool(roles_on(person, customer_id, account_id) & world.SHARING_ROLES)


# Users and accounts ----------------------------------------------------------------------------


def user_json(person: world.Person) -> dict[str, Any]:
    """Longs (ids) are JSON strings in the REST API's answers; ints stay numbers."""
    return {
        "Id": str(person.user_id),
        "UserName": person.email,
        "ContactInfo": {"Email": person.email},
        "Name": {"FirstName": person.first_name, "LastName": person.last_name},
        "Lcid": "EnglishUS",
        "UserLifeCycleStatus": "Active",
        "TimeStamp": f"AAAAAA{person.user_id}",
    }


def customer_roles(person: world.Person) -> list[dict[str, Any]]:
    return [
        {
            "RoleId": role.role_id,
            "CustomerId": str(role.customer_id),
            "AccountIds": _account_ids(role),
            "LinkedAccountIds": None,
            "CustomerLinkPermission": None,
        }
        for role in state.roles_of(person)
    ]


def _account_ids(role: world.Role) -> list[str] | None:
    """A customer-level role has no AccountIds: null, or an empty list for a Super Admin (the
    reference says they are "not returned"; the sandbox answers both ways)."""
    if role.account_ids is not None:
        return [str(account) for account in role.account_ids]
    return [] if role.role_id == world.SUPER_ADMIN else None


@operation
def get_user(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """POST User/Query: null UserId is the caller; another user only for a Super Admin of a
    customer they belong to."""
    wanted = body.get("UserId")
    target = person if wanted is None else world.PEOPLE_BY_ID.get(int(wanted))
    if target is None or (target != person and not _administers(person, target)):
        raise Fault.of(USER_IS_NOT_AUTHORIZED)
    return {"User": user_json(target), "CustomerRoles": customer_roles(target)}


def _administers(admin: world.Person, target: world.Person) -> bool:
    return any(
        world.SUPER_ADMIN in roles_on(admin, role.customer_id) for role in state.roles_of(target)
    )


@operation
def update_user_roles(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """PUT UserRoles, deleting a role of a user of the customer: from the customer
    (DeleteCustomerIds) or from some of its accounts (DeleteAccountIds). Only a Super Admin or
    Standard User of the customer may; a Standard User not the Super Admin role."""
    customer = int(body.get("CustomerId") or 0)
    target = world.PEOPLE_BY_ID.get(int(body.get("UserId") or 0))
    role_id = body.get("DeleteRoleId")
    held = roles_on(person, customer)
    if (
        target is None
        or not roles_on(target, customer)
        or not held & world.SHARING_ROLES
        or (role_id == world.SUPER_ADMIN and world.SUPER_ADMIN not in held)
    ):
        raise Fault.of(USER_NOT_AUTHORIZED)
    if customer in {int(c) for c in body.get("DeleteCustomerIds") or []}:
        state.take_back_role(target, customer, role_id, None)
    if accounts := {int(a) for a in body.get("DeleteAccountIds") or []}:
        state.take_back_role(target, customer, role_id, accounts)
    return {"LastModifiedTime": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%f")}


@operation
def get_customer(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """POST Customer/Query: a customer the caller has a role in, with its Number."""
    customer = int(body.get("CustomerId") or 0)
    if customer not in world.CUSTOMERS or not roles_on(person, customer):
        raise Fault.of(USER_IS_NOT_AUTHORIZED)
    return {
        "Customer": {
            "Id": str(customer),
            "Name": world.CUSTOMERS[customer],
            "Number": world.CUSTOMER_NUMBERS[customer],
            "CustomerLifeCycleStatus": "Active",
        }
    }


@operation
def search_accounts(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """POST Accounts/Search with a UserId predicate: the accounts that user has a role on."""
    predicate = _predicate(body, "UserId")
    _page_size(body, MAX_ACCOUNTS_PAGE)
    if int(predicate) != person.user_id:
        raise Fault.of(USER_IS_NOT_AUTHORIZED)
    accounts = [
        account
        for account in world.ACCOUNTS.values()
        if roles_on(person, account.customer_id, account.id)
    ]
    return {
        "Accounts": [
            {
                "Id": str(account.id),
                "Name": account.name,
                "Number": account.number,
                "ParentCustomerId": str(account.customer_id),
                "AccountLifeCycleStatus": "Active",
                "CurrencyCode": "EUR",
            }
            for account in accounts
        ]
    }


def _predicate(body: Mapping[str, Any], field: str) -> str:
    """The value searched for; every predicate the connector sends is an Equals one (the only
    operator some fields take, predicate Remarks)."""
    for predicate in body.get("Predicates") or []:
        if predicate.get("Field") == field:
            if predicate.get("Operator") != "Equals":
                raise Fault.of(INVALID_PREDICATE)
            return str(predicate.get("Value", ""))
    raise Fault(474, "Required search predicate is missing.")


def _page_size(body: Mapping[str, Any], maximum: int) -> None:
    size = (body.get("PageInfo") or {}).get("Size")
    if not isinstance(size, int) or not 0 < size <= maximum:
        raise Fault.of(PAGE_INFO_INVALID)


# Client links ----------------------------------------------------------------------------------


@operation
def add_client_links(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """POST ClientLinks: the agency asks to manage accounts; each starts LinkPending."""
    links = body.get("ClientLinks") or []
    if not links or len(links) > MAX_LINKS_PER_CALL:
        raise Fault(100, "Between 1 and 10 client links are required.")
    partial: list[list[dict[str, Any]] | None] = []
    for link in links:
        managing = int(link.get("ManagingCustomerId") or 0)
        if not may_share(person, managing):
            raise Fault.of(USER_NOT_AUTHORIZED)
        account = world.ACCOUNTS.get(int(link.get("ClientEntityId") or 0))
        if account is None or link.get("IsBillToClient") is None:
            partial.append([operation_error(USER_IS_NOT_AUTHORIZED)])
            continue
        if refused := _link_field_refused(link, account):
            partial.append([operation_error(refused)])
            continue
        state.save_link(
            {
                "Type": link.get("Type") or "AccountLink",
                "ClientEntityId": account.id,
                "ClientEntityCustomerNumber": link["ClientEntityCustomerNumber"],
                "ClientEntityNumber": account.number,
                "ClientEntityName": account.name,
                "ManagingCustomerId": managing,
                "ManagingCustomerName": world.CUSTOMERS.get(managing, ""),
                "Name": link.get("Name"),
                "Note": link.get("Note"),
                "InviterEmail": person.email,
                "InviterName": person.name,
                "IsBillToClient": link["IsBillToClient"],
                "SuppressNotification": bool(link.get("SuppressNotification")),
                "Status": "LinkPending",
                "LastModifiedByUserId": person.user_id,
            }
        )
        partial.append(None)
    return {"OperationErrors": [], "PartialErrors": partial}


def _link_field_refused(link: Mapping[str, Any], account: world.Account) -> tuple[int, str] | None:
    """An account link names the account's customer by Number, and its Name has at most 40
    characters (clientlink)."""
    number = link.get("ClientEntityCustomerNumber")
    if not number:
        return CLIENT_LINK_FIELD_INVALID
    if number != world.CUSTOMER_NUMBERS[account.customer_id]:
        return LINK_PAIR_MISMATCH
    if len(link.get("Name") or "") > MAX_LINK_NAME:
        return NAME_TOO_LONG
    return None


@operation
def search_client_links(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """POST ClientLinks/Search by ClientAccountId: the latest link of each managing customer,
    for the client's sharers and the managing customers' alike."""
    account = world.ACCOUNTS.get(int(_predicate(body, "ClientAccountId") or 0))
    _page_size(body, MAX_LINKS_PAGE)
    if account is None:
        return {"ClientLinks": []}
    client_side = may_share(person, account.customer_id, account.id)
    return {
        "ClientLinks": [
            state.public(link)
            for link in state.links_of_account(account.id)
            if client_side or may_share(person, link["ManagingCustomerId"])
        ]
    }


@operation
def update_client_links(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """PUT ClientLinks: each side moves a link only the ways the reference allows."""
    partial: list[list[dict[str, Any]] | None] = []
    for sent in body.get("ClientLinks") or []:
        managing = int(sent.get("ManagingCustomerId") or 0)
        account = world.ACCOUNTS.get(int(sent.get("ClientEntityId") or 0))
        link = state.link_of(managing, account.id) if account else None
        if link is None or account is None:
            partial.append([operation_error(USER_IS_NOT_AUTHORIZED)])
            continue
        if may_share(person, managing):
            allowed = AGENCY_MOVES.get(link["Status"], set())
        elif may_share(person, account.customer_id, account.id):
            allowed = CLIENT_MOVES.get(link["Status"], set())
        else:
            raise Fault.of(USER_NOT_AUTHORIZED)
        if sent.get("Status") not in allowed:
            partial.append([operation_error(USER_NOT_AUTHORIZED)])
            continue
        state.save_link(link | {"Status": sent["Status"], "LastModifiedByUserId": person.user_id})
        partial.append(None)
    return {"OperationErrors": [], "PartialErrors": partial}


# User invitations ------------------------------------------------------------------------------


@operation
def send_user_invitation(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """POST UserInvitation/Send: a Super Admin or Standard User invites; a Standard User cannot
    invite a Super Admin."""
    invitation = body.get("UserInvitation") or {}
    customer = int(invitation.get("CustomerId") or 0)
    role = invitation.get("RoleId")
    held = roles_on(person, customer)
    if not held & world.SHARING_ROLES or (
        role == world.SUPER_ADMIN and world.SUPER_ADMIN not in held
    ):
        raise Fault.of(USER_NOT_AUTHORIZED)
    for required in ("FirstName", "LastName", "Email", "RoleId", "Lcid"):
        if not invitation.get(required):
            raise Fault(100, f"UserInvitation.{required} is required.")
    number = state.add_invitation(
        {
            "FirstName": invitation["FirstName"],
            "LastName": invitation["LastName"],
            "Email": invitation["Email"],
            "CustomerId": customer,
            "RoleId": role,
            # A customer-level role ignores AccountIds (userinvitation).
            "AccountIds": None
            if role == world.SUPER_ADMIN
            else [int(a) for a in invitation.get("AccountIds") or []],
            "Lcid": invitation["Lcid"],
        }
    )
    return {"UserInvitationId": str(number)}


@operation
def search_user_invitations(person: world.Person, body: dict[str, Any]) -> Mapping[str, Any]:
    """POST UserInvitations/Search by CustomerId: pending invitations, expired ones included;
    accepted ones are gone."""
    customer = int(_predicate(body, "CustomerId") or 0)
    if not may_share(person, customer):
        raise Fault.of(USER_NOT_AUTHORIZED)
    return {"UserInvitations": [_invitation_json(i) for i in state.invitations_of(customer)]}


def _invitation_json(invitation: Mapping[str, Any]) -> dict[str, Any]:
    """Longs as strings; ExpirationDate in UTC written without an offset, as a .NET date
    comes out (the reference says UTC and shows no format)."""
    return dict(invitation) | {
        "Id": str(invitation["Id"]),
        "CustomerId": str(invitation["CustomerId"]),
        "AccountIds": None
        if invitation["AccountIds"] is None
        else [str(a) for a in invitation["AccountIds"]],
        "ExpirationDate": invitation["ExpirationDate"].removesuffix("Z"),
    }


# Test hooks: what people do in Microsoft Advertising's own pages -------------------------------


@csrf_exempt
def accept_invitation(request: HttpRequest, number: int, person_key: str) -> JsonResponse:
    """The invitee follows the e-mail's link and signs in as this person."""
    person = world.PEOPLE.get(person_key)
    accepted = person is not None and state.accept_invitation(number, person)
    return JsonResponse({"success": accepted}, status=200 if accepted else 404)


@csrf_exempt
def unlinking(request: HttpRequest, managing: int, account: int, status: str) -> JsonResponse:
    """Microsoft works on an unlink: the link is UnlinkPending, then UnlinkInProgress."""
    link = state.link_of(managing, account)
    if link is None or status not in UNLINKING:
        return JsonResponse({"success": False}, status=404)
    state.save_link(link | {"Status": status})
    return JsonResponse({"success": True})


@csrf_exempt
def expire_invitation(request: HttpRequest, number: int) -> JsonResponse:
    expired = state.expire_invitation(number)
    return JsonResponse({"success": expired}, status=200 if expired else 404)
