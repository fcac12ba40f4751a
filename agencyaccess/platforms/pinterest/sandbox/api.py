"""The sandbox's Pinterest API v5: the calls the connector makes, under their real paths, with
Pinterest's error object `{"code", "message"}` and the scopes each operation's reference lists
(docs/platforms/pinterest.md#calls)."""

import json
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from agencyaccess.platforms.pinterest.config import ACCOUNT_READ, ADS_READ, BIZ_READ, BIZ_WRITE
from agencyaccess.platforms.pinterest.sandbox import state, world

DEFAULT_PAGE_SIZE = 25
READ, WRITE = (BIZ_READ,), (BIZ_WRITE,)
READ_WRITE = (BIZ_READ, BIZ_WRITE)


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_permitted() -> ApiError:
    return ApiError(403, 29, "You are not permitted to access that resource.")


def invalid(message: str) -> ApiError:
    return ApiError(400, 1, f"Invalid request: {message}")


View = Callable[..., Any]


def operation(scopes: Sequence[str]) -> Callable[[View], Callable[..., HttpResponse]]:
    """An API operation: the bearer token's person (passed to the view), the scopes the
    reference lists for it, and Pinterest's error object for whatever goes wrong."""

    def decorate(view: View) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                token = _token(request)
                if token.person.throttled:
                    raise ApiError(
                        429,
                        8,
                        "This request exceeded a rate limit. This can happen if the client "
                        "exceeds one of the published rate limits within a short time window.",
                    )
                if not set(scopes) <= token.scopes:
                    raise ApiError(
                        401,
                        3,
                        "Your token does not have sufficient permissions to perform this "
                        "operation. Please ensure your token is authorized with the correct set "
                        "of scopes.",
                    )
                return JsonResponse(view(request, token.person, *args, **kwargs), safe=False)
            except ApiError as e:
                return JsonResponse({"code": e.code, "message": e.message}, status=e.status)

        wrapper.csrf_exempt = True  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _token(request: HttpRequest) -> state.Token:
    header = request.headers.get("Authorization", "")
    token = (
        state.valid_token(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None
    )
    if token is None:
        raise ApiError(401, 2, "Authentication failed.")
    return token


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as e:
        raise invalid("the body is not JSON") from e
    if not isinstance(body, dict):
        raise invalid("the body must be an object")
    return body


def _page(request: HttpRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
    """One page of a list: `bookmark` is the next item's position while there are more."""
    try:
        size = int(request.GET.get("page_size") or DEFAULT_PAGE_SIZE)
        start = int(request.GET.get("bookmark") or 0)
    except ValueError as e:
        raise invalid("page_size and bookmark must be numbers") from e
    if not 1 <= size <= 250:
        raise invalid("page_size must be between 1 and 250")
    more = start + size < len(items)
    return {"items": items[start : start + size], "bookmark": str(start + size) if more else None}


def _member(person: world.Person, business_id: str, *, admin: bool = False) -> None:
    role = world.role_in(person, business_id)
    if not role or (admin and role != "BIZ_ADMIN"):
        raise not_permitted()


def _summary(business_id: str) -> dict[str, str]:
    """BusinessAccessUserSummary of a business."""
    business = world.BUSINESSES.get(business_id)
    return {"id": business_id, "username": business.username if business else business_id}


def _permissions(values: Any) -> list[str]:
    if not isinstance(values, list) or not values or not set(values) <= world.PERMISSIONS:
        raise invalid(f"{values!r} are not permissions")
    return list(values)


# The person and their businesses ---------------------------------------------------------------


@operation((ACCOUNT_READ,))
def user_account(request: HttpRequest, person: world.Person) -> dict[str, Any]:
    return {
        "account_type": "BUSINESS" if person.business_name else "PINNER",
        "id": person.id,
        "username": person.username,
        "business_name": person.business_name or None,
    }


@operation(READ)
def employers(request: HttpRequest, person: world.Person) -> dict[str, Any]:
    items = [
        {"id": business, "user": _summary(business), "business_roles": [role]}
        for key, business, role in world.EMPLOYMENTS
        if key == person.key
    ]
    return _page(request, items)


@operation((ADS_READ,))
def ad_accounts(request: HttpRequest, person: world.Person) -> dict[str, Any]:
    """The ad accounts of the person's businesses, and those shared with them."""
    businesses = {b for key, b, _role in world.EMPLOYMENTS if key == person.key}
    shared = {
        row["asset"]: row["permissions"]
        for business in businesses
        for row in state.accesses(partner=business)
    }
    items = []
    for account in world.AD_ACCOUNTS.values():
        if account.owner in businesses:
            admin = world.role_in(person, account.owner) == "BIZ_ADMIN"
            permissions = ["OWNER"] if admin else ["ANALYST"]
        elif account.id in shared and request.GET.get("include_shared_accounts") != "false":
            permissions = shared[account.id]
        else:
            continue
        items.append(
            {
                "id": account.id,
                "name": account.name,
                "owner": {"id": account.owner_user[0], "username": account.owner_user[1]},
                "country": "US",
                "currency": "USD",
                "permissions": permissions,
            }
        )
    return _page(request, items)


# Partners and their asset permissions ----------------------------------------------------------


@operation(READ)
def partners(request: HttpRequest, person: world.Person, business_id: str) -> dict[str, Any]:
    """INTERNAL: the businesses we share with; EXTERNAL: those sharing with us."""
    _member(person, business_id)
    external = request.GET.get("partner_type") == "EXTERNAL"
    if external:
        found = [b for b in world.BUSINESSES if business_id in state.partners_of(b)]
    else:
        found = state.partners_of(business_id)
    wanted = {p for p in request.GET.get("partner_ids", "").split(",") if p}
    items = [
        {
            "id": partner,
            "user": _summary(partner),
            "business_roles": ["PARTNER"],
            "is_shared_partner": external,
        }
        for partner in found
        if not wanted or partner in wanted
    ]
    return _page(request, items)


def partner_assets(request: HttpRequest, business_id: str) -> HttpResponse:
    return {"PATCH": update_partner_assets, "DELETE": delete_partner_assets}.get(
        request.method or "", _no_such_operation
    )(request, business_id)


@operation(WRITE)
def update_partner_assets(
    request: HttpRequest, person: world.Person, business_id: str
) -> dict[str, Any]:
    _member(person, business_id, admin=True)
    items = []
    for access in _body(request).get("accesses") or []:
        partner, asset = str(access.get("partner_id")), str(access.get("asset_id"))
        if not state.is_partner(business_id, partner):
            raise invalid(f"business {partner} is not a partner of business {business_id}")
        if _owner(asset) != business_id:
            raise not_permitted()
        permissions = _permissions(access.get("permissions"))
        state.set_access(business_id, partner, asset, permissions)
        items.append(
            {
                "asset_id": asset,
                "asset_type": "AD_ACCOUNT",
                "partner_id": partner,
                "permissions": permissions,
            }
        )
    return {"items": items}


@operation(WRITE)
def delete_partner_assets(
    request: HttpRequest, person: world.Person, business_id: str
) -> dict[str, Any]:
    """INTERNAL: a partner's access to our asset ends; EXTERNAL: we give up our access to a
    partner's. Only what existed is listed back."""
    _member(person, business_id, admin=True)
    items = []
    for access in _body(request).get("accesses") or []:
        partner, asset = str(access.get("partner_id")), str(access.get("asset_id"))
        shared = access.get("partner_type", "INTERNAL") == "EXTERNAL"
        owner, receiver = (partner, business_id) if shared else (business_id, partner)
        if not state.is_partner(owner, receiver):  # as PATCH refuses it [unconfirmed]
            raise invalid(f"business {partner} is not a partner of business {business_id}")
        removed = state.remove_access(owner, receiver, asset)
        if removed:
            items.append(
                {
                    "asset_id": asset,
                    "asset_type": "AD_ACCOUNT",
                    "is_shared_partner": shared,
                    "partner_id": partner,
                    "permissions": removed["permissions"],
                }
            )
    return {"items": items}


@operation(READ)
def business_assets(request: HttpRequest, person: world.Person, business_id: str) -> dict[str, Any]:
    """The ad accounts a business owns (permission OWNER) and those partners share with it,
    filtered by `permissions` (at least one of them)."""
    _member(person, business_id)
    if request.GET.get("asset_type", "AD_ACCOUNT") != "AD_ACCOUNT":
        return _page(request, [])  # the sandbox's businesses have ad accounts only
    held = {a.id: ["OWNER"] for a in world.AD_ACCOUNTS.values() if a.owner == business_id}
    held |= {row["asset"]: row["permissions"] for row in state.accesses(partner=business_id)}
    wanted = set(request.GET.getlist("permissions"))
    items = [
        {"asset_id": asset, "asset_type": "AD_ACCOUNT"}
        for asset, permissions in held.items()
        if not wanted or wanted & set(permissions)
    ]
    return _page(request, items)


@operation(READ)
def asset_partners(
    request: HttpRequest, person: world.Person, business_id: str, asset_id: str
) -> dict[str, Any]:
    """Empty for an asset shared with us, as the reference says."""
    _member(person, business_id)
    items = [
        {"user": _summary(row["partner"]), "permissions": row["permissions"]}
        for row in state.accesses(owner=business_id, asset=asset_id)
    ]
    return _page(request, items)


@operation(READ)
def partner_asset_access(
    request: HttpRequest, person: world.Person, business_id: str, partner_id: str
) -> dict[str, Any]:
    _member(person, business_id)
    if request.GET.get("partner_type") == "EXTERNAL":
        rows = state.accesses(owner=partner_id, partner=business_id)
    else:
        rows = state.accesses(owner=business_id, partner=partner_id)
    asset_type = request.GET.get("asset_type")
    items = [
        {"asset_id": row["asset"], "asset_type": "AD_ACCOUNT", "permissions": row["permissions"]}
        for row in rows
        if asset_type in (None, "AD_ACCOUNT")
    ]
    return _page(request, items)


def _owner(asset_id: str) -> str:
    account = world.AD_ACCOUNTS.get(asset_id)
    return account.owner if account else ""


def _no_such_operation(request: HttpRequest, *args: Any) -> HttpResponse:
    return JsonResponse({"code": 404, "message": "Not found."}, status=404)


# Invites ---------------------------------------------------------------------------------------


def invites(request: HttpRequest, business_id: str) -> HttpResponse:
    return {"GET": list_invites, "POST": create_invites, "DELETE": cancel_invites}.get(
        request.method or "", _no_such_operation
    )(request, business_id)


@operation(WRITE)
def create_invites(request: HttpRequest, person: world.Person, business_id: str) -> dict[str, Any]:
    """Partner invites only: the sandbox has no members to invite."""
    _member(person, business_id, admin=True)
    body = _body(request)
    if (body.get("invite_type"), body.get("business_role")) != ("PARTNER_INVITE", "PARTNER"):
        raise invalid("this sandbox sends partner invites only (PARTNER_INVITE, PARTNER)")
    items = []
    for partner in body.get("partners") or []:
        partner = str(partner)
        if partner not in world.BUSINESSES or partner == business_id:
            items.append(
                {
                    "exception": {
                        "code": 400,
                        "message": "The partner business id is not valid.",
                        "users_or_partner_ids": [partner],
                    },
                    "invite": None,
                }
            )
            continue
        invite_id = state.create_invite(business_id, partner, "PARTNER_INVITE", person)
        items.append({"exception": None, "invite": {"id": invite_id, "user": _summary(partner)}})
    return {"items": items}


@operation(READ_WRITE)
def invite_assets(request: HttpRequest, person: world.Person, business_id: str) -> dict[str, Any]:
    _member(person, business_id, admin=True)
    items = []
    for entry in _body(request).get("invites") or []:
        invite = state.invite(str(entry.get("invite_id")))
        if invite is None or invite["business"] != business_id or invite["status"] != "PENDING":
            items.append(_invite_exception(str(entry.get("invite_id"))))
            continue
        assets = dict(invite["assets"])
        for asset, permissions in (entry.get("asset_id_to_permissions") or {}).items():
            if _owner(asset) != business_id:
                raise not_permitted()
            assets[asset] = _permissions(permissions)
        state.update_invite(invite["id"], assets=assets)
        items.append(
            {
                "exception": None,
                "invite": _base_invite(state.invite(invite["id"]) or invite, business_id)
                | {"created_by_business_id": business_id, "created_by_user_id": person.id},
            }
        )
    return {"items": items}


@operation(READ_WRITE)
def respond_to_invites(request: HttpRequest, person: world.Person) -> dict[str, Any]:
    """The invited business's admin accepts or declines."""
    items = []
    for entry in _body(request).get("invites") or []:
        invite = state.invite(str(entry.get("invite_id")))
        if invite is None or world.role_in(person, invite["partner"]) != "BIZ_ADMIN":
            items.append(
                {
                    "exception": {
                        "code": 403,
                        "message": "You are not permitted to access that resource.",
                        "invite_or_request_id": str(entry.get("invite_id")),
                    },
                    "invite": None,
                }
            )
            continue
        if invite["status"] != "PENDING":
            items.append(_invite_exception(invite["id"]))
            continue
        if (entry.get("action") or {}).get("accept_invite"):
            state.accept_invite(invite["id"])
        else:
            state.update_invite(invite["id"], status="DECLINED")
        answered = state.invite(invite["id"]) or invite
        items.append({"exception": None, "invite": _base_invite(answered, invite["partner"])})
    return {"items": items}


@operation(READ)
def list_invites(request: HttpRequest, person: world.Person, business_id: str) -> dict[str, Any]:
    _member(person, business_id)
    statuses = request.GET.getlist("invite_status")
    invite_type = request.GET.get("invite_type")
    # is_member, true unless said otherwise: membership invites, else partnership ones.
    members = request.GET.get("is_member", "true") != "false"
    items = [
        _invite_response(invite, business_id)
        for invite in state.invites_of(business_id)
        if (not statuses or invite["status"] in statuses)
        and (not invite_type or invite["type"] == invite_type)
        and (invite["type"] == "MEMBER_INVITE") == members
    ]
    return _page(request, items)


@operation(WRITE)
def cancel_invites(request: HttpRequest, person: world.Person, business_id: str) -> dict[str, Any]:
    _member(person, business_id, admin=True)
    items = []
    for invite_id in _body(request).get("invite_ids") or []:
        invite = state.invite(str(invite_id))
        if invite is None or invite["business"] != business_id or invite["status"] != "PENDING":
            items.append(
                {
                    "exception": {
                        "invite_id": str(invite_id),
                        "message": "Business Invite request cannot be performed on current "
                        "invitation status.",
                    },
                    "invite": None,
                }
            )
            continue
        state.update_invite(invite["id"], status="CANCELLED")
        cancelled = state.invite(invite["id"]) or invite
        items.append({"exception": None, "invite": _base_invite(cancelled, business_id)})
    return {"items": items}


def _invite_exception(invite_id: str) -> dict[str, Any]:
    return {
        "exception": {
            "code": 400,
            "message": "Business Invite request cannot be performed on current invitation status.",
            "invite_or_request_id": invite_id,
        },
        "invite": None,
    }


def _base_invite(invite: dict[str, Any], viewer: str) -> dict[str, Any]:
    """BaseInviteDataResponse, as the business `viewer` sees it."""
    received = invite["partner"] == viewer
    return {
        "id": invite["id"],
        "invite_data": {
            "invite_expiration": invite["expiration"],
            "invite_status": invite["status"],
            "invite_type": invite["type"],
            "last_updated_time": invite["updated"],
            "sent_at": invite["sent_at"],
        },
        "is_received_invite": received,
        "user": _summary(invite["business"] if received else invite["partner"]),
    }


def _invite_response(invite: dict[str, Any], viewer: str) -> dict[str, Any]:
    """InviteResponse: the base data, the assets it carries and who sent it."""
    creator = world.PEOPLE[invite["created_by"]]
    return _base_invite(invite, viewer) | {
        "assets_summary": {
            "ad_accounts": [
                {"id": asset, "permissions": permissions}
                for asset, permissions in invite["assets"].items()
            ],
            "profiles": [],
        },
        "business_roles": ["PARTNER"],
        "created_by_business": _summary(invite["business"]),
        "created_by_user": {"id": creator.id, "username": creator.username},
        "created_time": invite["sent_at"],
    }
