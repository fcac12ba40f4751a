"""Rest.li error envelopes as LinkedIn sends them: `{"status", "serviceErrorCode", "code",
"message"}` (shared/api-guide/concepts/error-handling), and the view decorator that turns a
raised `RestliError` into one."""

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt


class RestliError(Exception):
    def __init__(self, status: int, code: str, message: str, service_error_code: int = 0) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.service_error_code = service_error_code

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "code": self.code, "message": self.message}
        if self.service_error_code:
            body["serviceErrorCode"] = self.service_error_code
        return body


def invalid_token() -> RestliError:
    return RestliError(401, "INVALID_ACCESS_TOKEN", "Invalid access token", 65600)


def access_denied(what: str) -> RestliError:
    return RestliError(403, "ACCESS_DENIED", f"Not enough permissions to access: {what}", 100)


def not_found(what: str) -> RestliError:
    return RestliError(404, "NOT_FOUND", f"Not found: {what}")


def bad_request(message: str) -> RestliError:
    return RestliError(400, "INVALID_VALUE", message)


def restli_view(
    view: Callable[..., Mapping[str, Any] | None],
) -> Callable[..., HttpResponse]:
    """A JSON answer, 204 for None (LinkedIn's empty success), or the error envelope."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            answer = view(request, *args, **kwargs)
        except RestliError as e:
            return JsonResponse(e.envelope(), status=e.status)
        if answer is None:
            return HttpResponse(status=204)
        return JsonResponse(dict(answer))

    return wrapper
