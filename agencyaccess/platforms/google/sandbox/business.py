"""The fake Business Profile APIs: Account Management v1 (accounts, location admins,
invitations) and Business Information v1 (locations), docs/platforms/google.md#business-profile.

An admin added to a location is a pending invitation until the invitee accepts it, from the
invitee's own account (accounts.invitations). Owners add and remove admins; managers cannot.
"""

from typing import Any

from django.http import HttpRequest

from agencyaccess.platforms.google import scopes
from agencyaccess.platforms.google.sandbox import state, world
from agencyaccess.platforms.google.sandbox.endpoint import (
    already_exists,
    by_method,
    denied,
    google_api,
    invalid,
    json_body,
    not_found,
    page,
)
from agencyaccess.platforms.google.sandbox.world import FakeUser

MANAGE = frozenset({scopes.BUSINESS_MANAGE})
OWNERS = frozenset({"PRIMARY_OWNER", "OWNER"})
INVITABLE_ROLES = frozenset({"OWNER", "MANAGER", "SITE_MANAGER"})
accounts_api = google_api(product="mybusinessaccountmanagement", scopes=MANAGE)
information_api = google_api(product="mybusinessbusinessinformation", scopes=MANAGE)


@accounts_api
def accounts(request: HttpRequest, caller: FakeUser) -> dict:
    mine = [
        {
            "name": name,
            "accountName": data["accountName"],
            "type": data["type"],
            "role": data["members"][caller.email],
            "verificationState": "VERIFIED",
        }
        for name, data in state.find("gbp_account")
        if caller.email in data["members"]
    ]
    return page(request, mine, "accounts", default_size=20)


@information_api
def locations(request: HttpRequest, caller: FakeUser, account_id: str) -> dict:
    account = state.get("gbp_account", f"accounts/{account_id}")
    if account is None or caller.email not in account["members"]:
        raise denied()
    fields = [f.strip() for f in request.GET.get("readMask", "").split(",") if f.strip()]
    if not fields:
        raise invalid("Request must contain a valid read mask.")
    found = [
        {field: value for field, value in ({"name": name} | data).items() if field in fields}
        for name, data in state.find("gbp_location", account=f"accounts/{account_id}")
    ]
    return page(request, found, "locations", default_size=10)


@accounts_api
def list_admins(request: HttpRequest, caller: FakeUser, location_id: str) -> dict:
    location = f"locations/{location_id}"
    if _role(caller, location) is None:
        raise denied()
    return {"admins": [_admin(k, a) for k, a in state.find("gbp_admin", location=location)]}


@accounts_api
def create_admin(request: HttpRequest, caller: FakeUser, location_id: str) -> dict:
    location = _owned(caller, location_id)
    body = json_body(request)
    email, role = body.get("admin", "").lower(), body.get("role", "")
    if "@" not in email or role not in INVITABLE_ROLES:
        raise invalid("Invalid admin or role.")
    if state.find("gbp_admin", location=location, admin=email):
        raise already_exists(f"{email} is already an admin of {location}.")
    name = f"{location}/admins/{state.new_id()}"
    admin = {"location": location, "admin": email, "role": role, "pendingInvitation": True}
    state.put("gbp_admin", name, admin)
    return _admin(name, admin)


@accounts_api
def delete_admin(request: HttpRequest, caller: FakeUser, location_id: str, admin_id: str) -> dict:
    location = _owned(caller, location_id)
    if not state.delete("gbp_admin", f"{location}/admins/{admin_id}"):
        raise not_found()
    return {}


@accounts_api
def invitations(request: HttpRequest, caller: FakeUser, account_id: str) -> dict:
    """Pending location invitations of the account's person, named by location title and
    address only, as Google does (TargetLocation)."""
    account = _own_account(caller, account_id)
    found = []
    for name, admin in state.find("gbp_admin", admin=caller.email, pendingInvitation=True):
        location = state.get("gbp_location", admin["location"]) or {}
        found.append(
            {
                "name": f"{account}/invitations/{name.rpartition('/')[2]}",
                "role": admin["role"],
                "targetType": "LOCATIONS_ONLY",
                "targetLocation": {
                    "locationName": location.get("title", ""),
                    "address": ", ".join(
                        location.get("storefrontAddress", {}).get("addressLines", [])
                    ),
                },
            }
        )
    return {"invitations": found} if found else {}


@accounts_api
def accept_invitation(
    request: HttpRequest, caller: FakeUser, account_id: str, invitation_id: str
) -> dict:
    _own_account(caller, account_id)
    found = [
        (name, admin)
        for name, admin in state.find("gbp_admin", admin=caller.email, pendingInvitation=True)
        if name.endswith(f"/admins/{invitation_id}")
    ]
    if not found:
        raise not_found()
    accept(*found[0])
    return {}


admins = by_method(GET=list_admins, POST=create_admin)


def accept(name: str, admin: dict[str, Any]) -> None:
    state.put("gbp_admin", name, admin | {"pendingInvitation": False})


def _role(caller: FakeUser, location: str) -> str | None:
    """The caller's role on a location: as its admin, or through its account."""
    data = state.get("gbp_location", location)
    if data is None:
        raise not_found()
    account = state.get("gbp_account", data["account"]) or {"members": {}}
    admins = state.find("gbp_admin", location=location, admin=caller.email, pendingInvitation=False)
    return admins[0][1]["role"] if admins else account["members"].get(caller.email)


def _owned(caller: FakeUser, location_id: str) -> str:
    location = f"locations/{location_id}"
    if _role(caller, location) not in OWNERS:
        raise denied("Only owners can add or remove admins.")
    return location


def _own_account(caller: FakeUser, account_id: str) -> str:
    name = f"accounts/{account_id}"
    account = state.get("gbp_account", name)
    if account is None or caller.email not in account["members"]:
        raise denied()
    return name


def _admin(name: str, admin: dict[str, Any]) -> dict[str, Any]:
    """As Google shows it: `admin` is the invitee's e-mail only while the invitation is pending;
    once accepted it is the person's name (docs/platforms/google.md#business-profile). The
    e-mail stays in the record, where the sandbox finds the invitee's own rows."""
    return {
        "name": name,
        "admin": admin["admin"] if admin["pendingInvitation"] else _display_name(admin["admin"]),
        "role": admin["role"],
        "pendingInvitation": admin["pendingInvitation"],
    }


def _display_name(email: str) -> str:
    user = world.USERS_BY_EMAIL.get(email)
    return user.name if user else email.split("@")[0].replace(".", " ").title()
