"""The sandbox's Marketing API: the Rest.li resources the LinkedIn connectors call, with the
headers, keys, paging, rights and errors LinkedIn documents (docs/platforms/linkedin.md)."""

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from django.http import HttpRequest

from agencyaccess.platforms.linkedin.sandbox import state, world
from agencyaccess.platforms.linkedin.sandbox.errors import (
    RestliError,
    access_denied,
    bad_request,
    invalid_token,
    not_found,
    restli_view,
)

VERSION_FORMAT_LENGTH = 6  # YYYYMM


def authenticate(request: HttpRequest, *, needs: Sequence[str] = ()) -> state.Token:
    """The caller's token, after the checks LinkedIn makes on every versioned call."""
    version = request.headers.get("LinkedIn-Version", "")
    if not version:
        raise RestliError(
            400,
            "VERSION_MISSING",
            "A version must be present. Please specify a version by adding the LinkedIn-Version header.",
        )
    if len(version) != VERSION_FORMAT_LENGTH or not version.isdigit():
        raise RestliError(426, "NONEXISTENT_VERSION", f"Requested version {version} is not active")
    if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
        raise bad_request("This resource is served with Rest.li protocol 2.0.0 only.")
    header = request.headers.get("Authorization", "")
    token = (
        state.valid_token(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None
    )
    if token is None:
        raise invalid_token()
    if token.person.throttled:
        raise RestliError(
            429,
            "TOO_MANY_REQUESTS",
            "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
        )
    if needs and not set(needs) & token.scopes:
        raise access_denied(f"{request.path.rsplit('/', 1)[-1]}.{request.method}")
    return token


def page(request: HttpRequest, elements: list[dict[str, Any]]) -> dict[str, Any]:
    """An offset page of a finder's elements (shared/api-guide/concepts/pagination)."""
    start, count = int(request.GET.get("start", 0)), int(request.GET.get("count", 10))
    return {
        "elements": elements[start : start + count],
        "paging": {"start": start, "count": count, "total": len(elements), "links": []},
    }


def cursor_page(request: HttpRequest, elements: list[dict[str, Any]]) -> dict[str, Any]:
    """A page of a search paged by cursor (adAccounts from version 202401): `pageSize`
    (default 100) and `pageToken`; `metadata.nextPageToken` while more remain, and no `paging`
    (marketing/integrations/ads/cursor-based-pagination). `start` and `count` play no part."""
    token = request.GET.get("pageToken", "")
    try:
        size = int(request.GET.get("pageSize", 100))
        start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
    except ValueError as e:
        raise bad_request("Invalid pageSize or pageToken.") from e
    answer: dict[str, Any] = {"elements": elements[start : start + size], "metadata": {}}
    if start + size < len(elements):
        answer["metadata"]["nextPageToken"] = base64.urlsafe_b64encode(
            str(start + size).encode()
        ).decode()
    return answer


def parse_key(raw: str) -> dict[str, str]:
    """`(a:urn:li:x:1,b:VALUE)` as {a: urn:li:x:1, b: VALUE} (the path arrives decoded)."""
    if not (raw.startswith("(") and raw.endswith(")")):
        raise bad_request(f"Invalid key: {raw}")
    parts = {}
    for part in raw[1:-1].split(","):
        name, _, value = part.partition(":")
        parts[name] = value
    return parts


def body_of(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError as e:
        raise bad_request("The request body is not valid JSON.") from e
    if not isinstance(body, dict):
        raise bad_request("The request body must be an object.")
    return body


def urn_id(urn: str, prefix: str) -> str:
    if not urn.startswith(prefix):
        raise bad_request(f"Invalid URN: {urn}")
    return urn.removeprefix(prefix)


ACCOUNT, PERSON, ORGANIZATION = "urn:li:sponsoredAccount:", "urn:li:person:", "urn:li:organization:"


# Ad accounts -----------------------------------------------------------------------------------


def _account_user(account_id: str, person_id: str, role: str) -> dict[str, Any]:
    return {"account": ACCOUNT + account_id, "user": PERSON + person_id, "role": role}


@restli_view
def ad_account_users(request: HttpRequest) -> Mapping[str, Any]:
    """FINDER q=authenticatedUser (the caller's roles) or q=accounts (an account's users)."""
    token = authenticate(request, needs=("r_ads", "rw_ads"))
    finder = request.GET.get("q")
    if finder == "authenticatedUser":
        rows = state.account_users(person_id=token.person.id)
    elif finder == "accounts":
        account_id = urn_id(request.GET.get("accounts", ""), ACCOUNT)
        if not state.account_role(account_id, token.person.id):
            raise access_denied("adAccountUsers.FINDER-accounts")
        rows = state.account_users(account_id=account_id)
    else:
        raise bad_request(f"Unknown finder: {finder}")
    return page(request, [_account_user(*row) for row in rows])


@restli_view
def ad_account_user(request: HttpRequest, raw_key: str) -> Mapping[str, Any] | None:
    """GET, PUT (create or replace) and DELETE one account user by its compound key."""
    writes = request.method in ("PUT", "DELETE")
    token = authenticate(request, needs=("rw_ads",) if writes else ("r_ads", "rw_ads"))
    key = parse_key(raw_key)
    account_id, person_id = (
        urn_id(key.get("account", ""), ACCOUNT),
        urn_id(key.get("user", ""), PERSON),
    )
    if account_id not in world.AD_ACCOUNTS:
        raise not_found(f"urn:li:sponsoredAccount:{account_id}")
    caller_role = state.account_role(account_id, token.person.id)
    if not caller_role or (writes and caller_role not in world.ACCOUNT_MANAGING_ROLES):
        raise access_denied(f"adAccountUsers.{request.method}")
    if request.method == "GET":
        role = state.account_role(account_id, person_id)
        if not role:
            raise not_found(raw_key)
        return _account_user(account_id, person_id, role)
    if request.method == "DELETE":
        if not state.remove_account_user(account_id, person_id):
            raise not_found(raw_key)
        return None
    body = body_of(request)
    if body.get("account") != ACCOUNT + account_id or body.get("user") != PERSON + person_id:
        raise bad_request("The body's account and user must be the ones of the key.")
    if body.get("role") not in world.ACCOUNT_ROLES:
        raise bad_request(f"Invalid role: {body.get('role')}")
    if person_id not in world.PEOPLE_BY_ID:
        raise bad_request(f"Member {PERSON + person_id} does not exist.")
    state.set_account_role(account_id, person_id, body["role"])
    return None


@restli_view
def ad_accounts(request: HttpRequest) -> Mapping[str, Any]:
    """FINDER q=search: the accounts the caller has a role on."""
    token = authenticate(request, needs=("r_ads", "rw_ads"))
    if request.GET.get("q") != "search":
        raise bad_request(f"Unknown finder: {request.GET.get('q')}")
    mine = [world.AD_ACCOUNTS[row[0]] for row in state.account_users(person_id=token.person.id)]
    return cursor_page(
        request,
        [{"id": int(a.id), "name": a.name, "status": a.status, "reference": ""} for a in mine],
    )


# Organizations ---------------------------------------------------------------------------------


def _acl(row: Mapping[str, str]) -> dict[str, str]:
    return {
        "organization": ORGANIZATION + row["organization"],
        "role": row["role"],
        "roleAssignee": PERSON + row["person"],
        "state": row["state"],
    }


def _is_administrator(organization_id: str, person_id: str) -> bool:
    return bool(
        state.organization_acls(
            organization_id=organization_id,
            person_id=person_id,
            role="ADMINISTRATOR",
            state="APPROVED",
        )
    )


@restli_view
def organization_acls(request: HttpRequest) -> Mapping[str, Any]:
    """FINDER q=roleAssignee (the caller's roles) or q=organization (an organization's, for its
    administrators); `role` and `state` filter both."""
    token = authenticate(request, needs=("r_organization_admin", "rw_organization_admin"))
    filters = {"role": request.GET.get("role", ""), "state": request.GET.get("state", "")}
    finder = request.GET.get("q")
    if finder == "roleAssignee":
        rows = state.organization_acls(person_id=token.person.id, **filters)
    elif finder == "organization":
        organization_id = urn_id(request.GET.get("organization", ""), ORGANIZATION)
        if not _is_administrator(organization_id, token.person.id):
            raise access_denied("organizationAcls.FINDER-organization")
        rows = state.organization_acls(organization_id=organization_id, **filters)
    else:
        raise bad_request(f"Unknown finder: {finder}")
    return page(request, [_acl(row) for row in rows])


@restli_view
def organization_acl(request: HttpRequest, raw_key: str) -> Mapping[str, Any] | None:
    """PUT: give a member a role, or change its state (REVOKED ends it). No GET, no DELETE."""
    if request.method != "PUT":
        raise RestliError(
            405,
            "METHOD_NOT_ALLOWED",
            f"{request.method} is not supported on organizationAcls entities",
        )
    token = authenticate(request, needs=("rw_organization_admin",))
    key = parse_key(raw_key)
    organization_id = urn_id(key.get("organization", ""), ORGANIZATION)
    person_id = urn_id(key.get("roleAssignee", ""), PERSON)
    role = key.get("role", "")
    if organization_id not in world.ORGANIZATIONS:
        raise not_found(ORGANIZATION + organization_id)
    if not _is_administrator(organization_id, token.person.id):
        raise access_denied("organizationAcls.PUT")
    body = body_of(request)
    expected = {
        "organization": ORGANIZATION + organization_id,
        "role": role,
        "roleAssignee": PERSON + person_id,
    }
    if any(body.get(name) != value for name, value in expected.items()):
        raise bad_request(
            "The body's organization, role and roleAssignee must be the ones of the key."
        )
    if role not in world.ORGANIZATION_ROLES or body.get("state") not in world.ORGANIZATION_STATES:
        raise bad_request(f"Invalid role or state: {role}, {body.get('state')}")
    if person_id not in world.PEOPLE_BY_ID:
        raise bad_request(f"Member {PERSON + person_id} does not exist.")
    state.set_organization_role(organization_id, role, person_id, body["state"])
    return None


def _raw_param(request: HttpRequest, name: str) -> str:
    """A query parameter as it was sent, before any decoding."""
    for pair in request.META.get("QUERY_STRING", "").split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return ""


@restli_view
def organizations(request: HttpRequest) -> Mapping[str, Any]:
    """BATCH_GET `ids=List(1,2)`: the organizations' names. The list is read as sent: its
    `(`, `,` and `)` must not be encoded, only the values (shared/api-guide/concepts/
    protocol-version), so `List%281%2C2%29` is refused."""
    authenticate(request, needs=("r_organization_admin", "rw_organization_admin"))
    raw = _raw_param(request, "ids")
    if not (raw.startswith("List(") and raw.endswith(")")):
        raise bad_request("ids must be a Rest.li 2.0 list: ids=List(1,2)")
    results, errors = {}, {}
    for org_id in (unquote(i) for i in filter(None, raw[5:-1].split(","))):
        organization = world.ORGANIZATIONS.get(org_id)
        if organization is None:
            errors[org_id] = {"status": 404, "message": f"Not found: {ORGANIZATION + org_id}"}
        else:
            results[org_id] = {"id": int(org_id), "localizedName": organization.name}
    return {"results": results, "statuses": {k: 200 for k in results}, "errors": errors}
