"""Talking to Pinterest's API v5: one call, and what its errors mean (where it is: config.py).

Every call goes through `lib.http` (DESIGN.md, convention 3) with the person's access token as a
bearer token. A refused call answers an HTTP error status with Pinterest's error object
`{"code", "message"}`; the business access calls that act on several items at once answer 200
with an `exception` object in each item they refused, which `first_refusal` reads
(docs/platforms/pinterest.md#errors).
"""

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
    TokenSet,
)
from agencyaccess.platforms.pinterest.config import pinterest_settings

# Error codes of the v5 reference's examples (docs/platforms/pinterest.md#errors).
AUTHENTICATION_FAILED = 2  # HTTP 401: a dead, revoked or unknown access token
MISSING_SCOPES = 3  # HTTP 401: the token lacks the operation's scopes
NOT_PERMITTED = 29  # HTTP 403: the person may not act on that business or asset
RATE_LIMITED = 8  # HTTP 429
# Standard access's limits are per minute (Trial access's per day); no Retry-After is documented.
RATE_LIMIT_SECONDS = 60.0
PAGE_SIZE = 100


def call(
    method: str,
    path: str,
    tokens: TokenSet,
    *,
    params: Mapping[str, Any] | None = None,
    body: Mapping[str, Any] | None = None,
) -> Any:
    """One operation, e.g. `call("GET", "businesses/employers", tokens)`: its JSON answer."""
    try:
        response = http.request(
            method,
            f"{pinterest_settings().api_url}/{path}",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
            params=dict(params) if params else None,
            json=dict(body) if body is not None else None,
        )
    except http.TransportError as e:
        raise ConnectorError(
            _("Pinterest did not answer. Please try again in a moment."), permanent=False
        ) from e
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not response.is_success:
        raise error_from(answer if isinstance(answer, dict) else {}, response.status_code)
    if answer is None:
        raise ConnectorError(
            _("Pinterest sent an answer we could not read. Please try again later."),
            http_status=response.status_code,
            permanent=False,
        )
    return answer


def pages(path: str, tokens: TokenSet, **params: Any) -> Iterator[dict[str, Any]]:
    """Every item of a paged list (`items`, and a `bookmark` while there are more)."""
    bookmark = None
    while True:
        query = {**params, "page_size": PAGE_SIZE} | ({"bookmark": bookmark} if bookmark else {})
        answer = call("GET", path, tokens, params=query)
        yield from answer.get("items") or []
        bookmark = answer.get("bookmark")
        if not bookmark:
            return


def first_refusal(answer: Mapping[str, Any]) -> ConnectorError | None:
    """The error of the first item a batch operation refused, if any."""
    for item in answer.get("items") or []:
        if item.get("exception"):
            return error_from(item["exception"], int(item["exception"].get("code") or 400))
    return None


def error_from(error: Mapping[str, Any], http_status: int) -> ConnectorError:
    code = error.get("code")
    details: dict[str, Any] = {"platform_code": str(code), "http_status": http_status}
    if http_status == 401 and code == MISSING_SCOPES:
        return MissingScope(
            _(
                "Pinterest did not give us access to Business Access. Please connect Pinterest "
                "again and allow every permission asked for."
            ),
            **details,
        )
    if http_status == 401:
        return TokenExpired(
            _("Your Pinterest sign-in has expired or was removed. Please connect Pinterest again."),
            **details,
        )
    if http_status == 403:
        return InsufficientRights(
            _(
                "Your Pinterest account is not allowed to do this. Ask an admin of the business "
                "in Pinterest Business Manager to share the ad account, or to make you an admin "
                "of the business."
            ),
            **details,
        )
    if http_status == 429:
        return RateLimited(
            _("Pinterest is limiting how often we can ask right now. Please try again soon."),
            retry_after=RATE_LIMIT_SECONDS,
            **details,
        )
    message = str(error.get("message") or _("Pinterest refused the request."))
    return ConnectorError(message, permanent=http_status < 500, **details)
