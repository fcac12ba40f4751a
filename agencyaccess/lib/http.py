"""Every request that leaves the process goes through here (DESIGN.md, convention 3).

Timeouts always, bounded retries of transient failures for idempotent methods, and for
addresses a customer typed (webhooks) a refusal of private, loopback and link-local hosts.
Tests swap the transport in one place: `set_transport_for_tests`.
"""

import functools
import ipaddress
import logging
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

logger = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
RETRIED_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRIED_STATUSES = frozenset({502, 503, 504})


class TransportError(Exception):
    """The request did not get an answer: a timeout, a refused connection, a refused address."""


_transport: httpx.BaseTransport | None = None


def set_transport_for_tests(transport: httpx.BaseTransport | None) -> None:
    global _transport  # the one switch tests flip; production never sets it
    _transport = transport
    _client.cache_clear()


@functools.cache
def _client(transport: httpx.BaseTransport | None) -> httpx.Client:
    """One client per process, reused: a new one per request costs a TLS context and a
    connection (tens of milliseconds) every time. httpx clients are safe to share by threads."""
    return httpx.Client(timeout=TIMEOUT, transport=transport, follow_redirects=False)


def request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    params: dict[str, Any] | None = None,
    json: Any = None,
    data: dict[str, Any] | None = None,
    retries: int = 2,
    public_only: bool = False,
) -> httpx.Response:
    """Send one request; retry connection failures and 502/503/504 of idempotent methods.

    Any answer from the server, 4xx and 5xx included, is returned for the caller to interpret.
    `public_only` refuses hosts that resolve to private addresses (for URLs a customer typed).
    """
    method = method.upper()
    if public_only:
        _check_public(url)
    attempts = 1 + (retries if method in RETRIED_METHODS else 0)
    for attempt in range(attempts):
        try:
            response = _client(_transport).request(
                method, url, headers=headers, params=params, json=json, data=data
            )
        except httpx.TransportError as e:
            if attempt + 1 == attempts:
                raise TransportError(f"{method} {_safe(url)} failed: {type(e).__name__}") from e
        else:
            if response.status_code not in RETRIED_STATUSES or attempt + 1 == attempts:
                return response
        time.sleep(min(2.0, 0.2 * 2**attempt))
    raise AssertionError("unreachable")


def _safe(url: str) -> str:
    """The URL without its query: tokens and codes travel there and must not reach the logs."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _check_public(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TransportError(f"{_safe(url)} is not an http(s) address")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as e:
        raise TransportError(f"{parts.hostname} does not resolve") from e
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise TransportError(f"{parts.hostname} resolves to a private address")
