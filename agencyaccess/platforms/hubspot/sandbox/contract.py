"""The HubSpot sandbox's calls held against HubSpot's own definitions: the models of its official
Python client, hubspot-api-client (generated from HubSpot's OpenAPI documents), installed with the
test dependencies only (docs/platforms/hubspot.md#contract).

That client trails the dated API this app calls: version 12.0.0 models the legacy
`/settings/v3/users` and the `/oauth/v1` endpoints. The fields the dated version (2026-03) adds
to those same objects are named below (`DATED_ADDITIONS`), each from HubSpot's reference; any
other field is a violation. A request HubSpot does not define is recorded and answered with its
400 VALIDATION_ERROR; an answer it does not define raises (a 500: the sandbox is wrong).
"""

import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from agencyaccess.platforms import contracts

SANDBOX_ROOT = "/sandbox/hubspot/"
USERS, OAUTH = "hubspot.settings.users.models", "hubspot.oauth.models"

# What the dated version documents beyond the client's models of the same objects.
DATED_ADDITIONS: Mapping[tuple[str, str], frozenset[str]] = {
    # settings/users/2026-03: UserProvisionRequestMarch2026, PublicUserMarch2026 carry the
    # user's names.
    (USERS, "UserProvisionRequest"): frozenset({"firstName", "lastName"}),
    (USERS, "PublicUser"): frozenset({"firstName", "lastName"}),
    # The envelope's "status": "error" (developers.hubspot.com/docs/api-reference/error-handling);
    # a 429 answers `errorType` and `policyName` instead of a category
    # (developers.hubspot.com/docs/api/usage-details).
    (USERS, "Error"): frozenset({"status", "errorType", "policyName"}),
    # The token endpoints' RFC 6749 refusal, HubSpot's older `status` beside it
    # (developers.hubspot.com/changelog/new-oauth-v3-api-endpoints-and-standardized-error-responses).
    (OAUTH, "Error"): frozenset({"error", "error_description", "status"}),
    # oauth/2026-03 AccessTokenResponse: the account and user come with the tokens.
    (OAUTH, "TokenResponseIF"): frozenset({"hub_id", "scopes", "user_id", "token_use"}),
    # oauth/2026-03 PublicAccessTokenInfoResponse (introspection).
    (OAUTH, "AccessTokenInfoResponse"): frozenset(
        {"active", "client_id", "token_use", "is_private_distribution", "signed_access_token"}
    ),
}
# Form fields of the token endpoints: the client's TokensApi.create, plus PKCE's verifier and
# the scope the dated version documents; introspection and revocation are not in the client.
TOKEN_FORM = frozenset(
    {"grant_type", "code", "redirect_uri", "client_id", "client_secret", "refresh_token"}
) | {"code_verifier", "scope"}
TOKEN_INFO_FORM = frozenset({"client_id", "client_secret", "token", "token_type_hint"})
OAUTH_ERROR = (OAUTH, "Error")  # hubspot/oauth/models/error.py, the envelope of the OAuth API

Answer = Callable[[HttpResponse], HttpResponse]


@dataclass(frozen=True)
class Route:
    """One call: the model of its JSON body or the fields of its form, its query parameters,
    and the model of its answer (module, name), None for an empty one."""

    answer: tuple[str, str] | None
    body: tuple[str, str] | None = None
    form: frozenset[str] | None = None
    query: frozenset[str] = field(default_factory=frozenset)
    errors: tuple[str, str] = (USERS, "Error")


def exchange(request: HttpRequest) -> Answer:
    """Check the request the sandbox received; return the check of its answer. Both no-ops
    unless PLATFORM_CONTRACTS is on."""
    if not contracts.enabled():
        return _unchecked
    try:
        route = route_of(request.method or "", request.path.split(SANDBOX_ROOT, 1)[-1])
        _check_request(route, request)
    except contracts.ContractViolation as refusal:
        return partial(_refused, refusal)
    return partial(_check_answer, route)


def route_of(method: str, path: str) -> Route:
    version = settings.HUBSPOT_API_VERSION
    users, token = f"settings/users/{version}", f"oauth/{version}/token"
    one_user = re.fullmatch(re.escape(users) + r"/[^/]+", path) and path != f"{users}/roles"
    routes: dict[tuple[str, str], Route] = {
        ("GET", f"{users}/roles"): Route((USERS, "CollectionResponsePublicPermissionSetNoPaging")),
        ("POST", users): Route((USERS, "PublicUser"), body=(USERS, "UserProvisionRequest")),
        ("POST", token): Route((OAUTH, "TokenResponseIF"), form=TOKEN_FORM, errors=OAUTH_ERROR),
        ("POST", f"{token}/introspect"): Route(
            (OAUTH, "AccessTokenInfoResponse"), form=TOKEN_INFO_FORM, errors=OAUTH_ERROR
        ),
        ("POST", f"{token}/revoke"): Route(None, form=TOKEN_INFO_FORM, errors=OAUTH_ERROR),
    }
    by_id = frozenset({"idProperty"})
    if one_user and method == "GET":
        return Route((USERS, "PublicUser"), query=by_id)
    if one_user and method == "DELETE":
        return Route(None, query=by_id)
    found = routes.get((method, path))
    if found is None:
        raise contracts.violation(f"HubSpot defines no {method} /{path}")
    return found


def _check_request(route: Route, request: HttpRequest) -> None:
    unknown = set(request.GET) - route.query
    if unknown:
        raise contracts.violation(f"HubSpot's call has no query parameter {sorted(unknown)}")
    if route.form is not None:
        extra = set(request.POST) - route.form
        if extra:
            raise contracts.violation(f"HubSpot's token endpoint takes no {sorted(extra)}")
    if route.body is not None:
        body = _json(request.body)
        if isinstance(body, dict):
            check_fields(*route.body, body, "request")


def _check_answer(route: Route, response: HttpResponse) -> HttpResponse:
    body = _json(response.content)
    model = route.answer if response.status_code < 400 else route.errors
    if model is not None and isinstance(body, dict):
        check_fields(*model, body, "answer")
    return response


def check_fields(module: str, name: str, value: Mapping[str, Any], where: str) -> None:
    """Every key of `value` is a field of the client's model `name` (or one the dated version
    adds to it); nested models are checked the same way."""
    model = getattr(_models(module), name)
    names = {json_name: attr for attr, json_name in model.attribute_map.items()}
    known = set(names) | DATED_ADDITIONS.get((module, name), frozenset())
    for key, item in value.items():
        if key not in known:
            raise contracts.violation(f"{where}: HubSpot's {name} has no field '{key}'")
        kind = model.openapi_types.get(names.get(key, ""), "")
        _check_value(module, kind, item, f"{where}.{key}")


def _check_value(module: str, kind: str, value: Any, where: str) -> None:
    listed = re.fullmatch(r"list\[(.+)\]", kind)
    if listed and isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(module, listed.group(1), item, f"{where}[{i}]")
    elif isinstance(value, dict) and hasattr(_models(module), kind):
        check_fields(module, kind, value, where)


def _models(module: str) -> ModuleType:
    import importlib

    return importlib.import_module(module)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _refused(refusal: contracts.ContractViolation, sandbox_answer: HttpResponse) -> HttpResponse:
    """What HubSpot answers a call it does not define (the violation is recorded too)."""
    body = {
        "status": "error",
        "message": str(refusal),
        "correlationId": str(uuid.uuid4()),
        "category": "VALIDATION_ERROR",
    }
    return JsonResponse(body, status=400)


def _unchecked(response: HttpResponse) -> HttpResponse:
    return response
