"""The OpenAPI document at /api/openapi.json: what ninja generates from the routers, plus what
every operation shares, added here once so that an operation gets it without declaring it.

ApiMiddleware answers any request under /api/ with a 405, 413, 429 or 500 when it must, and puts
the rate-limit headers on every answer; operations wrapped in @idempotent take an
`Idempotency-Key` header. The servers are SITE_URL. What only one operation says (its example,
its links to other operations) is declared with the operation, through `operation_doc()`; a
query parameter's example is its field's first `examples` entry.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from agencyaccess.apikeys import idempotency
from agencyaccess.lib.schemas import ErrorOut

JSON = "application/json"
ERROR_OUT = {"$ref": REF_TEMPLATE.format(model="ErrorOut")}

# docs/api.md, "Keys, rate limits, idempotency". Required where an answer carries them.
HEADERS: dict[str, dict[str, Any]] = {
    "X-RateLimit-Limit": {
        "description": "Requests allowed a minute: the key's limit, or the address's for a "
        "request without a valid key.",
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in the current one-minute window.",
        "schema": {"type": "integer", "minimum": 0},
        "required": True,
    },
    "X-RateLimit-Reset": {
        "description": "When the current window ends, in seconds since the Unix epoch.",
        "schema": {"type": "integer", "minimum": 0},
        "required": True,
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request counts again.",
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
    },
    "Allow": {
        "description": "The methods this path takes.",
        "schema": {"type": "string"},
        "required": True,
    },
}
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")

# What ApiMiddleware may answer to any operation, and the headers that answer always carries.
SHARED_RESPONSES: dict[int, tuple[str, tuple[str, ...]]] = {
    405: ("Method Not Allowed: the path takes only the methods in Allow.", ("Allow",)),
    413: ("Request Entity Too Large: the body is over 1 MB, refused unread.", ()),
    429: (
        "Too Many Requests: over the rate limit; Retry-After says when to try again.",
        ("Retry-After",),
    ),
    500: (
        "Server Error: logged on our side; try again later. When the rate-limit counter itself "
        "failed, this answer comes without the X-RateLimit headers.",
        (),
    ),
}

_KEPT_FOR_HOURS = idempotency.KEPT_FOR // timedelta(hours=1)
IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": idempotency.HEADER,
    "required": False,
    "description": (
        f"Any string of up to {idempotency.MAX_KEY_LENGTH} characters, new for each new request. "
        f"A retry with the same key and body within {_KEPT_FOR_HOURS} hours gets the first "
        "answer again and creates nothing; the same key with another body is a 409."
    ),
    "schema": {"type": "string", "maxLength": idempotency.MAX_KEY_LENGTH},
}


class AgencyAccessAPI(NinjaAPI):
    """The one NinjaAPI, with this module's document and short operation ids: the view's name,
    which generated clients turn into their function names (`clients_create`)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return Document(self, path_prefix)

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__


class Document(OpenAPISchema):
    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        super().__init__(api, path_prefix)
        # What the shared answers refer to, whether an operation's own answers do or not.
        self.add_schema_definitions({"ErrorOut": _error_out_schema()})
        self["components"]["headers"] = HEADERS
        self["servers"] = [{"url": settings.SITE_URL}]

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        responses = details["responses"]
        for status, (description, _) in SHARED_RESPONSES.items():
            responses.setdefault(
                status, {"description": description, "content": {JSON: {"schema": ERROR_OUT}}}
            )
        for status, response in responses.items():
            response["headers"] = _headers(int(status)) | response.get("headers", {})
        details["responses"] = dict(sorted(responses.items(), key=lambda item: int(item[0])))
        # ninja copies a field's `examples` (JSON Schema's list, which stays in the parameter's
        # schema) to the parameter, where OpenAPI 3.1 wants a map of Example Objects and
        # validators and client generators refuse a list: the parameter gives its `example`.
        for parameter in details["parameters"]:
            if examples := parameter.pop("examples", None):
                parameter["example"] = examples[0]
        if idempotency.takes_key(operation.view_func):
            details["parameters"] = [*details["parameters"], IDEMPOTENCY_KEY_PARAMETER]
        return details


def _headers(status: int) -> dict[str, Any]:
    if status == 500:  # it may come from the rate limiter failing, without its headers
        headers = {name: HEADERS[name] | {"required": False} for name in RATE_LIMIT_HEADERS}
    else:
        headers = {name: _header_ref(name) for name in RATE_LIMIT_HEADERS}
    _, also = SHARED_RESPONSES.get(status, ("", ()))
    return headers | {name: _header_ref(name) for name in also}


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _error_out_schema() -> dict[str, Any]:
    return ErrorOut.model_json_schema(
        ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization"
    )


def operation_doc(
    *,
    request: dict[str, Any] | None = None,
    response: Any,
    status: int = 200,
    errors: dict[int, str] | None = None,
    links: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An operation's `openapi_extra`: the example of its request body and of its answer (from
    the API guide), the answer's under the success `status` the operation declares, examples of
    error messages by status, and links from its answer's `data` to the operations that take it
    (which schemathesis's stateful tests follow)."""
    success: dict[str, Any] = {"content": {JSON: {"example": {"error": False, "data": response}}}}
    if links:
        success["links"] = links
    responses: dict[int, Any] = {status: success}
    for error_status, msg in (errors or {}).items():
        responses[error_status] = {"content": {JSON: {"example": {"error": True, "msg": msg}}}}
    extra: dict[str, Any] = {"responses": responses}
    if request is not None:
        extra["requestBody"] = {"content": {JSON: {"example": request}}}
    return extra


def link_to(
    operation_id: str, *, query: str = "", body: str = "", field: str = ""
) -> dict[str, Any]:
    """A link passing the answer's `data` (an id), or the `field` of it named, to `operation_id`,
    as the query parameter or body field named."""
    value = f"$response.body#/data/{field}" if field else "$response.body#/data"
    link: dict[str, Any] = {"operationId": operation_id}
    if query:
        link["parameters"] = {f"query.{query}": value}
    if body:
        link["requestBody"] = {body: value}
    return link
