"""The sandbox's Marketing API calls, with Snap's envelope: `request_status` and `request_id`,
entities wrapped one by one with their `sub_request_status`, refusals with `debug_message`,
`display_message` (and `error_code` where Snap's own examples show one), and the HTTP statuses
of the reference (401 sign-in, 403 rights, 429 rate limit)
(docs/platforms/snapchat.md#calls)."""

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from agencyaccess.platforms.snapchat.sandbox import state, world

ADMIN = "admin"
SHARING_ROLES = frozenset({ADMIN, "business_admin"})  # who adds members and assigns roles
MIN_PAGE, MAX_PAGE = 50, 1000  # the `limit` a paged list accepts
NOT_FOUND = (
    "Error code: E3004, message: Entity does not exist or you do not have permission to access it"
)


class SnapError(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra

    def response(self) -> JsonResponse:
        return JsonResponse(
            {
                "request_status": "ERROR",
                "request_id": uuid.uuid4().hex,
                "debug_message": self.message,
                "display_message": self.message,
            }
            | self.extra,
            status=self.status,
        )


def _success(**fields: Any) -> JsonResponse:
    return JsonResponse({"request_status": "SUCCESS", "request_id": uuid.uuid4().hex} | fields)


def _wrapped(singular: str, entities: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"sub_request_status": "SUCCESS", singular: entity} for entity in entities]


def _listed(
    request: HttpRequest, plural: str, singular: str, entities: list[Any], *, paged: bool = False
) -> JsonResponse:
    """A list. A `paged` one (roles; Snap pages neither organizations nor members) comes in
    pages of `limit` when the caller asks one (50 to 1,000), the next page named by
    `paging.next_link` with a `cursor`; the others answer whole (docs/platforms/snapchat.md#calls)."""
    if not paged or "limit" not in request.GET:
        return _success(**{plural: _wrapped(singular, entities)})
    try:
        limit = int(request.GET["limit"])
        start = int(request.GET.get("cursor") or 0)
    except ValueError:
        raise SnapError(400, "limit and cursor must be numbers.") from None
    if not MIN_PAGE <= limit <= MAX_PAGE or start < 0:
        raise SnapError(400, f"limit must be between {MIN_PAGE} and {MAX_PAGE}.")
    paging: dict[str, str] = {}
    if start + limit < len(entities):
        query = request.GET.copy()
        query["cursor"] = str(start + limit)
        paging["next_link"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    page = entities[start : start + limit]
    return _success(paging=paging, **{plural: _wrapped(singular, page)})


def _refused_item(plural: str, reason: str, status: int = 400) -> SnapError:
    """A request refused because of its item: the item says why."""
    items = [{"sub_request_status": "ERROR", "sub_request_error_reason": reason}]
    return SnapError(status, reason, **{plural: items})


def ads_call(**views: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One path of the Ads API, its operations told apart by the HTTP method; each receives
    who calls, after the checks every call goes through."""

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: str) -> HttpResponse:
        chosen = views.get(request.method or "")
        if chosen is None:
            raise Http404("No such operation.")
        try:
            return chosen(request, _caller(request), **kwargs)
        except SnapError as e:
            return e.response()

    return view


def _caller(request: HttpRequest) -> world.Person:
    header = request.headers.get("Authorization", "")
    try:
        person = state.caller(header.removeprefix("Bearer "))
    except state.Refused:
        raise SnapError(401, "Unauthorized: the access token is invalid or expired.") from None
    if person.behaviour == world.Behaviour.RATE_LIMITED:
        raise SnapError(429, "Too Many Requests")
    return person


def _body(request: HttpRequest, plural: str) -> list[dict[str, Any]]:
    try:
        items = json.loads(request.body or b"{}").get(plural)
    except (ValueError, AttributeError):
        items = None
    if not isinstance(items, list) or not items:
        raise SnapError(400, f"The request body must hold a non-empty '{plural}' list.")
    return items


# Who may do what --------------------------------------------------------------------------------


def _membership(person: world.Person, organization: str) -> str:
    """The person's member id in the organization; 403 when they are not a member."""
    found = dict(state.organizations_of(person)).get(organization)
    if found is None:
        raise SnapError(403, "Forbidden: you are not a member of this organization.")
    return found


def _not_found(plural: str) -> SnapError:
    """Snap's one answer for an entity that is missing or out of the caller's reach."""
    return _refused_item(plural, NOT_FOUND, status=200)


def _organization_roles(member_id: str, organization: str) -> set[str]:
    return {
        r["type"]
        for r in state.roles_of(member_id)
        if r["container_id"] == organization and "ad_account_id" not in r
    }


def _manages(person: world.Person, organization: str) -> bool:
    """Adding members and assigning roles is the organization admin's and business admin's
    (roles reference)."""
    member_id = dict(state.organizations_of(person)).get(organization)
    return bool(member_id and SHARING_ROLES & _organization_roles(member_id, organization))


def _require_admin(person: world.Person, organization: str) -> None:
    _membership(person, organization)
    if not _manages(person, organization):
        raise SnapError(403, "Forbidden: only an organization admin can manage members and roles.")


# The calls ---------------------------------------------------------------------------------------


def me(request: HttpRequest, person: world.Person) -> JsonResponse:
    own = state.organizations_of(person)
    return _success(
        me={
            "id": person.id,
            "email": person.email,
            "organization_id": own[0][0] if own else "",
            "display_name": person.display_name,
            "member_status": state.MEMBER,
        }
    )


def my_organizations(request: HttpRequest, person: world.Person) -> JsonResponse:
    with_accounts = request.GET.get("with_ad_accounts") == "true"
    found = []
    for organization, member_id in state.organizations_of(person):
        entity: dict[str, Any] = {
            "id": organization,
            "name": world.ORGANIZATIONS[organization],
            "type": "ENTERPRISE",
            "my_member_id": member_id,
            "my_display_name": person.display_name,
            "my_invited_email": person.email,
        }
        if with_accounts:
            entity["ad_accounts"] = _ad_accounts_seen(member_id, organization)
        found.append(entity)
    return _listed(request, "organizations", "organization", found)


def _ad_accounts_seen(member_id: str, organization: str) -> list[dict[str, Any]]:
    """An organization admin or business admin sees every ad account; a member those they have
    a role on."""
    roles = state.roles_of(member_id)
    everything = bool(SHARING_ROLES & _organization_roles(member_id, organization))
    with_role = {r.get("ad_account_id") for r in roles}
    return [
        {"id": account, "name": name, "organization_id": organization, "status": "ACTIVE"}
        for account, (name, owner) in world.AD_ACCOUNTS.items()
        if owner == organization and (everything or account in with_role)
    ]


def list_members(request: HttpRequest, person: world.Person, organization: str) -> JsonResponse:
    _membership(person, organization)
    return _listed(request, "members", "member", state.members_of(organization))


def create_members(request: HttpRequest, person: world.Person, organization: str) -> JsonResponse:
    _require_admin(person, organization)
    created = []
    for item in _body(request, "members"):
        email, name = str(item.get("email") or ""), str(item.get("display_name") or "")
        if item.get("organization_id") != organization or "@" not in email or not name:
            raise _refused_item(
                "members", "A member needs an email, a display_name and this organization_id."
            )
        created.append(state.invite(organization, email, name))
    return _success(members=_wrapped("member", created))


def get_member(request: HttpRequest, person: world.Person, member_id: str) -> JsonResponse:
    """One member, for whoever is in its organization."""
    found = state.member(member_id)
    if found is None or found["organization_id"] not in dict(state.organizations_of(person)):
        raise _not_found("members")
    return _success(members=_wrapped("member", [found]))


def delete_member(request: HttpRequest, person: world.Person, member_id: str) -> JsonResponse:
    """A member leaves, with their roles; missing, or not the caller's to remove: E3004."""
    found = state.member(member_id)
    if found is None or not _manages(person, found["organization_id"]):
        raise _not_found("members")
    state.remove_member(member_id)
    return _success(members=_wrapped("member", [found]))


def member_roles(request: HttpRequest, person: world.Person, member_id: str) -> JsonResponse:
    found = state.member(member_id)
    if found is None:
        raise _not_found("roles")
    _membership(person, found["organization_id"])
    return _listed(request, "roles", "role", state.roles_of(member_id), paged=True)


def create_organization_roles(
    request: HttpRequest, person: world.Person, organization: str
) -> JsonResponse:
    """Organization roles only: an ad account role is created under its ad account."""
    _require_admin(person, organization)
    created = [_new_organization_role(organization, item) for item in _body(request, "roles")]
    return _success(roles=_wrapped("role", created))


def create_ad_account_roles(
    request: HttpRequest, person: world.Person, ad_account: str
) -> JsonResponse:
    if ad_account not in world.AD_ACCOUNTS:
        raise _not_found("roles")
    organization = world.AD_ACCOUNTS[ad_account][1]
    _require_admin(person, organization)
    created = [
        _new_ad_account_role(organization, ad_account, item) for item in _body(request, "roles")
    ]
    return _success(roles=_wrapped("role", created))


def _member_of(organization: str, item: dict[str, Any]) -> str:
    member_id = str(item.get("member_id") or "")
    found = state.member(member_id)
    if found is None or found["organization_id"] != organization:
        raise _not_found("roles")
    return member_id


def _new_organization_role(organization: str, item: dict[str, Any]) -> dict[str, Any]:
    if "ad_account_id" in item:
        raise _refused_item(
            "roles", "An ad account role is created under /adaccounts/{ad_account_id}/roles."
        )
    member_id, role_type = _member_of(organization, item), str(item.get("type") or "")
    if role_type not in world.ORGANIZATION_ROLES or item.get("organization_id") != organization:
        raise _refused_item("roles", f"Invalid organization role: {role_type!r}.")
    return state.add_role(member_id, organization, role_type)


def _new_ad_account_role(organization: str, account: str, item: dict[str, Any]) -> dict[str, Any]:
    member_id, role_type = _member_of(organization, item), str(item.get("type") or "")
    if item.get("ad_account_id") != account or role_type not in world.AD_ACCOUNT_ROLES:
        raise _refused_item("roles", f"Invalid ad account role: {role_type!r}.")
    # "In order to be assigned an Ad Account role the Member in question first needs the
    # Organization role type member" (the roles reference).
    if "member" not in _organization_roles(member_id, organization):
        raise _refused_item("roles", "The member needs the organization role member first.")
    return state.add_role(member_id, organization, role_type, account)


def delete_role(request: HttpRequest, person: world.Person, role_id: str) -> JsonResponse:
    """Missing, or not the caller's to remove: E3004."""
    found = state.role(role_id)
    if found is None or not _manages(person, found["organization_id"]):
        raise _not_found("roles")
    state.remove_role(role_id)
    return _success(roles=_wrapped("role", [found]))


# Test hooks: what people do in Snapchat's own e-mails and pages -----------------------------------


@csrf_exempt
def accept_invitation(request: HttpRequest, member_id: UUID) -> HttpResponse:
    if request.method != "POST" or not state.accept(str(member_id)):
        raise Http404("No such invitation.")
    return HttpResponse(status=204)
