"""Checks of link fields shared by the API and the dashboard (ValueError, as clients' are)."""

import re

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
