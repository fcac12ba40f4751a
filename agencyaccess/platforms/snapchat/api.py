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

# The limits are 10 requests a second per token and 20 per app; a 429 sends no Retry-After
# (developers.snap.com/api/marketing-api/Ads-API/rate-limits).
RATE_LIMIT_SECONDS = 5.0
PAGE_SIZE = 1000  # the most a list's `limit` may ask
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
        raise error_from(answer, response.status_code)
    return answer


def listed(
    path: str, tokens: TokenSet, plural: str, singular: str, params: Mapping[str, str] = {}
) -> list[dict[str, Any]]:
    """Every entity of a list, page after page: asked in the largest pages Snap serves, the
    next one named by `paging.next_link` (docs/platforms/snapchat.md#calls)."""
    found: list[dict[str, Any]] = []
    query = {**params, "limit": str(PAGE_SIZE)}
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


def error_from(answer: Mapping[str, Any], http_status: int) -> ConnectorError:
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
                "Your Snapchat account is not allowed to do this. Only an admin of the "
                "organization in Snap Business Manager can invite members and give them roles: "
                "ask one to do it, or to make you an admin (Business Manager, then Members)."
            ),
            **details,
        )
    if http_status == 429:
        return RateLimited(
            _("Snapchat is limiting how often we can ask. Please try again in a moment."),
            retry_after=RATE_LIMIT_SECONDS,
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
