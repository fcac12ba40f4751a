"""Talking to HubSpot's user provisioning API (the dated version in config.py): one call, and
what its errors mean for the person in front of the screen (docs/platforms/hubspot.md#errors).

Every call goes through `lib.http` (DESIGN.md, convention 3) with the client's access token as a
Bearer token. A refused call answers HubSpot's error envelope, `{"status": "error", "message",
"correlationId", "category", "errors", "context"}` (developers.hubspot.com/docs/api-reference/
error-handling); the HTTP status and the `category` decide what the person must do.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.hubspot.config import SCOPES, hubspot_settings

MISSING_SCOPES = "MISSING_SCOPES"
# A 429 names the limit it hit in `policyName` (developers.hubspot.com/docs/api/usage-details):
# the daily one resets at midnight in the account's time zone, which we do not know, so a day
# is the wait that surely covers it. The others are rolling windows: one window's length, from
# X-HubSpot-RateLimit-Interval-Milliseconds, else Retry-After, else HubSpot's 10 seconds.
DAILY = "DAILY"
DAILY_RETRY_SECONDS = 24 * 3600.0
INTERVAL_HEADER = "X-HubSpot-RateLimit-Interval-Milliseconds"
RATE_LIMIT_SECONDS = 10.0


def call(
    method: str,
    path: str,
    tokens: TokenSet,
    body: Mapping[str, Any] | None = None,
    *,
    params: Mapping[str, str] | None = None,
    missing_ok: bool = False,
) -> dict[str, Any] | None:
    """One call under the users API, e.g. `call("GET", "roles", tokens)`; {} for an answer
    without a body (204). With `missing_ok`, a 404 (no such user) is None rather than an error."""
    url = hubspot_settings().users_url + (f"/{path}" if path else "")
    try:
        response = http.request(
            method,
            url,
            headers={"Authorization": f"Bearer {tokens.access_token}"},
            params=dict(params or {}),
            json=dict(body) if body is not None else None,
        )
    except http.TransportError as e:
        raise ConnectorError(
            _("HubSpot did not answer. Please try again in a moment."), permanent=False
        ) from e
    if missing_ok and response.status_code == 404:
        return None
    if response.status_code == 204:
        return {}
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not response.is_success:
        raise error_from(answer if isinstance(answer, dict) else {}, response)
    if not isinstance(answer, dict):
        raise ConnectorError(
            _("HubSpot sent an answer we could not read. Please try again later."),
            http_status=response.status_code,
            permanent=False,
        )
    return answer


def error_from(envelope: Mapping[str, Any], response: Any) -> ConnectorError:
    """The connector error for HubSpot's error envelope and the HTTP status it came with."""
    status = response.status_code
    category = str(envelope.get("category") or "")
    details: dict[str, Any] = {"platform_code": category or None, "http_status": status}
    if status == 401:
        return TokenExpired(sign_in_expired(), **details)
    if status == 403 and category == MISSING_SCOPES:
        return MissingScope(_missing_permission(), **details)
    if status == 403:
        return InsufficientRights(
            _(
                "Your HubSpot user may not add or remove users in this account. Ask a Super "
                "Admin of the account to give the agency access, or to give you the permission "
                "to add and edit users (Settings, then Users & Teams, in HubSpot)."
            ),
            **details,
        )
    if status == 429:
        return rate_limit_from(envelope, response, **details)
    message = str(envelope.get("message") or _("HubSpot refused the request."))
    return ConnectorError(message, permanent=status < 500, **details)


def rate_limit_from(body: Mapping[str, Any], response: Any, **details: Any) -> RateLimited:
    """A 429: HubSpot's body `{"status", "message", "errorType": "RATE_LIMIT",
    "correlationId", "policyName"}` says which limit; its headers how long a window lasts."""
    if body.get("policyName") == DAILY:
        return RateLimited(
            _(
                "HubSpot's daily limit of requests for this account is used up. Please try "
                "again tomorrow."
            ),
            retry_after=DAILY_RETRY_SECONDS,
            **details,
        )
    return RateLimited(
        _("HubSpot is limiting how often we can ask. Please try again in a few seconds."),
        retry_after=_window_seconds(response.headers),
        **details,
    )


def _window_seconds(headers: Mapping[str, str]) -> float:
    for name, scale in ((INTERVAL_HEADER, 1000.0), ("Retry-After", 1.0)):
        try:
            return float(headers.get(name, "")) / scale
        except ValueError:
            continue
    return RATE_LIMIT_SECONDS


def require_scopes(tokens: TokenSet) -> None:
    """Refuse before any call when the sign-in lacks what the connector needs."""
    if not set(SCOPES) <= tokens.scopes:
        raise MissingScope(_missing_permission())


def sign_in_expired() -> str:
    return _("Your HubSpot sign-in has expired. Please connect HubSpot again.")


def _missing_permission() -> str:
    return _(
        "HubSpot did not give us permission to manage the account's users. Please connect "
        "HubSpot again and accept every permission asked for."
    )
