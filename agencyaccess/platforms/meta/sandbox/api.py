"""The sandbox's Graph API: the nodes and edges the Meta connector calls, with the real paths,
parameters, fields, paging and errors (docs/platforms/meta.md,
docs/platforms/README.md#sandboxes)."""

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

from agencyaccess.platforms.meta.sandbox import errors, state, world
from agencyaccess.platforms.meta.sandbox.errors import GraphError, graph_view

DEFAULT_LIMIT = 25  # Graph's page size when none is asked for

# Edges of a business, by the kind of asset they list.
OWNED_EDGES = {
    "owned_ad_accounts": "ad_account",
    "owned_product_catalogs": "catalog",
    "owned_pixels": "pixel",
    "owned_instagram_assets": "instagram_account",
}
CLIENT_EDGES = {
    "client_ad_accounts": "ad_account",
    "client_pages": "page",
    "client_product_catalogs": "catalog",
    "client_pixels": "pixel",
    "client_instagram_assets": "instagram_account",
}
# The business's own access requests still waiting for the owners' approval (not shares the
# owners made: those are in CLIENT_EDGES at once), each item (BusinessAdAccountRequest,
# BusinessPageRequest) naming its asset in a field of the kind's name
# (docs/platforms/meta.md#verifying-and-removing).
PENDING_CLIENT_EDGES = {"pending_client_ad_accounts": "ad_account", "pending_client_pages": "page"}
# Where a business asks an owner for access: the edge, and the parameter naming the asset.
REQUEST_EDGES = {"client_ad_accounts": "adaccount_id", "client_pages": "page_id"}
# Besides business_management, the permission that reading or sharing each kind takes (§8.1);
# Pages have their own rule (may_change_partners).
KIND_PERMISSION = {
    "ad_account": "ads_management",
    "catalog": "catalog_management",
    "pixel": "ads_management",
    "instagram_account": "instagram_basic",
}


@graph_view
def me(request: HttpRequest, version: str) -> Mapping[str, Any]:
    token = authenticate(request)
    if request.method != "GET":
        raise errors.unsupported(request.method or "", "me")
    return pick({"id": token.person.id, "name": token.person.name}, request.GET.get("fields"))


@graph_view
def edge(request: HttpRequest, version: str, node: str, edge: str) -> Mapping[str, Any]:
    token = authenticate(request)
    method = request.method or ""
    if node == "me" and edge == "permissions":
        return my_permissions(request, token)
    refuse_if_rate_limited(token, node, edge)
    if node == "me" and method == "GET" and edge in MY_LISTS:
        return paged(request, MY_LISTS[edge](request, token))
    if node in world.BUSINESSES and method == "GET":
        return paged(request, business_list(token, world.BUSINESSES[node], edge))
    if node in world.BUSINESSES and method == "POST" and edge in REQUEST_EDGES:
        return request_access(request, token, world.BUSINESSES[node], edge)
    if node in world.ASSETS and edge in ("agencies", "shared_agencies"):
        return partners(request, token, world.ASSETS[node], edge)
    raise errors.unsupported(method, node)


def authenticate(request: HttpRequest) -> state.Token:
    value = token_value(request)
    if not value:
        raise GraphError(
            2500, "An active access token must be used to query information about the current user."
        )
    return state.valid_token(value)


def token_value(request: HttpRequest) -> str:
    """The token of the call: `Authorization: Bearer …` or an `access_token` parameter."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value if scheme.lower() in ("bearer", "oauth") else param(request, "access_token")


def param(request: HttpRequest, name: str) -> str:
    """Graph takes parameters in the query string or, for POST, the form body."""
    return request.POST.get(name) or request.GET.get(name) or ""


def require(token: state.Token, *permissions: str) -> None:
    for permission in permissions:
        if permission not in token.granted:
            raise errors.missing_permission(permission)


def refuse_if_rate_limited(token: state.Token, node: str, edge: str) -> None:
    if token.person.behaviour != world.Behaviour.RATE_LIMITED:
        return
    about_ad_accounts = node.startswith("act_") or "ad_account" in edge or edge == "adaccounts"
    raise errors.rate_limited(token.person.businesses[0], ad_account=about_ad_accounts)


# /me/… ------------------------------------------------------------------------------------------


def my_permissions(request: HttpRequest, token: state.Token) -> Mapping[str, Any]:
    if request.method == "DELETE":
        state.forget_person(token.person)
        return {"success": True}
    if request.method != "GET":
        raise errors.unsupported(request.method or "", "me")
    statuses = [(world.ALWAYS_GRANTED, "granted")]
    statuses += [(p, "granted") for p in sorted(token.granted)]
    statuses += [(p, "declined") for p in sorted(token.declined)]
    return paged(
        request,
        [{"permission": p, "status": status} for p, status in statuses],
        default_fields="permission,status",
    )


def my_businesses(request: HttpRequest, token: state.Token) -> list[dict[str, Any]]:
    require(token, "business_management")
    businesses = [world.BUSINESSES[business_id] for business_id in token.person.businesses]
    return [
        {"id": b.id, "name": b.name, "verification_status": b.verification_status}
        for b in businesses
    ]


def my_pages(request: HttpRequest, token: state.Token) -> list[dict[str, Any]]:
    """The Pages the person has a task on, with the Page tokens (only when asked for: handing
    one out records it)."""
    require(token, "pages_show_list")
    with_tokens = "access_token" in fields_of(request.GET.get("fields"))
    return [
        {
            "id": page_id,
            "name": world.ASSETS[page_id].name,
            "tasks": list(tasks),
            **({"access_token": state.page_token(token, page_id)} if with_tokens else {}),
        }
        for page_id, tasks in token.person.page_tasks.items()
    ]


def my_ad_accounts(request: HttpRequest, token: state.Token) -> list[dict[str, Any]]:
    require(token, "ads_management")
    return [ad_account_fields(world.ASSETS[account]) for account in token.person.ad_accounts]


MY_LISTS: dict[str, Callable[[HttpRequest, state.Token], list[dict[str, Any]]]] = {
    "businesses": my_businesses,
    "accounts": my_pages,
    "adaccounts": my_ad_accounts,
}


# /{business}/… ----------------------------------------------------------------------------------


def business_list(token: state.Token, business: world.Business, edge: str) -> list[dict[str, Any]]:
    if business.id not in token.person.businesses:
        raise errors.unsupported("GET", business.id)
    require(token, "business_management")
    if edge in OWNED_EDGES:
        kind = OWNED_EDGES[edge]
        require(token, KIND_PERMISSION[kind])
        return [asset_fields(a) for a in world.owned_assets(business.id, kind)]
    if edge in CLIENT_EDGES:
        # An owner's share is listed at once; the business's own requests once approved.
        shared = [
            s
            for s in state.shares(business_id=business.id)
            if not (s.agency_request and s.access_status == "PENDING")
        ]
        return [asset_fields(s.asset) for s in shared if s.asset.kind == CLIENT_EDGES[edge]]
    if edge in PENDING_CLIENT_EDGES:
        kind = PENDING_CLIENT_EDGES[edge]
        waiting = state.shares(business_id=business.id, status="PENDING", agency_request=True)
        return [
            {"id": f"{s.asset.id}_{business.id}", kind: {"id": s.asset.id, "name": s.asset.name}}
            for s in waiting
            if s.asset.kind == kind
        ]
    raise errors.unsupported("GET", business.id)


def request_access(
    request: HttpRequest, token: state.Token, business: world.Business, edge: str
) -> Mapping[str, Any]:
    """The business asks an ad account's or Page's owner for access with `permitted_tasks`; the
    owner approves it in Business Settings (marketing-api/business-asset-management, business
    to business)."""
    if business.id not in token.person.businesses:
        raise errors.unsupported("POST", business.id)
    require(token, "business_management")
    asset = world.ASSETS.get(param(request, REQUEST_EDGES[edge]))
    if asset is None or asset.kind != CLIENT_EDGES[edge]:
        raise errors.invalid_parameter(f"Param {REQUEST_EDGES[edge]} must be a valid id")
    if not state.request_access(asset, business.id, permitted_tasks(request, asset)):
        raise GraphError(3944, "(#3944) Your business already has access to this object.")
    return {"success": True}


# /{asset}/agencies ------------------------------------------------------------------------------


def partners(
    request: HttpRequest, token: state.Token, asset: world.FakeAsset, edge: str
) -> Mapping[str, Any]:
    """The partner businesses of an asset: list (GET; pixels also on /shared_agencies), share
    (POST) and unshare (DELETE) (docs/platforms/meta.md#sharing)."""
    method = request.method or ""
    if edge == "shared_agencies" and (asset.kind != "pixel" or method != "GET"):
        raise errors.unsupported(method, asset.id)
    may_change_partners(token, asset)
    if method == "GET":
        # /shared_agencies lists plain Business objects; /agencies, the partnership's details.
        known = BUSINESS_FIELDS if edge == "shared_agencies" else PARTNER_FIELDS
        shares = state.shares(asset_id=asset.id)
        return paged(request, [partner_fields(s) for s in shares], known=known)
    business = partner_business(request)
    if method == "POST":
        if not state.add_share(asset, business.id, permitted_tasks(request, asset)):
            raise GraphError(3944, "(#3944) Your business already has access to this object.")
        return {"success": True}
    if method == "DELETE":
        state.remove_share(asset.id, business.id)
        return {"success": True}
    raise errors.unsupported(method, asset.id)


def may_change_partners(token: state.Token, asset: world.FakeAsset) -> None:
    """Only the asset's admins may; a Page only with its own Page token, by someone with full
    control of it, holding business_management if a business owns the Page and
    pages_manage_metadata if not (docs/platforms/meta.md#sharing, docs/platforms/meta.md#errors)."""
    if asset.kind == "page":
        if token.page_id != asset.id:
            raise GraphError(
                210, "(#210) A page access token is required to request this resource."
            )
        if "MANAGE" not in token.person.page_tasks.get(asset.id, ()):
            raise errors.not_admin()
        require(token, "business_management" if asset.business else "pages_manage_metadata")
        return
    if asset.business not in token.person.businesses:
        raise errors.not_admin()
    require(token, "business_management", KIND_PERMISSION[asset.kind])


def partner_business(request: HttpRequest) -> world.Business:
    business = world.BUSINESSES.get(param(request, "business"))
    if business is None:
        raise errors.invalid_parameter("Param business must be a valid business id")
    return business


def permitted_tasks(request: HttpRequest, asset: world.FakeAsset) -> list[str]:
    """`permitted_tasks` is a JSON array of the kind's task names."""
    allowed = world.PARTNER_TASKS[asset.kind]
    try:
        tasks = json.loads(param(request, "permitted_tasks"))
    except ValueError:
        tasks = None
    if not isinstance(tasks, list) or not tasks or not set(tasks) <= allowed:
        raise errors.invalid_parameter(
            f"Param permitted_tasks must be a JSON array of: {', '.join(sorted(allowed))}"
        )
    return tasks


# Fields and pages --------------------------------------------------------------------------------


def asset_fields(asset: world.FakeAsset) -> dict[str, Any]:
    if asset.kind == "ad_account":
        return ad_account_fields(asset)
    return {"id": asset.id, "name": asset.name, **asset.fields}


def ad_account_fields(asset: world.FakeAsset) -> dict[str, Any]:
    business = world.BUSINESSES.get(asset.business)
    owner = {"business": {"id": business.id, "name": business.name}} if business else {}
    return {"id": asset.id, "name": asset.name, **asset.fields, **owner}


# What Graph knows on each kind of object the partner edges return: asking for another field is
# error 100 (docs/platforms/meta.md#verifying-and-removing).
BUSINESS_FIELDS = frozenset({"id", "name", "verification_status", "created_time", "link"})
PARTNER_FIELDS = BUSINESS_FIELDS | {
    "access_status",
    "permitted_tasks",
    "permitted_roles",
    "access_requested_time",
    "access_updated_time",
}


def partner_fields(share: state.Share) -> dict[str, Any]:
    return {
        "id": share.business.id,
        "name": share.business.name,
        "access_status": share.access_status,
        "permitted_tasks": list(share.permitted_tasks),
        "access_requested_time": graph_time(share.requested),
        "access_updated_time": graph_time(share.updated),
    }


def graph_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def fields_of(fields: str | None, default: str = "id,name") -> list[str]:
    return [f.strip() for f in (fields or default).split(",") if f.strip()]


def pick(item: Mapping[str, Any], fields: str | None, default: str = "id,name") -> dict[str, Any]:
    """Graph answers only the fields asked for, and an object's id always."""
    wanted = {"id", *fields_of(fields, default)}
    return {k: v for k, v in item.items() if k in wanted}


def paged(
    request: HttpRequest,
    items: Sequence[Mapping[str, Any]],
    default_fields: str = "id,name",
    known: frozenset[str] | None = None,
) -> dict[str, Any]:
    """One page of a list, with Graph's cursor paging (graph-api/results): `after` is the
    cursor of the page's last item, and `next` is there only when more follow. With `known`,
    a field the listed objects do not have is refused as Graph does."""
    if known is not None:
        refuse_unknown_fields(request.GET.get("fields"), known)
    try:
        limit = int(request.GET.get("limit") or DEFAULT_LIMIT)
        after = request.GET.get("after")
        start = int(base64.urlsafe_b64decode(after)) + 1 if after else 0
    except (ValueError, binascii.Error):
        raise errors.invalid_parameter("Invalid paging parameters") from None
    if limit < 1:
        raise errors.invalid_parameter("Param limit must be a positive number")
    window = items[start : start + limit]
    body: dict[str, Any] = {
        "data": [pick(item, request.GET.get("fields"), default_fields) for item in window]
    }
    if window:
        body["paging"] = {
            "cursors": {"before": cursor(start), "after": cursor(start + len(window) - 1)}
        }
        if start + limit < len(items):
            query = request.GET.copy()
            query["after"] = cursor(start + len(window) - 1)
            body["paging"]["next"] = request.build_absolute_uri(
                f"{request.path}?{query.urlencode()}"
            )
    return body


def refuse_unknown_fields(fields: str | None, known: frozenset[str]) -> None:
    unknown = [f for f in fields_of(fields) if f not in known]
    if unknown:
        raise errors.nonexisting_field(unknown[0])


def cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode()
