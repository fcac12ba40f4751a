"""Talking to the Customer Management API v13 over REST: one call, and what its errors mean
(where it is: config.py).

Every call goes through `lib.http` (DESIGN.md, convention 3) with the person's access token and
the application's developer token in headers (docs/platforms/microsoft.md#calls). A refused call
answers an `ApiFault` (`OperationErrors`) or an `AdApiFaultDetail` (`Errors`); a batch call
(AddClientLinks, UpdateClientLinks) can succeed with some items refused in `PartialErrors`,
which the caller reads itself (`partial_errors`). Customer Management errors carry a numeric
`Code` (their symbolic `ErrorCode` is left empty by this service), so the codes decide.
"""

from collections.abc import Mapping, Sequence
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
from agencyaccess.platforms.microsoft.config import MANAGE_SCOPE, microsoft_settings

# Operation error codes (learn.microsoft.com/advertising/guides/operation-error-codes).
INTERNAL_ERROR = 0
INVALID_CREDENTIALS = 105  # a wrong or dead access token, or a developer token for elsewhere
USER_IS_NOT_AUTHORIZED = 106  # right credentials, but no access to an entity named
AUTHENTICATION_TOKEN_EXPIRED = 109
CALL_RATE_EXCEEDED = 117
USER_NOT_AUTHORIZED = 1001  # Customer Management: the user's role does not allow the operation
SIGN_IN_CODES = frozenset({INVALID_CREDENTIALS, AUTHENTICATION_TOKEN_EXPIRED})
RIGHTS_CODES = frozenset({USER_IS_NOT_AUTHORIZED, USER_NOT_AUTHORIZED})
RATE_LIMIT_SECONDS = 60.0  # the call limit is per minute; the API sends no Retry-After


def call(
    method: str,
    path: str,
    tokens: TokenSet,
    body: Mapping[str, Any] | None = None,
    *,
    customer_id: str = "",
) -> dict[str, Any]:
    """One operation, e.g. `call("POST", "ClientLinks/Search", tokens, {...})`. `customer_id`
    fills the CustomerId header, which operations acting for a customer read."""
    config = microsoft_settings()
    headers = {
        "Authorization": f"Bearer {tokens.access_token}",
        "DeveloperToken": config.developer_token,
    }
    if customer_id:
        headers["CustomerId"] = customer_id
    try:
        response = http.request(
            method, f"{config.api_url}/{path}", headers=headers, json=dict(body or {})
        )
    except http.TransportError as e:
        raise ConnectorError(
            _("Microsoft Advertising did not answer. Please try again in a moment."),
            permanent=False,
        ) from e
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ConnectorError(
            _("Microsoft Advertising sent an answer we could not read. Please try again later."),
            http_status=response.status_code,
            permanent=False,
        )
    errors = answer.get("OperationErrors") or answer.get("Errors") or []
    if errors or not response.is_success:
        raise error_from(errors, response.status_code)
    return answer


def partial_errors(answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The items a batch call refused: `PartialErrors` is a list per item sent (null for an
    item that went through) in the Customer Management API."""
    found: list[dict[str, Any]] = []
    for item in answer.get("PartialErrors") or []:
        if isinstance(item, list):
            found.extend(error for error in item if error)
        elif item:
            found.append(item)
    return found


def error_from(errors: Sequence[Mapping[str, Any]], http_status: int) -> ConnectorError:
    """The connector error for the first of a fault's errors."""
    first = errors[0] if errors else {}
    code = first.get("Code")
    details: dict[str, Any] = {"platform_code": str(code), "http_status": http_status}
    if code in SIGN_IN_CODES:
        return TokenExpired(
            _(
                "Microsoft Advertising did not accept the sign-in. Please connect Microsoft "
                "Advertising again; if that does not help, the administrator of this "
                "installation should check its Microsoft Advertising developer token."
            ),
            **details,
        )
    if code in RIGHTS_CODES:
        return InsufficientRights(
            _(
                "Your Microsoft Advertising user is not allowed to do this on the account. Ask "
                "a Super Admin of the account to share it, or to make you a Super Admin or "
                "Standard User (Settings, then Account access, in Microsoft Advertising)."
            ),
            **details,
        )
    if code == CALL_RATE_EXCEEDED:
        return RateLimited(
            _("Microsoft Advertising is limiting how often we can ask. Please try again soon."),
            retry_after=RATE_LIMIT_SECONDS,
            **details,
        )
    message = str(first.get("Message") or _("Microsoft Advertising refused the request."))
    transient = code == INTERNAL_ERROR or http_status >= 500
    return ConnectorError(message, permanent=not transient, **details)


def require_scope(tokens: TokenSet) -> None:
    if MANAGE_SCOPE not in tokens.scopes:
        raise MissingScope(
            _(
                "Microsoft did not give us access to Microsoft Advertising. Please connect "
                "Microsoft Advertising again and accept every permission asked for."
            )
        )
