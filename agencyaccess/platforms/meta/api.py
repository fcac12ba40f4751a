"""Talking to Meta's Graph API: one call, and what its errors mean (where it is: config.py).

Every call goes through `lib.http` (DESIGN.md, convention 3). Errors come back as Graph error
objects, `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`
(developers.facebook.com/docs/graph-api/guides/error-handling), and leave this module as the
connector interface's `ConnectorError` subclasses, with a message a client can act on.
"""

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext as _

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.meta.config import meta_settings

PAGE_SIZE = 100  # Graph's default page is 25 items; fewer round trips for big businesses

# Error codes (graph-api/guides/error-handling; docs/platforms/meta.md#errors).
INVALID_TOKEN_CODES = frozenset({102, 190})
PERMISSION_DENIED = 10
API_PERMISSION_CODES = range(200, 300)
ALREADY_HAS_ACCESS = 3944
# App, user and page limits, then the Business Use Case limits of each product family
# (graph-api/overview/rate-limiting): 80004 is "too many calls to this ad account".
RATE_LIMIT_CODES = frozenset(
    {4, 17, 32, 613, 80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014}
)
TRANSIENT_CODES = frozenset({1, 2})  # "unknown error" and "service temporarily unavailable"
# A code-200 error is either an unticked permission ("(#200) Requires business_management
# permission to manage the object") or missing rights on the object ("(#200) User does not have
# sufficient administrative permission…"); only the wording tells them apart.
REQUIRES_PERMISSION = re.compile(r"\brequires?\b.*\bpermissions?\b", re.IGNORECASE)


class Graph:
    """Graph API calls made with one access token (a person's, or a Page's)."""

    def __init__(self, access_token: str) -> None:
        self.access_token = access_token

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return call("GET", path, token=self.access_token, params=params)

    def post(self, path: str, **data: Any) -> dict[str, Any]:
        return call("POST", path, token=self.access_token, data=data)

    def delete(self, path: str, **params: Any) -> dict[str, Any]:
        return call("DELETE", path, token=self.access_token, params=params)

    def items(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every item of a list edge, following the cursor pages (graph-api/results)."""
        params = {"limit": PAGE_SIZE, **params}
        while True:
            page = self.get(path, **params)
            yield from page.get("data", [])
            after = page.get("paging", {}).get("cursors", {}).get("after")
            if not after or "next" not in page.get("paging", {}):
                return
            params["after"] = after


def call(
    method: str,
    path: str,
    *,
    token: str | None = None,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One Graph request. The token travels in the Authorization header, which Graph accepts
    like the `access_token` parameter, so it never sits in a URL."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    url = f"{meta_settings().graph_url}/{path}"
    try:
        response = http.request(
            method,
            url,
            headers=headers,
            params=dict(params) if params else None,
            data=dict(data) if data else None,
        )
    except http.TransportError as e:
        raise ConnectorError(
            _("Facebook did not answer. Please try again in a moment."), permanent=False
        ) from e
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ConnectorError(
            _("Facebook sent an answer we could not read. Please try again in a moment."),
            http_status=response.status_code,
            permanent=False,
        )
    if "error" in body or not response.is_success:
        raise error_from(body.get("error") or {}, response.status_code, response.headers)
    return body


def error_from(
    error: Mapping[str, Any], http_status: int, headers: Mapping[str, str]
) -> ConnectorError:
    """The connector error for a Graph error object."""
    code = error.get("code")
    message = str(error.get("message") or _("Facebook refused the request."))
    details: dict[str, Any] = {"platform_code": str(code), "http_status": http_status}
    if code in INVALID_TOKEN_CODES:
        return TokenExpired(
            _("Your Facebook sign-in has expired or was removed. Please connect Facebook again."),
            **details,
        )
    if code in RATE_LIMIT_CODES:
        return RateLimited(
            _("Facebook is limiting how often we can ask right now. Please try again later."),
            retry_after=retry_after(headers),
            **details,
        )
    if code == PERMISSION_DENIED or (
        code in API_PERMISSION_CODES and REQUIRES_PERMISSION.search(message)
    ):
        return MissingScope(
            _(
                "Facebook did not give us a permission we need. Please connect Facebook again "
                "and keep every permission switched on."
            ),
            **details,
        )
    if code in API_PERMISSION_CODES:
        return InsufficientRights(
            _(
                "Your Facebook profile is not allowed to share this. Ask someone with full "
                "control of it in Meta Business Settings to share it, or to give you full control."
            ),
            **details,
        )
    transient = bool(error.get("is_transient")) or code in TRANSIENT_CODES or http_status >= 500
    return ConnectorError(message, permanent=not transient, **details)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds before Meta takes calls again, from the X-Business-Use-Case-Usage header, whose
    `estimated_time_to_regain_access` is in minutes (graph-api/overview/rate-limiting)."""
    try:
        usage = json.loads(headers.get("x-business-use-case-usage") or "{}")
        minutes = max(
            (
                float(entry.get("estimated_time_to_regain_access") or 0)
                for entries in usage.values()
                for entry in entries
            ),
            default=0.0,
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return minutes * 60 or None
