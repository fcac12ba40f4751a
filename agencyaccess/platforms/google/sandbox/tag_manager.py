"""The fake Tag Manager API v2: accounts, containers and user permissions
(docs/platforms/google.md#tag-manager).

Everyone with a permission sees the account; account users see the containers they have access
to, administrators all of them. Only administrators may read or change user permissions, and a
person has at most one permission per account.
"""

from typing import Any

from django.http import HttpRequest

from agencyaccess.platforms.google import scopes
from agencyaccess.platforms.google.sandbox import state
from agencyaccess.platforms.google.sandbox.endpoint import (
    by_method,
    denied,
    google_api,
    invalid,
    json_body,
    not_found,
)
from agencyaccess.platforms.google.sandbox.world import FakeUser

READ = frozenset({scopes.TAGMANAGER_READONLY})
MANAGE_USERS = frozenset({scopes.TAGMANAGER_MANAGE_USERS})
ACCOUNT_PERMISSIONS = frozenset({"noAccess", "user", "admin"})
CONTAINER_PERMISSIONS = frozenset({"noAccess", "read", "edit", "approve", "publish"})


read = google_api(product="tagmanager", scopes=READ, legacy=True)
manage_users = google_api(product="tagmanager", scopes=MANAGE_USERS, legacy=True)


@read
def accounts(request: HttpRequest, caller: FakeUser) -> dict:
    return {
        "account": [
            _account(account_id, data)
            for account_id, data in state.find("gtm_account")
            if _permission_of(account_id, caller.email)
        ]
    }


@read
def containers(request: HttpRequest, caller: FakeUser, account_id: str) -> dict:
    permission = _permission_of(account_id, caller.email)
    if permission is None:
        raise denied("Not found or permission denied.")
    _, mine = permission
    admin = mine["accountAccess"]["permission"] == "admin"
    allowed = {c["containerId"] for c in mine["containerAccess"] if c["permission"] != "noAccess"}
    return {
        "container": [
            _container(account_id, c)
            for _, c in state.find("gtm_container", account=account_id)
            if admin or c["containerId"] in allowed
        ]
    }


@manage_users
def list_permissions(request: HttpRequest, caller: FakeUser, account_id: str) -> dict:
    _require_admin(caller, account_id)
    return {
        "userPermission": [
            _permission(k, p) for k, p in state.find("gtm_permission", account=account_id)
        ]
    }


@manage_users
def create_permission(request: HttpRequest, caller: FakeUser, account_id: str) -> dict:
    _require_admin(caller, account_id)
    body = _valid_permission(account_id, json_body(request))
    if _permission_of(account_id, body["emailAddress"]):
        raise invalid(f"{body['emailAddress']} already has a permission on this account.")
    path = f"accounts/{account_id}/user_permissions/{state.new_id()}"
    state.put("gtm_permission", path, body)
    return _permission(path, body)


@manage_users
def get_permission(
    request: HttpRequest, caller: FakeUser, account_id: str, permission_id: str
) -> dict:
    _require_admin(caller, account_id)
    path = f"accounts/{account_id}/user_permissions/{permission_id}"
    return _permission(path, _existing(path))


@manage_users
def update_permission(
    request: HttpRequest, caller: FakeUser, account_id: str, permission_id: str
) -> dict:
    """A full replacement, as the API's update is."""
    _require_admin(caller, account_id)
    path = f"accounts/{account_id}/user_permissions/{permission_id}"
    current = _existing(path)
    body = _valid_permission(
        account_id, json_body(request) | {"emailAddress": current["emailAddress"]}
    )
    state.put("gtm_permission", path, body)
    return _permission(path, body)


@manage_users
def delete_permission(
    request: HttpRequest, caller: FakeUser, account_id: str, permission_id: str
) -> None:
    _require_admin(caller, account_id)
    if not state.delete(
        "gtm_permission", f"accounts/{account_id}/user_permissions/{permission_id}"
    ):
        raise not_found()


user_permissions = by_method(GET=list_permissions, POST=create_permission)
user_permission = by_method(GET=get_permission, PUT=update_permission, DELETE=delete_permission)


def _permission_of(account_id: str, email: str) -> tuple[str, dict[str, Any]] | None:
    found = state.find("gtm_permission", account=account_id, emailAddress=email.lower())
    return found[0] if found else None


def _require_admin(caller: FakeUser, account_id: str) -> None:
    permission = _permission_of(account_id, caller.email)
    if permission is None or permission[1]["accountAccess"]["permission"] != "admin":
        raise denied("The caller does not have permission to manage users of this account.")


def _existing(path: str) -> dict[str, Any]:
    permission = state.get("gtm_permission", path)
    if permission is None:
        raise not_found("Not found or permission denied.")
    return permission


def _valid_permission(account_id: str, body: dict[str, Any]) -> dict[str, Any]:
    containers = {c["containerId"] for _, c in state.find("gtm_container", account=account_id)}
    access = body.get("containerAccess", [])
    if (
        "@" not in body.get("emailAddress", "")
        or body.get("accountAccess", {}).get("permission") not in ACCOUNT_PERMISSIONS
        or any(
            c.get("containerId") not in containers
            or c.get("permission") not in CONTAINER_PERMISSIONS
            for c in access
        )
    ):
        raise invalid("Invalid user permission.")
    return {
        "account": account_id,
        "emailAddress": body["emailAddress"].lower(),
        "accountAccess": {"permission": body["accountAccess"]["permission"]},
        "containerAccess": [
            {"containerId": c["containerId"], "permission": c["permission"]} for c in access
        ],
    }


def _account(account_id: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"path": f"accounts/{account_id}", "accountId": account_id, "name": data["name"]}


def _container(account_id: str, container: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": f"accounts/{account_id}/containers/{container['containerId']}",
        "accountId": account_id,
        "containerId": container["containerId"],
        "name": container["name"],
        "publicId": container["publicId"],
        "usageContext": ["web"],
    }


def _permission(path: str, permission: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": path,
        "accountId": permission["account"],
        "emailAddress": permission["emailAddress"],
        "accountAccess": permission["accountAccess"],
        "containerAccess": permission["containerAccess"],
    }
