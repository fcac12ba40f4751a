"""What every fake Google API endpoint does before and after its own work: the bearer token, the
scopes, the people who are rate limited or expired, the project-level switches, and Google's
error envelope (cloud.google.com/apis/design/errors)."""

import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from agencyaccess.platforms.google.config import in_sandbox
from agencyaccess.platforms.google.sandbox import contract, state, tokens, world

# The "reason" the discovery-era APIs (Webmasters, Site Verification, Tag Manager) add.
LEGACY_REASONS = {
    "UNAUTHENTICATED": "authError",
    "PERMISSION_DENIED": "forbidden",
    "NOT_FOUND": "notFound",
    "ALREADY_EXISTS": "duplicate",
    "INVALID_ARGUMENT": "invalid",
    "RESOURCE_EXHAUSTED": "rateLimitExceeded",
}
CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Problem(Exception):
    """An error answer, in Google's envelope."""

    def __init__(
        self,
        http_status: int,
        status: str,
        message: str,
        *,
        reason: str = "",
        metadata: Mapping[str, str] | None = None,
        ads_error: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status, self.status, self.message = http_status, status, message
        self.reason, self.metadata = reason, dict(metadata or {})
        self.ads_error = ads_error
        self.headers = dict(headers or {})

    def response(self, legacy: bool) -> JsonResponse:
        error: dict[str, Any] = {
            "code": self.http_status,
            "message": self.message,
            "status": self.status,
        }
        details: list[dict[str, Any]] = []
        if self.reason:
            details.append(
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": self.reason,
                    "domain": "googleapis.com",
                    "metadata": self.metadata,
                }
            )
        if self.ads_error:
            version = settings.GOOGLE_ADS_API_VERSION
            details.append(
                {
                    "@type": f"type.googleapis.com/google.ads.googleads.{version}.errors.GoogleAdsFailure",
                    "errors": [{"errorCode": dict(self.ads_error), "message": self.message}],
                }
            )
        if details:
            error["details"] = details
        if legacy:
            error["errors"] = [
                {
                    "message": self.message,
                    "domain": "global",
                    "reason": LEGACY_REASONS.get(self.status, "backendError"),
                }
            ]
        response = JsonResponse({"error": error}, status=self.http_status)
        for name, value in self.headers.items():
            response[name] = value
        return response


def denied(message: str = "The caller does not have permission", **kwargs: Any) -> Problem:
    return Problem(403, "PERMISSION_DENIED", message, **kwargs)


def not_found(message: str = "Requested entity was not found.") -> Problem:
    return Problem(404, "NOT_FOUND", message)


def invalid(message: str = "Request contains an invalid argument.", **kwargs: Any) -> Problem:
    return Problem(400, "INVALID_ARGUMENT", message, **kwargs)


def already_exists(message: str) -> Problem:
    return Problem(409, "ALREADY_EXISTS", message)


View = Callable[..., dict[str, Any] | None]


def google_api(
    *, product: str, scopes: frozenset[str], legacy: bool = False, changes: bool | None = None
) -> Callable[[View], Callable[..., HttpResponse]]:
    """Wrap a fake endpoint of `product` (the API's host name, such as "analyticsadmin"):
    view(request, caller, **url kwargs) returns the JSON body (None for an empty 204).
    `scopes`: any one of them is enough. `legacy`: the API is a discovery-era one.
    `changes`: whether the call changes something (by default: it is not a GET), which is what
    rate-limited people cannot do."""

    def decorate(view: View) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def endpoint(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            open_sandbox()
            checked = contract.exchange(request)  # against Google's own definitions, in tests
            try:
                caller = _caller(request, scopes)
                changing = request.method in CHANGING_METHODS if changes is None else changes
                _refuse_by_situation(product, caller, changing)
                body = view(request, caller, **kwargs)
            except Problem as problem:
                return checked(problem.response(legacy))
            return checked(HttpResponse(status=204) if body is None else JsonResponse(body))

        return endpoint

    return decorate


def by_method(**views: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One URL, a view per HTTP method (each with its own scopes)."""

    @csrf_exempt
    def dispatch(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        view = views.get(request.method or "")
        if view is None:
            return Problem(405, "METHOD_NOT_ALLOWED", "Method not allowed.").response(False)
        return view(request, **kwargs)

    return dispatch


def open_sandbox() -> None:
    """The sandbox exists only while Google is not configured; then it is the whole world."""
    if not in_sandbox():
        raise Http404("The Google sandbox is off: this installation uses the real Google.")
    state.ensure_world()


def json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise invalid("Invalid JSON payload received.") from None
    if not isinstance(body, dict):
        raise invalid("Invalid JSON payload received.")
    return body


def page(request: HttpRequest, items: list[Any], key: str, *, default_size: int = 50) -> dict:
    """A page of a list, `pageToken` being the offset (google.aip.dev/158)."""
    try:
        size = int(request.GET.get("pageSize") or default_size)
        start = int(request.GET.get("pageToken") or 0)
    except ValueError:
        raise invalid("Invalid page size or page token.") from None
    answer: dict[str, Any] = {key: items[start : start + size]} if items else {}
    if start + size < len(items):
        answer["nextPageToken"] = str(start + size)
    return answer


def _caller(request: HttpRequest, scopes: frozenset[str]) -> world.FakeUser:
    header = request.headers.get("Authorization", "")
    held = tokens.holder(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None
    caller = world.USERS_BY_EMAIL.get(held["email"]) if held else None
    if held is None or caller is None or caller.behaviour == world.Behaviour.EXPIRED:
        raise Problem(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential.",
            reason="ACCESS_TOKEN_EXPIRED" if held else "CREDENTIALS_MISSING",
        )
    if not scopes & set(held["scopes"]):
        raise denied(
            "Request had insufficient authentication scopes.",
            reason="ACCESS_TOKEN_SCOPE_INSUFFICIENT",
        )
    return caller


def _refuse_by_situation(product: str, caller: world.FakeUser, changing: bool) -> None:
    if product == "merchantapi" and not state.knob("merchant_registered"):
        raise Problem(
            401,
            "UNAUTHENTICATED",
            "GCP project with id sandbox-project and number 100000000001 is not registered with "
            "the merchant account. Please register the GCP project with the merchant account "
            "then try again.",
        )
    if product.startswith("mybusiness") and not state.knob("business_profile_approved"):
        raise _quota_exceeded(product, limit="0")
    if changing and caller.behaviour == world.Behaviour.RATE_LIMITED:
        raise _quota_exceeded(product, limit="60")


def _quota_exceeded(product: str, *, limit: str) -> Problem:
    return Problem(
        429,
        "RESOURCE_EXHAUSTED",
        f"Quota exceeded for quota metric 'Write requests' and limit 'Write requests per "
        f"minute per user' of service '{product}.googleapis.com'.",
        reason="RATE_LIMIT_EXCEEDED",
        metadata={"quota_limit_value": limit, "service": f"{product}.googleapis.com"},
        headers={"Retry-After": "30"},
    )
