"""Every request that leaves the process goes through here (DESIGN.md, convention 3).

Timeouts always, bounded retries of transient failures for idempotent methods, and for
addresses a customer typed (webhooks) `post_to_public_url`: the host is resolved once, refused
unless every address is public, and the connection goes to the address that was checked, so a
second DNS answer (DNS rebinding) cannot send the request into the private network.
Tests swap the transport in one place: `set_transport_for_tests`.
"""

import contextvars
import functools
import ipaddress
import logging
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
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
) -> httpx.Response:
    """Send one request; retry connection failures and 502/503/504 of idempotent methods.

    Any answer from the server, 4xx and 5xx included, is returned for the caller to interpret.
    """
    method = method.upper()
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


class RefusedTarget(TransportError):
    """The URL may not be called: not https, or its host is (or resolves to) a private,
    loopback, link-local or otherwise non-public address. The message says which."""


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses, as the system's resolver gives them (tests replace this)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Reachable on the internet: not private, loopback, link-local, shared (CGNAT), reserved
    or multicast, in IPv4 or IPv6, including IPv4 addresses wrapped in IPv6 (::ffff:10.0.0.1,
    6to4 2002:a00:1::, NAT64 64:ff9b::a00:1)."""
    if isinstance(address, ipaddress.IPv6Address):
        wrapped = address.ipv4_mapped or address.sixtofour
        if wrapped is None and address in _NAT64:
            wrapped = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if wrapped is not None:
            return is_public(wrapped)
    return address.is_global and not address.is_multicast


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


@dataclass(frozen=True)
class Target:
    """A URL checked for sending: the address its connection must go to."""

    url: str
    host: str
    address: str


def check_target(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host once and check it; RefusedTarget says why it may not be called.

    https only, and every address the host resolves to must be public (one private address
    among public ones would let the host's owner pick which one we reach). `allow_private`
    (a test, an intranet install) accepts plain http and any address.
    """
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise RefusedTarget(f"{_safe(url)} is not an https:// address")
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedTarget(f"{_safe(url)} has an invalid port") from None
    try:
        literal: str | None = str(ipaddress.ip_address(host))
    except ValueError:
        literal = None
    try:
        addresses = [literal] if literal else resolve(host, port)
    except (OSError, UnicodeError) as e:
        raise RefusedTarget(f"{host} does not resolve") from e
    if not addresses:
        raise RefusedTarget(f"{host} does not resolve")
    if not allow_private:
        for address in addresses:
            if not is_public(ipaddress.ip_address(address.split("%")[0])):
                raise RefusedTarget(
                    f"{host} is a private, loopback or link-local address"
                    if literal
                    else f"{host} resolves to a private, loopback or link-local address"
                )
    return Target(url, host, addresses[0])


# The checked address of the request this thread is sending (see _PinnedBackend).
_pinned: contextvars.ContextVar[Target | None] = contextvars.ContextVar("pinned", default=None)


class _PinnedBackend(httpcore.SyncBackend):
    """Opens connections to the address check_target approved, never to a fresh DNS answer.

    The URL keeps its host name, so the request's Host header, TLS SNI and certificate check
    are the host's, and pooled connections are kept per host name; only the TCP connection is
    made to the checked address. A host that was not checked in this thread is refused."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        target = _pinned.get()
        if target is None or target.host != host:
            raise httpcore.ConnectError(f"{host} was not checked before connecting")
        return super().connect_tcp(target.address, port, timeout, local_address, socket_options)


class _PinnedTransport(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        # httpx takes no network backend of its own: its pool is replaced by the same pool
        # (httpx's defaults) opening its connections through _PinnedBackend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=_PinnedBackend(),
        )


_pinned_client_lock = threading.Lock()


def _pinned_client(transport: httpx.BaseTransport | None) -> httpx.Client:
    """One client per process, as _client. Made under a lock: the webhook threads' first
    requests come at once, and each would otherwise build a client (and load the CA bundle)."""
    with _pinned_client_lock:
        return _make_pinned_client(transport)


@functools.cache
def _make_pinned_client(transport: httpx.BaseTransport | None) -> httpx.Client:
    return httpx.Client(transport=transport or _PinnedTransport(), follow_redirects=False)


@dataclass(frozen=True)
class Reply:
    """An answer to post_to_public_url: the status, the headers, the start of the body."""

    status: int
    headers: httpx.Headers
    excerpt: bytes


def post_to_public_url(
    url: str,
    content: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    allow_private: bool,
    read_limit: int,
) -> Reply:
    """POST to a URL a customer typed: checked by check_target, connected to the checked
    address, redirects not followed, at most `read_limit` bytes of the answer read.

    RefusedTarget when the URL may not be called; TransportError when no answer came within
    `timeout` seconds (to connect, and between bytes of the answer).
    """
    target = check_target(url, allow_private=allow_private)
    token = _pinned.set(target)
    try:
        with _pinned_client(_transport).stream(
            "POST",
            url,
            content=content,
            # Compressed answers would make the excerpt unreadable, and could expand a lot.
            headers={**headers, "Accept-Encoding": "identity"},
            timeout=timeout,
        ) as response:
            excerpt = bytearray()
            for chunk in response.iter_raw():
                excerpt += chunk
                if len(excerpt) >= read_limit:
                    break
            return Reply(response.status_code, response.headers, bytes(excerpt[:read_limit]))
    except httpx.TimeoutException as e:
        raise TransportError(f"no answer within {timeout:g} s ({type(e).__name__})") from e
    except httpx.HTTPError as e:
        raise TransportError(f"{type(e).__name__}: {e}") from e
    finally:
        _pinned.reset(token)
