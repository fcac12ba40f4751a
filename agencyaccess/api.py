"""The public API (spec/api-guide.md): one NinjaAPI, a router per app, and every error in the
`{"error": true, "msg": ...}` envelope with a message a developer can act on."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from agencyaccess.apikeys.middleware import _too_large_message
from agencyaccess.clients.api import router as clients_router
from agencyaccess.lib.envelope import error_response
from agencyaccess.lib.errors import ActionError
from agencyaccess.links.api import INVALID_CLIENT
from agencyaccess.links.api import router as links_router

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="AgencyAccess API",
    version="1",
    description=(
        "Create clients and access links, and follow what each client granted. "
        "Send your API key in the `X-Auth` header. Every answer is "
        '`{"error": false, "data": ...}` or `{"error": true, "msg": "..."}`.'
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/clients", clients_router)
api.add_router("/links", links_router)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return error_response(400, validation_message(exc.errors))


@api.exception_handler(ActionError)
def _action_error(request, exc: ActionError):
    return error_response(exc.status, exc.message)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return error_response(400, "The request body is not valid JSON.")
    return error_response(exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return error_response(404, "Not found.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc: RequestDataTooBig):
    return error_response(413, _too_large_message())


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(
        500,
        "Server error: something went wrong on our side and it has been logged. "
        "Please try again later.",
    )


_PROBLEMS = {
    "missing": "is required",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be an array",
    "string_too_short": "must not be empty",
}


def validation_message(errors: list[dict]) -> str:
    """pydantic's errors as sentences naming each field: 'metadata.plan must be a string.'"""
    sentences: list[str] = []
    for error in errors:
        loc = (
            [str(part) for part in error.get("loc", ())[2:]]
            if error.get("loc", ("",))[0] == "body"
            else [str(part) for part in error.get("loc", ())[1:]]
        )
        if loc and loc[0] == "clientID":
            sentence = INVALID_CLIENT
        elif not loc and error.get("type") in (
            "missing",
            "model_attributes_type",
            "dict_type",
            "model_type",
        ):
            sentence = "The request body must be a JSON object."
        else:
            sentence = _sentence(loc, error)
        if sentence not in sentences:
            sentences.append(sentence)
    return " ".join(s if s.endswith(".") else s + "." for s in sentences)


def _sentence(loc: list[str], error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        problem = str(ctx.get("error", error.get("msg", "")))
    elif kind == "string_too_long":
        problem = f"must be at most {ctx.get('max_length')} characters"
    elif kind == "too_long":
        problem = f"may hold at most {ctx.get('max_length')} items"
    else:
        problem = _PROBLEMS.get(kind) or str(error.get("msg", "is invalid")).lower()
    return f"{_path(loc)} {problem}" if loc else problem[:1].upper() + problem[1:]


def _path(loc: list[str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path
