"""Talking to LinkedIn's Marketing API: one call, and what its errors mean (where it is:
config.py).

Every call goes through `lib.http` (DESIGN.md, convention 3) with the headers the versioned API
requires: `LinkedIn-Version` (YYYYMM) and `X-Restli-Protocol-Version: 2.0.0`. Errors come back as
Rest.li envelopes, `{"status", "serviceErrorCode", "code", "message"}`
(docs/platforms/linkedin.md#errors), and leave this module as the connector interface's
`ConnectorError` subclasses, with a message a client can act on.
"""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.linkedin.config import linkedin_settings

PAGE_SIZE = 100
RESTLI_PROTOCOL = "2.0.0"


def key(**parts: str) -> str:
    """A Rest.li 2.0 compound key, `(account:urn%3Ali%3A…,user:urn%3Ali%3A…)`: the URNs inside
    it URL-encoded, as LinkedIn requires (shared/api-guide/concepts/urns)."""
    return "(" + ",".join(f"{name}:{quote(value, safe='')}" for name, value in parts.items()) + ")"


def restli_list(values: Iterable[str]) -> str:
    """A Rest.li 2.0 list for a query parameter, `List(1,urn%3Ali%3A…)`: each value encoded, the
    list's own `(`, `,` and `)` not, as LinkedIn requires of a parameter that is not a resource
    key (shared/api-guide/concepts/protocol-version). Sent as written: a `params` dict would
    encode them."""
    return "List(" + ",".join(quote(value, safe="") for value in values) + ")"


class RestLi:
    """Marketing API calls made with one member's access token."""

    def __init__(self, access_token: str) -> None:
        self.access_token = access_token

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        return self.call("GET", path, params=params)

    def put(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return self.call("PUT", path, body=body)

    def delete(self, path: str) -> dict[str, Any]:
        return self.call("DELETE", path)

    def elements(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every element of a finder, following its offset pages (`start`/`count`, until
        `paging.total`; shared/api-guide/concepts/pagination)."""
        params = {"count": PAGE_SIZE, "start": 0, **params}
        while True:
            page = self.get(path, **params)
            found = page.get("elements") or []
            yield from found
            total = (page.get("paging") or {}).get("total")
            params["start"] += len(found)
            if not found or total is None or params["start"] >= total:
                return

    def search(self, path: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every element of a search paged by cursor, as adAccounts is from version 202401:
        `pageSize`, then each answer's `metadata.nextPageToken` as `pageToken` until there is
        none (marketing/integrations/ads/cursor-based-pagination)."""
        params = {"pageSize": PAGE_SIZE, **params}
        while True:
            page = self.get(path, **params)
            yield from page.get("elements") or []
            params["pageToken"] = (page.get("metadata") or {}).get("nextPageToken")
            if not params["pageToken"]:
                return

    def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        linkedin = linkedin_settings()
        headers = {
            "Authorization": f"Bearer {self.access_token}",
            "LinkedIn-Version": linkedin.version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL,
        }
        try:
            response = http.request(
                method,
                f"{linkedin.rest_url}/{path}",
                headers=headers,
                params=dict(params) if params else None,
                json=dict(body) if body is not None else None,
            )
        except http.TransportError as e:
            raise ConnectorError(
                _("LinkedIn did not answer. Please try again in a moment."), permanent=False
            ) from e
        if response.status_code == 204 or (response.is_success and not response.content):
            return {}
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ConnectorError(
                _("LinkedIn sent an answer we could not read. Please try again in a moment."),
                http_status=response.status_code,
                permanent=False,
            )
        if not response.is_success:
            raise error_from(answer, response.status_code, response.headers)
        return answer


def error_from(
    envelope: Mapping[str, Any], http_status: int, headers: Mapping[str, str]
) -> ConnectorError:
    """The connector error for a Rest.li error envelope."""
    code = str(envelope.get("serviceErrorCode") or envelope.get("code") or http_status)
    details: dict[str, Any] = {"platform_code": code, "http_status": http_status}
    if http_status == 401:
        return TokenExpired(
            _("Your LinkedIn sign-in has expired or was removed. Please connect LinkedIn again."),
            **details,
        )
    if http_status == 429:
        return RateLimited(
            _("LinkedIn is limiting how often we can ask right now. Please try again later."),
            retry_after=_seconds(headers.get("retry-after")),
            **details,
        )
    if http_status == 403:
        return InsufficientRights(
            _(
                "Your LinkedIn profile is not allowed to change who has access to this. Ask an "
                "account manager of the ad account, or a super admin of the Page, to do it, or "
                "to give you that role."
            ),
            **details,
        )
    message = str(envelope.get("message") or _("LinkedIn refused the request."))
    return ConnectorError(message, permanent=http_status < 500, **details)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
