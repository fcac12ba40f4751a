"""The public API (README.md, docs/api.md): one NinjaAPI, a router per app, and every error in the
`{"error": true, "msg": ...}` envelope with a message a developer can act on."""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from agencyaccess.apikeys.api import router as apikeys_router
from agencyaccess.apikeys.middleware import _too_large_message, server_error_response
from agencyaccess.clients.api import router as clients_router
from agencyaccess.lib.envelope import error_response
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.schemas import validation_message
from agencyaccess.links.api import router as links_router
from agencyaccess.notify.api import router as hooks_router
from agencyaccess.openapi import AgencyAccessAPI

logger = logging.getLogger(__name__)


class UnacceptableBody(ValueError):
    """JSON the API cannot take; the message says why."""


class ObjectParser(Parser):
    """Bodies must be JSON objects: ninja would read an array or a number as an object with
    every field missing, and answer "name is required" to a body that has no names at all.

    Text must not hold NUL characters, which PostgreSQL cannot store (Django's forms refuse
    them the same way): without this check they reach the database and fail there as a 500.
    """

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise UnacceptableBody("The request body must be a JSON object.")
        if (where := _nul_at(data)) is not None:
            raise UnacceptableBody(
                f"{where or 'The request body'} must not contain NUL characters."
            )
        return data

    def parse_querydict(self, data, list_fields, request):
        values = super().parse_querydict(data, list_fields, request)
        if (where := _nul_at(values)) is not None:
            raise ActionError(f"{where or 'Query parameters'} must not contain NUL characters.")
        return values


def _nul_at(value: Any, path: str = "") -> str | None:
    """The path of the first string (or object key) in a parsed JSON value holding a NUL."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        children = [(key, f"{path}.{key}" if path else key, item) for key, item in value.items()]
    elif isinstance(value, list):
        children = [("", f"{path}[{i}]", item) for i, item in enumerate(value)]
    else:
        return None
    for key, where, item in children:
        if "\x00" in key:
            return path  # the object whose key it is
        if (found := _nul_at(item, where)) is not None:
            return found
    return None


api = AgencyAccessAPI(
    title="AgencyAccess API",
    version="1",
    description=(
        "Create clients and access links, and follow what each client granted. "
        "Send your API key in the `X-Auth` header. Every answer is "
        '`{"error": false, "data": ...}` or `{"error": true, "msg": "..."}`. '
        "The events that webhooks and Zapier receive are described in the "
        "[event catalogue](/docs/events/)."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=ObjectParser(),
)
api.add_router("/clients", clients_router)
api.add_router("/links", links_router)
api.add_router("/hooks", hooks_router)
api.add_router("", apikeys_router)  # /api/me


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return error_response(400, validation_message(exc.errors))


@api.exception_handler(ActionError)
def _action_error(request, exc: ActionError):
    return error_response(exc.status, exc.message)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # ninja wraps what the parser raised; the cause tells bad JSON from JSON of the wrong kind.
        if isinstance(exc.__cause__, UnacceptableBody):
            return error_response(400, str(exc.__cause__))
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
    return server_error_response(request, exc, logger, "API error")
