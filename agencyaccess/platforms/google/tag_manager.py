"""Google Tag Manager: the agency gets a user permission on the container's account, at once
(docs/platforms/google.md#tag-manager: a direct grant).

A person has one permission per account, listing their access to each container, so sharing a
second container updates that permission instead of creating another one.
"""

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import map_side_by_side
from agencyaccess.platforms.base import Asset, GrantOutcome, GrantRef, GrantRequest, TokenSet
from agencyaccess.platforms.google.api import GoogleApi
from agencyaccess.platforms.google.connectors import GoogleConnector, active, granted, revoked
from agencyaccess.platforms.google.scopes import SERVICE_SCOPES

TAG_MANAGER = GoogleApi("tag_manager", "Google Tag Manager")

# Weakest first (AccountAccess.permission and ContainerAccess.permission enums).
ACCOUNT_PERMISSIONS = ("noAccess", "user", "admin")
CONTAINER_PERMISSIONS = ("noAccess", "read", "edit", "approve", "publish")


class GoogleTagManager(GoogleConnector):
    service_keys = ("google_tag_manager",)
    required_scopes = SERVICE_SCOPES["google_tag_manager"]
    product = TAG_MANAGER.product

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        self.check_scopes(tokens)
        accounts = TAG_MANAGER.pages("/accounts", tokens, "account")
        return [
            container
            for containers in map_side_by_side(lambda a: self._containers(tokens, a), accounts)
            for container in containers
        ]

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        """The catalogue's native role reads "<account permission>+<container permission>"."""
        self.check_scopes(tokens)
        account_path, container_id = _split(request.asset.external_id)
        account_level, container_level = request.native_role.split("+")
        email = request.agency.email
        current = _permission_of(tokens, account_path, email)
        wanted = _with_access(current, email, account_level, container_id, container_level)
        if current is None:
            saved = TAG_MANAGER.call(
                "POST", f"/{account_path}/user_permissions", tokens, json=wanted
            )
        elif wanted != current:
            # One permission per person and account: update it (a full PUT, as the API wants).
            saved = TAG_MANAGER.call("PUT", f"/{current['path']}", tokens, json=wanted)
        else:
            saved = current
        return granted(saved["path"], request.native_role, email, request.asset.name)

    def verify_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        reply = TAG_MANAGER.send("GET", f"/{ref.native_ref}", tokens)
        if reply.error and reply.error.http_status == 404:
            return revoked()
        if reply.error:
            raise TAG_MANAGER.failure(reply.error)
        _, container_id = _split(ref.asset_id)
        if _container_access(reply.data).get(container_id, "noAccess") == "noAccess":
            return revoked()
        return active(ref.native_ref)

    def verify_as_agency(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        """The agency sees the containers it was given access to."""
        account_path, _container = _split(ref.asset_id)
        reply = TAG_MANAGER.send("GET", f"/{account_path}/containers", tokens)
        if reply.error and reply.error.http_status in (403, 404):
            return revoked()
        if reply.error:
            raise TAG_MANAGER.failure(reply.error)
        paths = {container["path"] for container in reply.data.get("container", [])}
        return active(ref.native_ref) if ref.asset_id in paths else revoked()

    def revoke_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        """Only this container's access is removed; deleting the permission would also take
        away the other containers of the account (docs/platforms/google.md#tag-manager)."""
        reply = TAG_MANAGER.send("GET", f"/{ref.native_ref}", tokens)
        if reply.error and reply.error.http_status == 404:
            return revoked(ref.native_ref)
        if reply.error:
            raise TAG_MANAGER.failure(reply.error)
        _, container_id = _split(ref.asset_id)
        others = [
            c for c in reply.data.get("containerAccess", []) if c["containerId"] != container_id
        ]
        if others:
            TAG_MANAGER.call(
                "PUT", f"/{ref.native_ref}", tokens, json={**reply.data, "containerAccess": others}
            )
        else:
            TAG_MANAGER.call("DELETE", f"/{ref.native_ref}", tokens)
        return revoked(ref.native_ref)

    def _containers(self, tokens: TokenSet, account: dict[str, Any]) -> list[Asset]:
        # Only account administrators may list its users: the refusal says "not an admin".
        admin = TAG_MANAGER.permitted(
            TAG_MANAGER.send("GET", f"/{account['path']}/user_permissions", tokens)
        )
        reason = (
            ""
            if admin
            else _(
                "You are not an administrator of this Tag Manager account. Ask an administrator "
                "to share the container, or to make you an administrator of the account."
            )
        )
        return [
            Asset(
                asset_type="container",
                external_id=container["path"],
                name=f"{container['name']} ({container['publicId']})",
                parent_id=account["path"],
                parent_name=account["name"],
                grantable=admin,
                not_grantable_reason=reason,
                metadata={"public_id": container["publicId"]},
            )
            for container in TAG_MANAGER.pages(
                f"/{account['path']}/containers", tokens, "container"
            )
        ]


def _permission_of(tokens: TokenSet, account_path: str, email: str) -> dict[str, Any] | None:
    for permission in TAG_MANAGER.pages(
        f"/{account_path}/user_permissions", tokens, "userPermission"
    ):
        if permission["emailAddress"].lower() == email.lower():
            return permission
    return None


def _with_access(
    current: dict[str, Any] | None,
    email: str,
    account_level: str,
    container_id: str,
    container_level: str,
) -> dict[str, Any]:
    """The permission with this container's access added; never lower than what the agency
    already had (a grant never takes access away)."""
    base = current or {"emailAddress": email, "accountAccess": {"permission": "noAccess"}}
    account = _stronger(ACCOUNT_PERMISSIONS, base["accountAccess"]["permission"], account_level)
    containers = _container_access(base)
    containers[container_id] = _stronger(
        CONTAINER_PERMISSIONS, containers.get(container_id, "noAccess"), container_level
    )
    return {
        **base,
        "accountAccess": {"permission": account},
        "containerAccess": [
            {"containerId": cid, "permission": level} for cid, level in containers.items()
        ],
    }


def _container_access(permission: dict[str, Any]) -> dict[str, str]:
    return {c["containerId"]: c["permission"] for c in permission.get("containerAccess", [])}


def _stronger(order: tuple[str, ...], a: str, b: str) -> str:
    return max(a, b, key=order.index)


def _split(container_path: str) -> tuple[str, str]:
    """ "accounts/1/containers/2" -> ("accounts/1", "2")."""
    account_path, _, container_id = container_path.partition("/containers/")
    return account_path, container_id
