"""The fake Google Ads API (REST): accessible customers, GAQL search, manager links, user
invitations and user accesses (docs/platforms/google.md#google-ads,
docs/platforms/README.md#sandboxes).

Access follows the real rules: a call acts through the `login-customer-id` account (the path's
account when absent), which the caller must be a user of, and the path's account must be that
account or one it manages through ACTIVE links. Changing users or links takes an ADMIN.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from agencyaccess.platforms.google import scopes
from agencyaccess.platforms.google.config import SANDBOX_TEST_LEVEL_DEVELOPER_TOKEN
from agencyaccess.platforms.google.sandbox import gaql, state
from agencyaccess.platforms.google.sandbox.endpoint import (
    Problem,
    denied,
    google_api,
    invalid,
    json_body,
)
from agencyaccess.platforms.google.sandbox.world import FakeUser

ADS_SCOPES = frozenset({scopes.ADWORDS})
ROLES = frozenset({"ADMIN", "STANDARD", "READ_ONLY", "EMAIL_ONLY"})
# Multi-party approval leaves read-only roles alone (docs/platforms/google.md#user-invitation).
MPA_EXEMPT = frozenset({"READ_ONLY", "EMAIL_ONLY"})
# (from, to) link status changes each side may make (ManagerLinkStatus).
MANAGER_MOVES = frozenset({("PENDING", "CANCELED"), ("ACTIVE", "INACTIVE")})
CLIENT_MOVES = frozenset({("PENDING", "ACTIVE"), ("PENDING", "REFUSED"), ("ACTIVE", "INACTIVE")})

api = google_api(product="googleads", scopes=ADS_SCOPES)


@api
def list_accessible_customers(request: HttpRequest, caller: FakeUser, version: str) -> dict:
    _require_developer_token(request)
    ids = sorted({user["customer"] for _, user in state.find("ads_user", email=caller.email)})
    return {"resourceNames": [f"customers/{cid}" for cid in ids]}


@google_api(product="googleads", scopes=ADS_SCOPES, changes=False)
def search(request: HttpRequest, caller: FakeUser, version: str, customer_id: str) -> dict:
    _access(request, caller, customer_id)
    try:
        query = gaql.parse(json_body(request).get("query", ""))
        rows_of = ROWS.get(query.resource)
        if rows_of is None:
            raise gaql.QueryError(f"Invalid resource: {query.resource}")
        results = gaql.run(query, rows_of(customer_id))
    except gaql.QueryError as e:
        raise invalid(str(e), ads_error={"queryError": "BAD_RESOURCE_TYPE_IN_FROM_CLAUSE"}) from e
    # A FieldMask in JSON is camelCase: customer.descriptiveName (protobuf JSON mapping).
    answer: dict[str, Any] = {"fieldMask": ",".join(map(gaql.camel_path, query.fields))}
    if results:  # proto3 JSON leaves an empty list out
        answer["results"] = results
    return answer


@api
def customer_client_links(
    request: HttpRequest, caller: FakeUser, version: str, customer_id: str
) -> dict:
    """The manager's side: ask to manage an account, or end that request or link."""
    _access(request, caller, customer_id, admin=True)
    operation = json_body(request).get("operation", {})
    if "create" in operation:
        return {"result": {"resourceName": _request_link(customer_id, operation["create"])}}
    if "update" in operation:
        update = operation["update"]
        _move_link(customer_id, update, side="manager")
        return {"result": {"resourceName": update["resourceName"]}}
    raise invalid()


@api
def customer_manager_links(
    request: HttpRequest, caller: FakeUser, version: str, customer_id: str
) -> dict:
    """The managed account's side: accept, refuse or end a link. One operation per call."""
    _access(request, caller, customer_id, admin=True)
    operations = json_body(request).get("operations", [])
    if len(operations) != 1 or "update" not in operations[0]:
        raise invalid("Exactly one update operation is supported.")
    update = operations[0]["update"]
    _move_link(customer_id, update, side="client")
    return {"results": [{"resourceName": update["resourceName"]}]}


@api
def user_access_invitations(
    request: HttpRequest, caller: FakeUser, version: str, customer_id: str
) -> dict:
    _access(request, caller, customer_id, admin=True)
    operation = json_body(request).get("operation", {})
    if "create" in operation:
        return {"result": _invite(customer_id, operation["create"], caller)}
    if "remove" in operation:
        invitation_id = operation["remove"].rpartition("/")[2]
        if not state.delete("ads_invitation", f"{customer_id}/{invitation_id}"):
            raise invalid(
                "Invalid invitation ID.",
                ads_error={"accessInvitationError": "INVALID_INVITATION_ID"},
            )
        return {"result": {"resourceName": operation["remove"]}}
    raise invalid()


@api
def user_accesses(request: HttpRequest, caller: FakeUser, version: str, customer_id: str) -> dict:
    _access(request, caller, customer_id, admin=True)
    name = json_body(request).get("operation", {}).get("remove", "")
    if not state.delete("ads_user", f"{customer_id}/{name.rpartition('/')[2]}"):
        raise invalid(
            "The user access was not found.", ads_error={"mutateError": "RESOURCE_NOT_FOUND"}
        )
    return {"result": {"resourceName": name}}


def create_invitation(customer_id: str, email: str, role: str) -> str:
    invitation_id = state.new_id()
    state.put(
        "ads_invitation",
        f"{customer_id}/{invitation_id}",
        {
            "customer": customer_id,
            "invitation_id": invitation_id,
            "email": email,
            "role": role,
            "status": "PENDING",
        },
    )
    return f"customers/{customer_id}/customerUserAccessInvitations/{invitation_id}"


def add_user(customer_id: str, email: str, role: str) -> None:
    user_id = state.new_id()
    state.put(
        "ads_user",
        f"{customer_id}/{user_id}",
        {"customer": customer_id, "user_id": user_id, "email": email, "role": role},
    )


def customer_name(customer_id: str) -> str:
    customer = state.get("ads_customer", customer_id)
    return customer["name"] if customer else customer_id


def role_of(customer_id: str, email: str) -> str | None:
    found = state.find("ads_user", customer=customer_id, email=email)
    return found[0][1]["role"] if found else None


def _require_developer_token(request: HttpRequest) -> None:
    if not request.headers.get("developer-token"):
        raise Problem(
            401,
            "UNAUTHENTICATED",
            "The developer token is not on the request.",
            ads_error={"authenticationError": "DEVELOPER_TOKEN_PARAMETER_MISSING"},
        )


def _require_approved_token(request: HttpRequest, customer_id: str) -> None:
    """A test-level developer token reaches test accounts only, and the sandbox has none
    (developers.google.com/google-ads/api/docs/api-policy/access-levels)."""
    if request.headers.get("developer-token") == SANDBOX_TEST_LEVEL_DEVELOPER_TOKEN:
        raise denied(
            "The developer token is only approved for use with test accounts. To access "
            "non-test accounts, apply for Basic or Standard access.",
            ads_error={"authorizationError": "DEVELOPER_TOKEN_NOT_APPROVED"},
        )


def _access(
    request: HttpRequest, caller: FakeUser, customer_id: str, *, admin: bool = False
) -> None:
    _require_developer_token(request)
    _require_approved_token(request, customer_id)
    login = request.headers.get("login-customer-id", customer_id)
    role = role_of(login, caller.email)
    if role is None or customer_id not in _hierarchy(login):
        raise denied(
            "User doesn't have permission to access customer. Note: If you're accessing a client "
            "customer, the manager's customer id must be set in the 'login-customer-id' header.",
            ads_error={"authorizationError": "USER_PERMISSION_DENIED"},
        )
    if admin and role != "ADMIN":
        raise denied(
            "The user does not have permission to perform this action.",
            ads_error={"authorizationError": "ACTION_NOT_PERMITTED"},
        )


def _hierarchy(root: str) -> dict[str, int]:
    """The account and every account it manages through ACTIVE links, with their level."""
    levels = {root: 0}
    frontier = [root]
    while frontier:
        manager = frontier.pop()
        for _, link in state.find("ads_link", manager=manager, status="ACTIVE"):
            if link["client"] not in levels:
                levels[link["client"]] = levels[manager] + 1
                frontier.append(link["client"])
    return levels


def _request_link(manager: str, create: dict[str, Any]) -> str:
    client = create.get("clientCustomer", "").removeprefix("customers/")
    if state.get("ads_customer", client) is None:
        raise invalid(
            "The client customer was not found.", ads_error={"mutateError": "RESOURCE_NOT_FOUND"}
        )
    if client in _hierarchy(manager):
        raise invalid(
            "Client is already managed in hierarchy.",
            ads_error={"customerClientLinkError": "CLIENT_ALREADY_MANAGED_IN_HIERARCHY"},
        )
    if state.find("ads_link", manager=manager, client=client, status="PENDING"):
        raise invalid(
            "Client is already invited by this manager.",
            ads_error={"customerClientLinkError": "CLIENT_ALREADY_INVITED_BY_THIS_MANAGER"},
        )
    link_id = state.new_id()
    state.put(
        "ads_link",
        f"{manager}/{client}/{link_id}",
        {"manager": manager, "client": client, "link_id": link_id, "status": "PENDING"},
    )
    return f"customers/{manager}/customerClientLinks/{client}~{link_id}"


def _move_link(customer_id: str, update: dict[str, Any], *, side: str) -> None:
    """customers/<manager>/customerClientLinks/<client>~<id> on the manager's side,
    customers/<client>/customerManagerLinks/<manager>~<id> on the client's."""
    parts = update.get("resourceName", "").split("/")
    if len(parts) != 4 or parts[1] != customer_id:
        raise invalid(
            "Malformed resource name.", ads_error={"requestError": "RESOURCE_NAME_MALFORMED"}
        )
    other, _, link_id = parts[3].partition("~")
    manager, client = (customer_id, other) if side == "manager" else (other, customer_id)
    key = f"{manager}/{client}/{link_id}"
    link = state.get("ads_link", key)
    moves = MANAGER_MOVES if side == "manager" else CLIENT_MOVES
    if link is None or (link["status"], update.get("status")) not in moves:
        raise invalid(
            "Invalid status change for the link.",
            ads_error={"managerLinkError": "INVALID_STATUS_CHANGE"},
        )
    state.put("ads_link", key, link | {"status": update["status"]})


def _invite(customer_id: str, create: dict[str, Any], caller: FakeUser) -> dict[str, str]:
    email, role = create.get("emailAddress", "").lower(), create.get("accessRole", "")
    if "@" not in email or role not in ROLES:
        raise invalid(
            "The email address is invalid for sending an invitation.",
            ads_error={"accessInvitationError": "INVALID_EMAIL_ADDRESS"},
        )
    if state.find("ads_user", customer=customer_id, email=email):
        raise invalid(
            "Email address already has access to this customer.",
            ads_error={"accessInvitationError": "EMAIL_ADDRESS_ALREADY_HAS_ACCESS"},
        )
    if state.find("ads_invitation", customer=customer_id, email=email, status="PENDING") or (
        state.find("ads_review", customer=customer_id, email=email)
    ):
        raise invalid(
            "Email address already has a pending invitation.",
            ads_error={"accessInvitationError": "EMAIL_ADDRESS_ALREADY_HAS_PENDING_INVITATION"},
        )
    customer = state.get("ads_customer", customer_id) or {}
    if customer.get("mpa") and role not in MPA_EXEMPT:
        review_id = state.new_id()
        state.put(
            "ads_review",
            f"{customer_id}/{review_id}",
            {
                "customer": customer_id,
                "review_id": review_id,
                "email": email,
                "role": role,
                "requested_by": caller.email,
            },
        )
        return {
            "multiPartyAuthReview": f"customers/{customer_id}/multiPartyAuthReviews/{review_id}"
        }
    return {"resourceName": create_invitation(customer_id, email, role)}


def _customer_rows(customer_id: str) -> list[dict[str, Any]]:
    customer = state.get("ads_customer", customer_id) or {}
    return [
        {
            "customer.resource_name": f"customers/{customer_id}",
            "customer.id": customer_id,
            "customer.descriptive_name": customer.get("name", ""),
            "customer.manager": customer.get("manager", False),
            "customer.test_account": False,
            "customer.status": "ENABLED",
            "customer.currency_code": "EUR",
        }
    ]


def _customer_client_rows(customer_id: str) -> list[dict[str, Any]]:
    rows = []
    for client, level in _hierarchy(customer_id).items():
        customer = state.get("ads_customer", client) or {}
        rows.append(
            {
                "customer_client.resource_name": f"customers/{customer_id}/customerClients/{client}",
                "customer_client.client_customer": f"customers/{client}",
                "customer_client.id": client,
                "customer_client.descriptive_name": customer.get("name", ""),
                "customer_client.level": str(level),
                "customer_client.manager": customer.get("manager", False),
                "customer_client.status": "ENABLED",
            }
        )
    return rows


def _user_rows(customer_id: str) -> list[dict[str, Any]]:
    return [
        {
            "customer_user_access.resource_name": f"customers/{customer_id}/customerUserAccesses/{user['user_id']}",
            "customer_user_access.user_id": user["user_id"],
            "customer_user_access.email_address": user["email"],
            "customer_user_access.access_role": user["role"],
            "customer_user_access.inviter_user_email_address": user.get("inviter", ""),
        }
        for _, user in state.find("ads_user", customer=customer_id)
    ]


def _invitation_rows(customer_id: str) -> list[dict[str, Any]]:
    prefix = "customer_user_access_invitation."
    return [
        {
            prefix
            + "resource_name": f"customers/{customer_id}/customerUserAccessInvitations/{i['invitation_id']}",
            prefix + "invitation_id": i["invitation_id"],
            prefix + "email_address": i["email"],
            prefix + "access_role": i["role"],
            prefix + "invitation_status": i["status"],
        }
        for _, i in state.find("ads_invitation", customer=customer_id)
    ]


def _client_link_rows(customer_id: str) -> list[dict[str, Any]]:
    return [
        {
            "customer_client_link.resource_name": f"customers/{customer_id}/customerClientLinks/{link['client']}~{link['link_id']}",
            "customer_client_link.client_customer": f"customers/{link['client']}",
            "customer_client_link.manager_link_id": link["link_id"],
            "customer_client_link.status": link["status"],
            "customer_client_link.hidden": False,
        }
        for _, link in state.find("ads_link", manager=customer_id)
    ]


def _manager_link_rows(customer_id: str) -> list[dict[str, Any]]:
    return [
        {
            "customer_manager_link.resource_name": f"customers/{customer_id}/customerManagerLinks/{link['manager']}~{link['link_id']}",
            "customer_manager_link.manager_customer": f"customers/{link['manager']}",
            "customer_manager_link.manager_link_id": link["link_id"],
            "customer_manager_link.status": link["status"],
        }
        for _, link in state.find("ads_link", client=customer_id)
    ]


ROWS: dict[str, Callable[[str], list[dict[str, Any]]]] = {
    "customer": _customer_rows,
    "customer_client": _customer_client_rows,
    "customer_user_access": _user_rows,
    "customer_user_access_invitation": _invitation_rows,
    "customer_client_link": _client_link_rows,
    "customer_manager_link": _manager_link_rows,
}
