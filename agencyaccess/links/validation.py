"""Checks of link fields shared by the API and the dashboard (ValueError, as clients' are)."""

import re

from django.utils import timezone

from agencyaccess.lib.timestamps import epoch_ms

_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
# A DNS host name with at least two labels and an alphabetic top-level domain, then an optional
# path (and query). No scheme, user, port or fragment: nothing that can point the client anywhere
# but the website it names.
_REDIRECT = re.compile(
    rf"^(?P<host>(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}}))"
    r"(?P<path>/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?$"
)

MAX_CC = 10
# The furthest end date of a link's access (accessUntil): a bound that keeps any date in range
# of every database, and far beyond a contract's length.
MAX_ACCESS_DAYS = 5 * 366


def clean_redirect(value: str) -> str:
    """'https://Example.com/thanks' -> 'example.com/thanks'; refuses anything but host + path."""
    value = value.strip()
    if not value:
        return ""
    # After the emptiness check: a bare "https://" names no website and is refused.
    value = _SCHEME.sub("", value, count=1)
    host, slash, rest = value.partition("/")
    candidate = host.lower() + slash + rest
    if len(candidate) > 500 or not _REDIRECT.match(candidate) or "//" in slash + rest:
        raise ValueError(
            "must be a website address: a host name with an optional path, "
            "such as yourwebsite.com/thanks"
        )
    return candidate


def check_access_until(epoch_milliseconds: int) -> None:
    """An end date of access, in epoch milliseconds: in the future, and within MAX_ACCESS_DAYS."""
    now = epoch_ms(timezone.now())
    if epoch_milliseconds <= now:
        raise ValueError("must be in the future, in epoch milliseconds")
    if epoch_milliseconds > now + MAX_ACCESS_DAYS * 86_400_000:
        raise ValueError(f"must be at most {MAX_ACCESS_DAYS} days away, in epoch milliseconds")
