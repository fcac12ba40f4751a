"""Talking to the TikTok API for Business: one call, and what its errors mean (where it is:
config.py).

Every answer is HTTP 200 with the envelope `{"code", "message", "request_id", "data"}`; a
`code` other than 0 is an error (docs/platforms/tiktok.md#calls). Errors leave this module as
the connector interface's `ConnectorError` subclasses, with a message a person can act on.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.tiktok.config import tiktok_settings

PAGE_SIZE = 50  # the largest page the list endpoints take

# Return codes (docs/platforms/tiktok.md#errors).
OK = 0
NO_PERMISSION = 40001
TOKEN_CODES = frozenset({40102, 40104, 40105})  # expired, missing, invalid or revoked token
RATE_LIMITED = 40100
TRANSIENT_CODES = frozenset({50000, 50002})
RATE_LIMIT_RETRY_SECONDS = 60.0


def call(
    method: str,
    path: str,
    *,
    token: str | None = None,
    params: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One request; the `data` of its envelope. The token travels in the `Access-Token`
    header, as TikTok requires (not `Authorization: Bearer`)."""
    headers = {"Access-Token": token} if token else None
    url = f"{tiktok_settings().api_url}/{path}"
    try:
        response = http.request(
            method, url, headers=headers, params=dict(params) if params else None, json=body
        )
    except http.TransportError as e:
        raise ConnectorError(
            _("TikTok did not answer. Please try again in a moment."), permanent=False
        ) from e
    try:
        envelope = response.json()
    except ValueError:
        envelope = None
    if not isinstance(envelope, dict) or "code" not in envelope:
        raise ConnectorError(
            _("TikTok sent an answer we could not read. Please try again in a moment."),
            http_status=response.status_code,
            permanent=False,
        )
    if envelope["code"] != OK:
        raise error_from(envelope, response.status_code)
    return envelope.get("data") or {}


def pages(path: str, *, token: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a paged list (`data.list`, `data.page_info.total_page`)."""
    page = 1
    while True:
        data = call(
            "GET", path, token=token, params={**params, "page": page, "page_size": PAGE_SIZE}
        )
        yield from data.get("list") or []
        if page >= int((data.get("page_info") or {}).get("total_page") or 1):
            return
        page += 1


def error_from(envelope: Mapping[str, Any], http_status: int) -> ConnectorError:
    code = envelope.get("code")
    details: dict[str, Any] = {"platform_code": str(code), "http_status": http_status}
    if code in TOKEN_CODES:
        return TokenExpired(
            _("Your TikTok sign-in has expired or was removed. Please connect TikTok again."),
            **details,
        )
    if code == RATE_LIMITED:
        return RateLimited(
            _("TikTok is limiting how often we can ask right now. Please try again later."),
            retry_after=RATE_LIMIT_RETRY_SECONDS,
            **details,
        )
    if code == NO_PERMISSION:
        return InsufficientRights(
            _(
                "Your TikTok account is not allowed to do this. Ask an admin of your Business "
                "Center to share it, or to make you an admin."
            ),
            **details,
        )
    message = str(envelope.get("message") or _("TikTok refused the request."))
    return ConnectorError(message, permanent=code not in TRANSIENT_CODES, **details)
