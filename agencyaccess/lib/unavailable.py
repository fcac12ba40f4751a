"""While the database cannot be reached: 503 with Retry-After instead of 500, and one log line
per kind of failure a minute instead of a traceback per request (a 10 s outage under load wrote
13 MB of them).

"Cannot be reached" is Django's OperationalError or InterfaceError: refused or dropped
connections, a pool that found no connection in time, "too many clients", SQLite's "database is
locked". Other database errors (an integrity error, a bad query) are bugs and stay 500s with
their traceback.
"""

import logging
import sys
import threading
import time
from collections.abc import Hashable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

from agencyaccess.lib.envelope import error_response

RETRY_AFTER_SECONDS = 10
LOG_EVERY_SECONDS = 60
MESSAGE = f"The service is temporarily unavailable. Please retry in {RETRY_AFTER_SECONDS} seconds."

logger = logging.getLogger(__name__)


def is_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


class LogThrottle:
    """Lets one line per kind through every `every` seconds and counts the ones it held back,
    for the next line to say how many there were."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._lock = threading.Lock()
        self._last: dict[Hashable, float] = {}
        self._held: dict[Hashable, int] = {}

    def admit(self, kind: Hashable) -> int | None:
        """None: do not log this one. Else how many of this kind were held back since the last."""
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(kind, float("-inf")) < self.every:
                self._held[kind] = self._held.get(kind, 0) + 1
                return None
            self._last[kind] = now
            return self._held.pop(kind, 0)


_throttle = LogThrottle(LOG_EVERY_SECONDS)


def report(error: BaseException, where: str) -> None:
    """Log `error` (one that is_unavailable) as one line, at most once a minute per kind: where
    it happened and the driver's own exception class (a refused connection, a pool timeout)."""
    cause = error.__cause__ or error
    kind = type(cause).__name__
    held = _throttle.admit((where, kind))
    if held is None:
        return
    first_line = (str(cause).strip().splitlines() or [""])[0][:300]
    more = f" ({held} more since the last report)" if held else ""
    logger.error("%s: database unavailable, %s: %s%s", where, kind, first_line, more)


def api_response(error: BaseException) -> HttpResponse:
    report(error, "API")
    return _with_retry_after(error_response(503, MESSAGE))


def page_response(error: BaseException) -> HttpResponse:
    report(error, "pages")
    # No request in the context: its context processors would read the session and the user
    # from the database that is down.
    return _with_retry_after(HttpResponse(render_to_string("503.html"), status=503))


def _with_retry_after(response: HttpResponse) -> HttpResponse:
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's handler500: Django calls it while handling the view's (or a middleware's)
    exception, which sys.exc_info() still holds."""
    error = sys.exc_info()[1]
    if is_unavailable(error):
        assert error is not None
        return page_response(error)
    return defaults.server_error(request)


class DropUnavailable(logging.Filter):
    """On the django.request logger, which logs every 5xx answer, with the traceback when there
    is one: the 503s are reported by report() instead, one line a minute."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and is_unavailable(record.exc_info[1]):
            return False
        return getattr(record, "status_code", None) != 503


class OnePerInterval(logging.Filter):
    """On the psycopg.pool logger, which warns of every failed connection attempt (several a
    second in each process during an outage): one line per kind a minute, with how many were
    held back."""

    def __init__(self) -> None:
        super().__init__()
        self.throttle = LogThrottle(LOG_EVERY_SECONDS)

    def filter(self, record: logging.LogRecord) -> bool:
        held = self.throttle.admit(record.msg)
        if held:
            record.msg = f"{record.getMessage()} ({held} more since the last report)"
            record.args = ()
        return held is not None
