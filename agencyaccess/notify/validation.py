"""Checks of the addresses events are sent to. Each raises ValueError with the rest of a sentence
that starts with the field's name ("target_url" + " must be …")."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

MAX_TARGET_URL = 2000  # WebhookEndpoint.url's length

_https = URLValidator(schemes=["https"])
_http_or_https = URLValidator(schemes=["http", "https"])


def private_targets_allowed() -> bool:
    """On for development and tests, where the receiver runs on this machine."""
    return getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)


def clean_target_url(value: str) -> str:
    """An absolute https URL whose host is not a private address, as sent.

    A host name is checked where it matters, when an event is sent (lib/http.py resolves it and
    refuses private addresses then): what it resolves to now may change by then. An address
    written as such, or `localhost`, can only be refused, so it is refused now.
    """
    allowed = private_targets_allowed()
    try:
        (_http_or_https if allowed else _https)(value)
    except ValidationError:
        scheme = "http(s)" if allowed else "https"
        raise ValueError(
            f"must be an absolute {scheme} URL, such as https://hooks.zapier.com/hooks/standard/1/2/"
        ) from None
    if not allowed and _is_private(urlsplit(value).hostname or ""):
        raise ValueError("must not point to a private, loopback or link-local address")
    return value


def _is_private(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):  # loopback by definition (RFC 6761)
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False  # a name, not an address
