"""Pinterest API v5 calls held against Pinterest's own generated client
(Pinterest-Generated-Client, the models and operations of the v5 OpenAPI document that the
official pinterest-api-sdk is built on): each operation's path, HTTP method, query parameters
and request body model (`openapi_generated.pinterest_client.api.*_api`), and each model's fields
(`attribute_map`) and the types of its fields (`openapi_types`), followed into nested models.

A call must match an operation, send only its query parameters and its body model's fields,
and get back only fields of its answer model (or Pinterest's `Error` object). The lists the
reference gives as "Paginated" plus items are typed loosely in the generated client, so their
item models are named in LIST_ITEMS from the reference (developers.pinterest.com/docs/api/v5/).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from agencyaccess.platforms.contracts import violation

PACKAGE = "openapi_generated.pinterest_client"
# The generated client's API classes holding the operations the connector and sandbox use.
API_CLASSES = (
    ("business_access_assets_api", "BusinessAccessAssetsApi"),
    ("business_access_invite_api", "BusinessAccessInviteApi"),
    ("business_access_relationships_api", "BusinessAccessRelationshipsApi"),
    ("user_account_api", "UserAccountApi"),
    ("ad_accounts_api", "AdAccountsApi"),
    ("oauth_api", "OauthApi"),
)
# operation id -> the model of a paginated list's items (the reference's 200 answers).
LIST_ITEMS = {
    "ad_accounts_list": "ad_account.AdAccount",
    "get_business_employers": "user_business_role_binding.UserBusinessRoleBinding",
    "get_business_partners": "user_business_role_binding.UserBusinessRoleBinding",
    "get_invites": "invite_response.InviteResponse",
    "business_asset_partners_get": "user_single_asset_binding.UserSingleAssetBinding",
    "business_partner_asset_access_get": "get_partner_assets_response.GetPartnerAssetsResponse",
    "business_assets_get": "get_business_assets_response.GetBusinessAssetsResponse",
}
# The token endpoint's form and answer, by grant_type. The client (API 5.14) calls the answer
# carrying a continuous refresh token "everlasting_refresh"; the v5 reference of today gives
# its fields to both answers (components/schemas/OauthAccessTokenResponseCode and …Refresh).
TOKEN_FORMS = {
    "authorization_code": "oauth_access_token_request_code.OauthAccessTokenRequestCode",
    "refresh_token": "oauth_access_token_request_refresh.OauthAccessTokenRequestRefresh",
}
# Form fields newer than the client: `continuous_refresh` is OauthAccessTokenRequestCode's in
# the OpenAPI document 5.15.0-5.18.0, and 5.23.0's oauth/token description still asks apps
# created before 2025-09-25 to send it.
NEWER_TOKEN_FIELDS = {"authorization_code": frozenset({"continuous_refresh"})}
TOKEN_ANSWERS = {
    "authorization_code": (
        "oauth_access_token_response_code.OauthAccessTokenResponseCode",
        "oauth_access_token_response_everlasting_refresh.OauthAccessTokenResponseEverlastingRefresh",
    ),
    "refresh_token": (
        "oauth_access_token_response_refresh.OauthAccessTokenResponseRefresh",
        "oauth_access_token_response_everlasting_refresh.OauthAccessTokenResponseEverlastingRefresh",
    ),
}
ERROR = "error.Error"


@dataclass(frozen=True)
class Operation:
    id: str
    http_method: str
    path: str  # the reference's template, e.g. /businesses/{business_id}/invites
    query: frozenset[str]
    body: Any  # the request body's model class, or None
    answer: Any  # the answer's model class, or None when the client types it loosely

    @property
    def literal_segments(self) -> int:
        return sum(1 for part in self.path.split("/") if part and "{" not in part)

    def matches(self, method: str, path: str) -> bool:
        pattern = re.sub(r"\{[^/]+\}", "[^/]+", self.path)
        return method == self.http_method and re.fullmatch(pattern, path) is not None


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for module_name, class_name in API_CLASSES:
        api = getattr(import_module(f"{PACKAGE}.api.{module_name}"), class_name)()
        for name, endpoint in vars(api).items():
            if name.endswith("_endpoint"):
                found.append(_operation(endpoint))
    return tuple(found)


def _operation(endpoint: Any) -> Operation:
    locations = endpoint.location_map
    body = next((name for name, where in locations.items() if where == "body"), None)
    answer = endpoint.settings["response_type"]
    return Operation(
        id=endpoint.settings["operation_id"],
        http_method=endpoint.settings["http_method"],
        path=endpoint.settings["endpoint_path"],
        query=frozenset(
            endpoint.attribute_map[name] for name, where in locations.items() if where == "query"
        ),
        body=endpoint.openapi_types[body][0] if body else None,
        answer=answer[0] if answer and _is_model(answer[0]) else None,
    )


def model(dotted: str) -> Any:
    module, name = dotted.rsplit(".", 1)
    return getattr(import_module(f"{PACKAGE}.model.{module}"), name)


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and hasattr(kind, "attribute_map")


# Requests --------------------------------------------------------------------------------------


def check_request(
    method: str, path: str, query: Mapping[str, Any], body: Any, form: Mapping[str, Any]
) -> Operation:
    """The operation a call is; refuses what the client's definition lacks."""
    matching = [op for op in operations() if op.matches(method, path)]
    if not matching:
        raise violation(f"Pinterest's API v5 has no operation {method} {path}")
    operation = max(matching, key=lambda op: op.literal_segments)  # /businesses/invites first
    unknown = sorted(set(query) - operation.query)
    if unknown:
        raise violation(f"{operation.id} has no query parameter {', '.join(unknown)}")
    if operation.id == "oauth_token":
        grant_type = str(form.get("grant_type"))
        if grant_type not in TOKEN_FORMS:
            raise violation(f"oauth_token takes no grant_type {grant_type!r} here")
        newer = NEWER_TOKEN_FIELDS.get(grant_type, frozenset())
        known = {name: value for name, value in form.items() if name not in newer}
        check_fields(model(TOKEN_FORMS[grant_type]), known, "the token request")
    elif body is not None:
        if operation.body is None:
            raise violation(f"{operation.id} takes no body")
        check_fields(operation.body, body, f"{operation.id}'s body")
    return operation


# Answers ---------------------------------------------------------------------------------------


def check_response(operation: Operation, status: int, answer: Any, grant_type: str = "") -> None:
    where = f"{operation.id}'s answer"
    if status >= 400:
        check_fields(model(ERROR), answer, f"{operation.id}'s error")
    elif operation.id == "oauth_token":
        check_union([model(m) for m in TOKEN_ANSWERS[grant_type]], answer, where)
    elif operation.id in LIST_ITEMS:
        check_fields(model("paginated.Paginated"), answer, where)
        for item in answer.get("items") or []:
            check_fields(model(LIST_ITEMS[operation.id]), item, f"{where} items")
    elif operation.answer is not None:
        check_fields(operation.answer, answer, where)


def check_union(models: list[Any], answer: Mapping[str, Any], where: str) -> None:
    fields = set().union(*(m.attribute_map.values() for m in models))
    unknown = sorted(set(answer) - fields)
    if unknown:
        raise violation(f"{where} has no field {', '.join(unknown)}")


def check_fields(kind: Any, value: Any, where: str) -> None:
    """A JSON value against a model class: object fields by name, nested models and lists of
    them followed, a string against an enum's values."""
    if value is None or not _is_model(kind):
        return
    if "value" in kind.openapi_types and not kind.attribute_map:  # a model of one value
        allowed = kind.allowed_values.get(("value",))
        if allowed is not None and value not in allowed.values():
            raise violation(f"{where}: {value!r} is none of {kind.__name__}'s values")
        _check_typed(kind.openapi_types["value"], value, where)
        return
    if not isinstance(value, dict):
        raise violation(f"{where} must be an object ({kind.__name__})")
    names = {json_name: name for name, json_name in kind.attribute_map.items()}
    if not names:  # a map of ids to values (AssetIdToPermissions)
        for key, item in value.items():
            _check_typed(kind.additional_properties_type, item, f"{where}[{key}]")
        return
    unknown = sorted(set(value) - set(names))
    if unknown:
        raise violation(f"{where} has no field {', '.join(unknown)} ({kind.__name__})")
    for json_name, item in value.items():
        _check_typed(kind.openapi_types[names[json_name]], item, f"{where}.{json_name}")


def _check_typed(types: tuple[Any, ...], value: Any, where: str) -> None:
    for kind in types:
        if isinstance(kind, list) and isinstance(value, list):
            for item in value:
                _check_typed(tuple(kind), item, f"{where}[]")
            return
        if _is_model(kind):
            check_fields(kind, value, where)
            return
