"""The address a request comes from, as the rate limits and login throttles count it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind settings.TRUSTED_PROXIES reverse proxies, the address the outermost
    of them saw, which each proxy appends to X-Forwarded-For. Entries to its left are whatever
    the client wrote and are not believed; a header too short or not an address is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


def ip_address_or_none(address: str | None) -> str | None:
    """An address for a GenericIPAddressField: REMOTE_ADDR is empty or a socket path behind
    some servers, and no address is better than a value the column refuses."""
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None
