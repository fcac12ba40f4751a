"""Graph API errors as the sandbox answers them: the envelope, codes and wording of the real
API (graph-api/guides/error-handling; docs/platforms/meta.md#errors)."""

import json
import secrets
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from agencyaccess.platforms.meta.sandbox import contract


class GraphError(Exception):
    def __init__(
        self,
        code: int,
        message: str,
        *,
        subcode: int | None = None,
        transient: bool = False,
        headers: Mapping[str, str] | None = None,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.subcode = subcode
        self.transient = transient
        self.headers = headers or {}
        self.status = status

    def response(self) -> JsonResponse:
        error: dict[str, Any] = {
            "message": self.message,
            "type": "OAuthException",
            "code": self.code,
            "is_transient": self.transient,
            "fbtrace_id": "A" + secrets.token_urlsafe(15),
        }
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        response = JsonResponse({"error": error}, status=self.status)
        for name, value in self.headers.items():
            response[name] = value
        return response


GraphView = Callable[..., Mapping[str, Any]]


def graph_view(view: GraphView) -> Callable[..., HttpResponse]:
    """A Graph endpoint: JSON out, GraphError as the error envelope. Called by servers, not
    browsers, so no CSRF token (the real API has none either)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        checked = contract.exchange(request, kwargs)  # against the Graph SDK's model, in tests
        try:
            return checked(JsonResponse(view(request, *args, **kwargs)))
        except GraphError as e:
            return checked(e.response())

    return wrapper


def invalid_token() -> GraphError:
    return GraphError(190, "Invalid OAuth access token - Cannot parse access token")


def expired_token(expired_at: str) -> GraphError:
    return GraphError(
        190,
        f"Error validating access token: Session has expired on {expired_at}.",
        subcode=463,
    )


def missing_permission(permission: str) -> GraphError:
    return GraphError(200, f"(#200) Requires {permission} permission to manage the object")


def not_admin() -> GraphError:
    return GraphError(
        200, "(#200) User does not have sufficient administrative permission for this action."
    )


def unsupported(method: str, node: str) -> GraphError:
    return GraphError(
        100,
        f"Unsupported {method.lower()} request. Object with ID '{node}' does not exist, cannot "
        "be loaded due to missing permissions, or does not support this operation.",
        subcode=33,
    )


def nonexisting_field(field: str) -> GraphError:
    """Graph's answer to a `fields` entry the object does not have."""
    return GraphError(
        100, f"(#100) Tried accessing nonexisting field ({field}) on node type (Business)"
    )


def invalid_parameter(message: str) -> GraphError:
    return GraphError(100, f"(#100) {message}")


def rate_limited(business_id: str, *, ad_account: bool) -> GraphError:
    """Ad-account calls hit the ads_management Business Use Case limit (80004), others the app
    limit (4); both say when calls work again (graph-api/overview/rate-limiting)."""
    usage = {
        business_id: [
            {
                "type": "ads_management" if ad_account else "pages",
                "call_count": 100,
                "total_cputime": 40,
                "total_time": 100,
                "estimated_time_to_regain_access": 5,  # minutes
            }
        ]
    }
    headers = {"X-Business-Use-Case-Usage": json.dumps(usage)}
    if ad_account:
        return GraphError(
            80004,
            "(#80004) There have been too many calls to this ad-account. Wait a bit and try again.",
            subcode=2446079,
            transient=True,
            headers=headers,
        )
    headers["X-App-Usage"] = json.dumps({"call_count": 100, "total_cputime": 40, "total_time": 100})
    return GraphError(4, "(#4) Application request limit reached", transient=True, headers=headers)
