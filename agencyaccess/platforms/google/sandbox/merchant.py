"""The fake Merchant API (accounts/v1): accounts and their users
(docs/platforms/google.md#merchant-center).

A new user is PENDING until they accept the e-mailed invitation (the sandbox inbox), then
VERIFIED; only verified users see the account, only administrators manage its users.
"""

from typing import Any

from django.http import HttpRequest

from agencyaccess.platforms.google import scopes
from agencyaccess.platforms.google.sandbox import state
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

ACCESS_RIGHTS = frozenset(
    {"STANDARD", "READ_ONLY", "ADMIN", "PERFORMANCE_REPORTING", "API_DEVELOPER"}
)
api = google_api(product="merchantapi", scopes=frozenset({scopes.CONTENT}))


@api
def accounts(request: HttpRequest, caller: FakeUser) -> dict:
    mine = [
        {
            "name": f"accounts/{account_id}",
            "accountId": account_id,
            "accountName": data["accountName"],
            "timeZone": {"id": "Europe/Amsterdam"},
            "languageCode": "en",
        }
        for account_id, data in state.find("merchant_account")
        if _verified_user(account_id, caller.email)
    ]
    return page(request, mine, "accounts", default_size=250)


@api
def create_user(request: HttpRequest, caller: FakeUser, account_id: str) -> dict:
    _require_admin(caller, account_id)
    email = request.GET.get("userId", "").lower()
    rights = json_body(request).get("accessRights", [])
    if "@" not in email or not rights or not set(rights) <= ACCESS_RIGHTS:
        raise invalid("Invalid user id or access rights.")
    if state.get("merchant_user", f"{account_id}/{email}"):
        raise already_exists(f"User {email} already exists in account {account_id}.")
    user = {"account": account_id, "email": email, "state": "PENDING", "accessRights": rights}
    state.put("merchant_user", f"{account_id}/{email}", user)
    return _user(user)


@api
def get_user(request: HttpRequest, caller: FakeUser, account_id: str, email: str) -> dict:
    if not _verified_user(account_id, caller.email):
        raise denied()
    user = state.get("merchant_user", f"{account_id}/{_who(email, caller)}")
    if user is None:
        raise not_found()
    return _user(user)


@api
def delete_user(request: HttpRequest, caller: FakeUser, account_id: str, email: str) -> dict:
    _require_admin(caller, account_id)
    key = f"{account_id}/{_who(email, caller)}"
    user = state.get("merchant_user", key)
    if user is None:
        raise not_found()
    admins = [
        u
        for _, u in state.find("merchant_user", account=account_id)
        if "ADMIN" in u["accessRights"]
    ]
    if admins == [user]:
        raise invalid("The last admin of an account cannot be deleted.")
    state.delete("merchant_user", key)
    return {}


user = by_method(GET=get_user, DELETE=delete_user)


def _who(email: str, caller: FakeUser) -> str:
    """`me` stands for the caller (accounts.users.get)."""
    return caller.email if email == "me" else email.lower()


def _verified_user(account_id: str, email: str) -> dict[str, Any] | None:
    user = state.get("merchant_user", f"{account_id}/{email}")
    return user if user and user["state"] == "VERIFIED" else None


def _require_admin(caller: FakeUser, account_id: str) -> None:
    user = _verified_user(account_id, caller.email)
    if user is None or "ADMIN" not in user["accessRights"]:
        raise denied("The caller does not have access rights to manage users.")


def _user(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": f"accounts/{user['account']}/users/{user['email']}",
        "state": user["state"],
        "accessRights": user["accessRights"],
    }
