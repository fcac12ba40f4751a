"""The sandbox's API for Business: the calls the TikTok connectors make, under their real paths,
answering TikTok's envelope `{"code", "message", "request_id", "data"}`, HTTP 200 even for
errors (docs/platforms/tiktok.md#calls)."""

import json
import math
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from agencyaccess.platforms.tiktok.config import SANDBOX_APP_ID, SANDBOX_APP_SECRET
from agencyaccess.platforms.tiktok.sandbox import contract, state, world

NO_PERMISSION, PARAM_ERROR, RATE_LIMITED, TOKEN_INVALID = 40001, 40002, 40100, 40105
ROLES = {
    "ADVERTISER": ("advertiser_role", ("ADMIN", "OPERATOR", "ANALYST"), "ANALYST"),
    "CATALOG": ("catalog_role", ("ADMIN", "AD_PROMOTE"), "AD_PROMOTE"),
}
MAX_ASSETS_PER_CALL = 50
PAGE_SIZE_RANGE = range(1, 51)


class ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def envelope(code: int, message: str, data: Any = None) -> JsonResponse:
    return JsonResponse(
        {"code": code, "message": message, "request_id": secrets.token_hex(16), "data": data or {}}
    )


def endpoint(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any) -> HttpResponse:
        checked = contract.exchange(request)  # against TikTok's SDK, in tests
        try:
            return checked(envelope(0, "OK", view(request, *args)))
        except ApiError as e:
            return checked(envelope(e.code, e.message))

    return wrapper


def body(request: HttpRequest) -> dict[str, Any]:
    try:
        parsed = json.loads(request.body or b"{}")
    except ValueError as e:
        raise ApiError(PARAM_ERROR, "Invalid JSON body.") from e
    if not isinstance(parsed, dict):
        raise ApiError(PARAM_ERROR, "Invalid JSON body.")
    return parsed


def caller(request: HttpRequest) -> world.Person:
    person = state.person_of(request.headers.get("Access-Token", ""))
    if person is None or person.behaviour == world.Behaviour.REVOKED:
        raise ApiError(TOKEN_INVALID, "Access token is incorrect or has been revoked.")
    if person.behaviour == world.Behaviour.RATE_LIMITED:
        raise ApiError(RATE_LIMITED, "Too many requests. Please retry in some time.")
    return person


def required(params: Any, name: str) -> Any:
    if params.get(name) in (None, "", []):
        raise ApiError(PARAM_ERROR, f"{name}: Missing data for required field.")
    return params[name]


def paged(request: HttpRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
    try:
        page = int(request.GET.get("page", 1))
        size = int(request.GET.get("page_size", 10))
    except ValueError as e:
        raise ApiError(PARAM_ERROR, "page and page_size must be integers.") from e
    if page < 1 or size not in PAGE_SIZE_RANGE:
        raise ApiError(PARAM_ERROR, "page must be >= 1 and page_size in 1-50.")
    return {
        "list": items[(page - 1) * size : page * size],
        "page_info": {
            "page": page,
            "page_size": size,
            "total_number": len(items),
            "total_page": max(1, math.ceil(len(items) / size)),
        },
    }


def admin_bc(person: world.Person, bc_id: str) -> world.BusinessCenter:
    """The Business Center, if the caller is its admin (partner management needs it)."""
    role = dict(person.roles).get(bc_id)
    if role is None or bc_id not in world.BUSINESS_CENTERS:
        raise ApiError(NO_PERMISSION, "No permission to operate this Business Center.")
    if role != "ADMIN":
        raise ApiError(NO_PERMISSION, "Only Business Center admins can manage partners.")
    return world.BUSINESS_CENTERS[bc_id]


@endpoint
def access_token(request: HttpRequest) -> dict[str, Any]:
    params = body(request)
    app_credentials(params)
    token = state.redeem_code(str(required(params, "auth_code")))
    if token is None:
        raise ApiError(PARAM_ERROR, "auth_code is invalid or has been used.")
    return {"access_token": token, "scope": list(state.SCOPES), "advertiser_ids": []}


def app_credentials(params: Any) -> None:
    if params.get("app_id") != SANDBOX_APP_ID or params.get("secret") != SANDBOX_APP_SECRET:
        raise ApiError(PARAM_ERROR, "app_id or secret is invalid.")


@endpoint
def advertiser_get(request: HttpRequest) -> dict[str, Any]:
    """The advertisers that authorized the app: here, those of the caller's Business Centers."""
    person = caller(request)
    app_credentials(request.GET)
    advertisers = [
        {"advertiser_id": item.asset_id, "advertiser_name": item.name}
        for bc_id, _role in person.roles
        for item in world.BUSINESS_CENTERS[bc_id].assets
        if item.asset_type == "ADVERTISER"
    ]
    return {"list": advertisers}


@endpoint
def revoke_token(request: HttpRequest) -> dict[str, Any]:
    params = body(request)
    app_credentials(params)
    state.revoke_token(str(required(params, "access_token")))
    return {}


@endpoint
def user_info(request: HttpRequest) -> dict[str, Any]:
    person = caller(request)
    return {"core_user_id": person.key, "display_name": person.display_name, "email": person.email}


@endpoint
def bc_get(request: HttpRequest) -> dict[str, Any]:
    person = caller(request)
    centers = [
        {"bc_info": {"bc_id": bc_id, "name": world.BUSINESS_CENTERS[bc_id].name}, "user_role": role}
        for bc_id, role in person.roles
    ]
    return paged(request, centers)


@endpoint
def bc_asset_get(request: HttpRequest) -> dict[str, Any]:
    person = caller(request)
    bc_id = required(request.GET, "bc_id")
    asset_type = required(request.GET, "asset_type")
    if bc_id not in dict(person.roles):
        raise ApiError(NO_PERMISSION, "No permission to operate this Business Center.")
    items = [
        {"asset_id": item.asset_id, "asset_name": item.name, "asset_type": item.asset_type}
        for item in world.BUSINESS_CENTERS[bc_id].assets
        if item.asset_type == asset_type
    ]
    return paged(request, items)


def share_request(request: HttpRequest) -> tuple[world.BusinessCenter, str, str, list[str]]:
    """The caller's Business Center, the partner, the asset type and ids of a share call."""
    person = caller(request)
    params = body(request)
    bc = admin_bc(person, str(required(params, "bc_id")))
    partner = str(required(params, "partner_id"))
    if partner not in world.BUSINESS_CENTERS or partner == bc.bc_id:
        raise ApiError(PARAM_ERROR, "partner_id is not a valid Business Center ID.")
    asset_type = str(required(params, "asset_type"))
    if asset_type not in ROLES:
        raise ApiError(PARAM_ERROR, "asset_type must be one of ADVERTISER, CATALOG.")
    asset_ids = [str(a) for a in required(params, "asset_ids")]
    if len(asset_ids) > MAX_ASSETS_PER_CALL:
        raise ApiError(PARAM_ERROR, "asset_ids: at most 50 ids.")
    owned = {item.asset_id for item in bc.assets if item.asset_type == asset_type}
    if not set(asset_ids) <= owned:
        raise ApiError(NO_PERMISSION, "The assets do not belong to this Business Center.")
    return bc, partner, asset_type, asset_ids


@endpoint
def partner_add(request: HttpRequest) -> dict[str, Any]:
    bc, partner, asset_type, asset_ids = share_request(request)
    field, allowed, default = ROLES[asset_type]
    role = body(request).get(field) or default
    if role not in allowed:
        raise ApiError(PARAM_ERROR, f"{field} must be one of {', '.join(allowed)}.")
    for asset_id in asset_ids:
        state.add_share(bc.bc_id, partner, world.asset(asset_id)[1], role)  # type: ignore[index]
    return {}


@endpoint
def partner_asset_delete(request: HttpRequest) -> dict[str, Any]:
    bc, partner, _asset_type, asset_ids = share_request(request)
    for asset_id in asset_ids:
        state.remove_share(bc.bc_id, partner, asset_id)
    return {}


@endpoint
def partner_asset_get(request: HttpRequest) -> dict[str, Any]:
    person = caller(request)
    bc = admin_bc(person, required(request.GET, "bc_id"))
    partner = required(request.GET, "partner_id")
    asset_type = required(request.GET, "asset_type")
    if required(request.GET, "share_type") != "SHARING":
        raise ApiError(PARAM_ERROR, "This sandbox answers share_type=SHARING only.")
    field = ROLES.get(asset_type, ("", (), ""))[0]
    items = [
        {"asset_id": asset_id, "asset_name": world.asset(asset_id)[1].name, field: role}  # type: ignore[index]
        for asset_id, role in state.shared_assets(bc.bc_id, partner, asset_type)
    ]
    return paged(request, items)


@endpoint
def asset_admin_get(request: HttpRequest) -> dict[str, Any]:
    """An admin's view of every asset of the Business Center: its own (OWNER_BC) and those
    partners share with it (OWNER_PARTNER), each with the state of the relation."""
    person = caller(request)
    bc = admin_bc(person, required(request.GET, "bc_id"))
    asset_type = required(request.GET, "asset_type")
    field = ROLES.get(asset_type, ("", (), ""))[0]
    own = [
        {
            "asset_id": item.asset_id,
            "asset_name": item.name,
            "asset_type": item.asset_type,
            "relation_type": "OWNER_BC",
            "relation_status": "BOUND",
            "owner_bc_name": bc.name,
            field: "ADMIN",
        }
        for item in bc.assets
        if item.asset_type == asset_type
    ]
    received = [
        {
            "asset_id": asset_id,
            "asset_name": world.asset(asset_id)[1].name,  # type: ignore[index]
            "asset_type": asset_type,
            "relation_type": "OWNER_PARTNER",
            "relation_status": status,
            "owner_bc_name": world.BUSINESS_CENTERS[owner].name,
            field: role,
        }
        for owner, asset_id, role, status in state.received_assets(bc.bc_id, asset_type)
    ]
    wanted = filtering(request)
    items = [
        item
        for item in own + received
        if all(item.get(key) == value for key, value in wanted.items() if key != "keyword")
    ]
    return paged(request, items)


def filtering(request: HttpRequest) -> dict[str, Any]:
    """The `filtering` query parameter: a JSON object."""
    try:
        wanted = json.loads(request.GET.get("filtering") or "{}")
    except ValueError as e:
        raise ApiError(PARAM_ERROR, "filtering: Not a valid JSON.") from e
    if not isinstance(wanted, dict):
        raise ApiError(PARAM_ERROR, "filtering: Not a valid JSON object.")
    return wanted
