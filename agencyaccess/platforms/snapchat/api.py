"""Talking to the Snapchat Marketing API: one call, and what its errors mean (where it is:
config.py).

Every call goes through `lib.http` (DESIGN.md, convention 3) with the person's access token.
Answers are an envelope (docs/platforms/snapchat.md#calls): `request_status` SUCCESS or ERROR
for the request, and a list named after the entity (`members`, `roles`) whose items carry their
own `sub_request_status` and, refused, a `sub_request_error_reason`. A refused request carries
`debug_message`, `display_message` and `error_code`. The HTTP status says what kind of refusal
it is: 401 a sign-in to refresh or redo, 403 no rights on what was named, 429 the rate limit.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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
from agencyaccess.platforms.snapchat.config import MARKETING_SCOPE, snapchat_settings

# The limits are 10 requests a second per token and 20 per app; the page documents no
# Retry-After, so without one a 429 waits this long
# (developers.snap.com/api/marketing-api/Ads-API/rate-limits).
RATE_LIMIT_SECONDS = 5.0
MAX_WAIT_SECONDS = 3600.0  # a longer Retry-After is not believed
PAGE_SIZE = 1000  # the most a paged list's `limit` may ask
NOT_FOUND = "E3004"  # "Entity does not exist or you do not have permission to access it"


def call(
    method: str,
    path: str,
    tokens: TokenSet,
    body: Mapping[str, Any] | None = None,
    *,
    params: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One request, e.g. `call("GET", "organizations/ORG/members", tokens)`; the envelope."""
    try:
        response = http.request(
            method,
            f"{snapchat_settings().api_url}/{path}",
            headers={"Authorization": f"Bearer {tokens.access_token}"},
            params=dict(params or {}),
            json=dict(body) if body is not None else None,
        )
    except http.TransportError as e:
        raise ConnectorError(
            _("Snapchat did not answer. Please try again in a moment."), permanent=False
        ) from e
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        answer = {}
        if response.is_success:
            raise ConnectorError(
                _("Snapchat sent an answer we could not read. Please try again later."),
                http_status=response.status_code,
                permanent=False,
            )
    if not response.is_success or str(answer.get("request_status", "")).upper() == "ERROR":
        raise error_from(answer, response.status_code, response.headers.get("Retry-After"))
    return answer


def listed(
    path: str,
    tokens: TokenSet,
    plural: str,
    singular: str,
    params: Mapping[str, str] = {},
    *,
    paged: bool = False,
) -> list[dict[str, Any]]:
    """Every entity of a list. A `paged` list (one Snap pages: roles) is asked in the largest
    pages it serves; the others take no `limit`. Any answer naming a next page by
    `paging.next_link` is followed (docs/platforms/snapchat.md#calls)."""
    found: list[dict[str, Any]] = []
    query = {**params, "limit": str(PAGE_SIZE)} if paged else dict(params)
    while True:
        answer = call("GET", path, tokens, params=query)
        found += entities(answer, plural, singular)
        next_link = (answer.get("paging") or {}).get("next_link")
        if not next_link:
            return found
        path, query = _within_api(str(next_link))


def _within_api(link: str) -> tuple[str, dict[str, str]]:
    """A next page's path and query; a link off the API's own address is refused, so the
    person's token never goes anywhere else."""
    base = snapchat_settings().api_url + "/"
    url = urlsplit(link)
    if not link.startswith(base) or url.fragment:
        raise ConnectorError(
            _("Snapchat sent an answer we could not read. Please try again later."),
            permanent=False,
        )
    return url.path.removeprefix(urlsplit(base).path), dict(parse_qsl(url.query))


def entities(answer: Mapping[str, Any], plural: str, singular: str) -> list[dict[str, Any]]:
    """The entities of an answer (`members` → each item's `member`); the first item refused
    raises, with Snap's reason."""
    found = []
    for item in answer.get(plural) or []:
        if str(item.get("sub_request_status", "")).upper() != "SUCCESS":
            raise error_from({"debug_message": item.get("sub_request_error_reason", "")}, 400)
        found.append(item[singular])
    return found


def error_from(
    answer: Mapping[str, Any], http_status: int, retry_after: str | None = None
) -> ConnectorError:
    reason = str(
        answer.get("debug_message") or answer.get("display_message") or _item_refusal(answer)
    )
    code = str(answer.get("error_code") or "") or _error_code_in(reason) or str(http_status)
    details: dict[str, Any] = {"platform_code": code, "http_status": http_status}
    if http_status == 401:
        return TokenExpired(sign_in_expired(), **details)
    if http_status == 403 or code == NOT_FOUND:
        return InsufficientRights(
            _(
                "Your Snapchat account is not allowed to do this. Only an admin or a business "
                "admin of the organization in Snap Business Manager can invite members and give "
                "them roles: ask one to do it, or to make you an admin (Business Manager, then "
                "Members)."
            ),
            **details,
        )
    if http_status == 429:
        return RateLimited(
            _("Snapchat is limiting how often we can ask. Please try again in a moment."),
            retry_after=wait_seconds(retry_after),
            **details,
        )
    if http_status >= 500:
        return ConnectorError(
            _("Snapchat could not do this right now. Please try again in a moment."),
            permanent=False,
            **details,
        )
    # Translators: %(reason)s is Snapchat's own explanation, in English.
    return ConnectorError(
        _("Snapchat refused the request: %(reason)s") % {"reason": reason}, **details
    )


def wait_seconds(retry_after: str | None) -> float:
    """A Retry-After in seconds when Snap sends one (its page documents none), else ours."""
    try:
        seconds = float(retry_after or "")
    except ValueError:
        return RATE_LIMIT_SECONDS
    return seconds if 0 < seconds <= MAX_WAIT_SECONDS else RATE_LIMIT_SECONDS


def sign_in_expired() -> str:
    return _("Your Snapchat sign-in has expired. Please connect Snapchat again.")


def _item_refusal(answer: Mapping[str, Any]) -> str:
    """A request refused because of its items says why in the first refused item."""
    for value in answer.values():
        for item in value if isinstance(value, list) else ():
            if isinstance(item, dict) and item.get("sub_request_error_reason"):
                return str(item["sub_request_error_reason"])
    return ""


def _error_code_in(reason: str) -> str:
    """A refused item names its code in its reason: "Error code: E3004, message: …"."""
    marker = "Error code: "
    if marker not in reason:
        return ""
    return reason.split(marker, 1)[1].split(",", 1)[0].strip()


def require_scope(tokens: TokenSet) -> None:
    if MARKETING_SCOPE not in tokens.scopes:
        raise MissingScope(
            _(
                "Snapchat did not give us access to your ad accounts. Please connect Snapchat "
                "again and allow access to the Snapchat Marketing API."
            )
        )
