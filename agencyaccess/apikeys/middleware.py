import logging
from http import HTTPStatus

from django.conf import settings
from django.http import Http404
from django.urls import resolve
from django.utils import translation

from agencyaccess.apikeys import ratelimit
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.lib import unavailable
from agencyaccess.lib.addresses import client_address
from agencyaccess.lib.envelope import error_response

API_PREFIX = "/api/"
SERVER_ERROR = (
    "Server error: something went wrong on our side and it has been logged. Please try again later."
)

logger = logging.getLogger(__name__)


class ApiMiddleware:
    """Every request under /api/: the key looked up once, the rate limit counted, bodies over the
    limit refused unread, and every answer in the JSON envelope, Django's own 404, 405 and 500
    pages included.

    The API's view is called from here, past the middleware after this one: sessions, the
    visitor's language, CSRF, the signed-in user, messages and htmx belong to the site's pages
    (an API key is all the API knows, and it answers in English whatever the request's
    Accept-Language). They cost a sixth of a links/retrieve (bench/profile_request.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            return self._api_call(request)
        except Exception as error:
            # The view's own crashes come back as responses; this is the key lookup or the
            # rate-limit counter failing (the database down): still the envelope.
            return server_error_response(request, error, logger, "API middleware error")

    def _api_call(self, request):
        key = request.headers.get("X-Auth", "")
        request.api_key = ApiKey.objects.for_key(key) if key else None
        usage = ratelimit.hit(*self._bucket(request))
        if usage.exceeded:
            response = error_response(
                429,
                f"Rate limit exceeded: {usage.limit} requests a minute. "
                f"Retry after {usage.retry_after()} seconds.",
            )
            response["Retry-After"] = str(usage.retry_after())
        elif _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            response = error_response(413, _too_large_message())
        else:
            if request.api_key is not None:
                request.api_key.touch()
            response = _as_envelope(request, _api_view_response(request))
        for header, value in usage.headers().items():
            response[header] = value
        # What the skipped CommonMiddleware would add (else gunicorn sends chunks), and no
        # cache anywhere keeps an answer: they carry an agency's data.
        response["Content-Length"] = str(len(response.content))
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _bucket(request) -> tuple[str, int]:
        api_key = request.api_key
        if api_key is not None:
            return (
                f"key:{api_key.pk}",
                api_key.rate_limit_per_minute or settings.API_RATE_LIMIT_PER_MINUTE,
            )
        # No valid key: count by address, which also slows down anyone guessing keys.
        return f"ip:{client_address(request)}", settings.API_RATE_LIMIT_PER_MINUTE


def server_error_response(request, error: Exception, log: logging.Logger, what: str):
    """A crash's answer: 503 with Retry-After while the database cannot be reached (logged as one
    line a minute), else 500 with the traceback logged to `log`. Called while handling `error`."""
    if unavailable.is_unavailable(error):
        return unavailable.api_response(error)
    log.exception("%s on %s %s", what, request.method, request.path)
    return error_response(500, SERVER_ERROR)


def _api_view_response(request):
    try:
        match = resolve(request.path_info)
        request.resolver_match = match
        # A thread's language stays as the last client page left it; the API speaks English.
        with translation.override(settings.LANGUAGE_CODE):
            return match.func(request, *match.args, **match.kwargs)
    except Http404:  # Resolver404 among them; ninja's own views raise it for /api/
        return error_response(404, _not_found_message(request))


def _not_found_message(request) -> str:
    return f"Not found: there is no API endpoint at {request.path}."


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _too_large_message() -> str:
    return f"The request body is too large: the limit is {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024} KB."


def _as_envelope(request, response):
    """Django answers unknown paths, wrong methods and crashes with HTML; the API never does."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    status = response.status_code
    if status == 404:
        msg = _not_found_message(request)
    elif status == 405:
        msg = f"Method {request.method} is not allowed on {request.path}; use {response.get('Allow', 'another method')}."
    elif status >= 500:
        msg = SERVER_ERROR
    else:
        msg = f"{HTTPStatus(status).phrase}."
    enveloped = error_response(status, msg)
    if "Allow" in response:
        enveloped["Allow"] = response["Allow"]
    return enveloped
