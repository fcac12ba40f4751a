"""Calling a Google API: the bearer token, Google's error envelope, and what each error means
for the person in front of the screen.

Every Google API answers errors in the same envelope (cloud.google.com/apis/design/errors):
`{"error": {"code", "message", "status", "details": [...]}}`. The older "discovery" APIs
(Webmasters, Site Verification, Tag Manager) add `errors: [{"reason"}]`; Google Ads puts its own
codes in a `GoogleAdsFailure` detail. `GoogleError` gathers all of them as `reasons`.
"""

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
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
from agencyaccess.platforms.google.config import base_url

logger = logging.getLogger("agencyaccess.platforms.google")

# ErrorInfo reasons (cloud.google.com/apis/design/errors#error_info).
SCOPE_INSUFFICIENT = "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
API_NOT_ENABLED = frozenset({"SERVICE_DISABLED", "accessNotConfigured"})


@dataclass(frozen=True)
class GoogleError:
    http_status: int
    status: str  # "PERMISSION_DENIED", "ALREADY_EXISTS", …
    message: str
    reasons: frozenset[str]
    # A quota whose limit is 0 is a project not approved for the API, not one asking too often.
    quota_limit: str | None
    retry_after: float | None


@dataclass(frozen=True)
class Reply:
    data: dict[str, Any]
    error: GoogleError | None


@dataclass(frozen=True)
class GoogleApi:
    """One Google API: where it lives (a GOOGLE_URLS name) and its name in messages."""

    url_name: str
    product: str

    def send(
        self,
        method: str,
        path: str,
        tokens: TokenSet,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """The answer, error or not: for calls where some errors are expected (already exists)."""
        try:
            response = http.request(
                method,
                base_url(self.url_name) + path,
                headers={"Authorization": f"Bearer {tokens.access_token}", **(headers or {})},
                params=dict(params) if params else None,
                json=json,
            )
        except http.TransportError as e:
            raise unreachable() from e
        if response.is_success:
            return Reply(json_body(response), None)
        error = parse_error(response)
        logger.info("%s %s %s: %s %s", self.product, method, path, error.http_status, error.message)
        return Reply({}, error)

    def call(self, method: str, path: str, tokens: TokenSet, **kwargs: Any) -> dict[str, Any]:
        """The answer's body; any error raised as the ConnectorError that says what to do."""
        reply = self.send(method, path, tokens, **kwargs)
        if reply.error:
            raise self.failure(reply.error)
        return reply.data

    def pages(
        self, path: str, tokens: TokenSet, key: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a paginated list (`nextPageToken`, google.aip.dev/158)."""
        query = dict(params or {})
        while True:
            data = self.call("GET", path, tokens, params=query)
            yield from data.get(key, [])
            if not data.get("nextPageToken"):
                return
            query["pageToken"] = data["nextPageToken"]

    def permitted(self, reply: Reply) -> bool:
        """Whether a call the signed-in person may only make as an administrator went through:
        a refusal means "not an admin"; any other error is raised."""
        if reply.error is None:
            return True
        failure = self.failure(reply.error)
        if isinstance(failure, InsufficientRights):
            return False
        raise failure

    def failure(self, error: GoogleError) -> ConnectorError:
        code, status = error.status or None, error.http_status
        if error.http_status == 401:
            return TokenExpired(sign_in_expired_message(), platform_code=code, http_status=status)
        if SCOPE_INSUFFICIENT in error.reasons:
            return MissingScope(
                missing_scope_message(self.product), platform_code=code, http_status=status
            )
        if error.reasons & API_NOT_ENABLED:
            return ConnectorError(
                # Translators: %(product)s is a Google product, such as "Google Analytics".
                _(
                    "%(product)s is not switched on for this AgencyAccess installation yet. "
                    "Please tell your agency: the administrator of the installation has to enable "
                    "its API in the Google Cloud project."
                )
                % {"product": self.product},
                platform_code=code,
                http_status=status,
            )
        if error.quota_limit == "0":
            return ConnectorError(
                # Translators: %(product)s is a Google product, such as "Google Analytics".
                _(
                    "Google has not yet approved this AgencyAccess installation for "
                    "%(product)s. Please tell your agency: the administrator of the installation "
                    "has to apply to Google for access. Until then, access has to be given by hand."
                )
                % {"product": self.product},
                platform_code=code,
                http_status=status,
            )
        if error.http_status == 429 or error.status == "RESOURCE_EXHAUSTED":
            return RateLimited(
                # Translators: %(product)s is a Google product, such as "Google Analytics".
                _(
                    "%(product)s is receiving too many requests right now. Please wait a few "
                    "minutes and try again."
                )
                % {"product": self.product},
                retry_after=error.retry_after,
                platform_code=code,
                http_status=status,
            )
        if error.http_status == 403:
            return InsufficientRights(
                not_admin_message(self.product), platform_code=code, http_status=status
            )
        return ConnectorError(
            # Translators: %(product)s is a Google product, such as "Google Analytics".
            _("%(product)s could not complete the request. Please try again later.")
            % {"product": self.product},
            permanent=status < 500,
            platform_code=code,
            http_status=status,
        )


GOOGLE_IDENTITY = GoogleApi("userinfo", "Google")


def parse_error(response: httpx.Response) -> GoogleError:
    envelope = json_body(response).get("error")
    error = envelope if isinstance(envelope, dict) else {}
    reasons: set[str] = set()
    quota_limit = None
    for detail in error.get("details", []):
        if "reason" in detail:  # google.rpc.ErrorInfo
            reasons.add(detail["reason"])
            quota_limit = detail.get("metadata", {}).get("quota_limit_value", quota_limit)
        for failure in detail.get("errors", []):  # Google Ads' GoogleAdsFailure
            reasons.update(failure.get("errorCode", {}).values())
    reasons.update(e["reason"] for e in error.get("errors", []) if "reason" in e)
    return GoogleError(
        http_status=response.status_code,
        status=error.get("status", ""),
        message=error.get("message", ""),
        reasons=frozenset(reasons),
        quota_limit=quota_limit,
        retry_after=retry_after(response),
    )


def send_form(url: str, form: dict[str, str]) -> httpx.Response:
    """A form POST to Google's OAuth endpoints, which answer in their own shape (RFC 6749 §5.2)."""
    try:
        return http.request("POST", url, data=form)
    except http.TransportError as e:
        raise unreachable() from e


def json_body(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def require_scopes(tokens: TokenSet, needed: frozenset[str], product: str) -> None:
    """Granular consent lets the person untick any permission: say so before Google does."""
    if needed - tokens.scopes:
        raise MissingScope(missing_scope_message(product), platform_code=SCOPE_INSUFFICIENT)


def unreachable() -> ConnectorError:
    return ConnectorError(
        _("Google could not be reached. Please try again in a moment."), permanent=False
    )


def sign_in_expired_message() -> str:
    return _(
        "Your Google sign-in has expired or was withdrawn. Please connect your Google account "
        "again."
    )


def missing_scope_message(product: str) -> str:
    # Translators: %(product)s is a Google product, such as "Google Analytics".
    return _(
        "You did not allow AgencyAccess to manage %(product)s on Google's consent screen. "
        "Please connect your Google account again and leave every permission ticked."
    ) % {"product": product}


def not_admin_message(product: str) -> str:
    # Translators: %(product)s is a Google product, such as "Google Analytics".
    return _(
        "Your Google account is not an administrator here, so it cannot share access to this "
        "%(product)s account. Please ask an administrator to share it, or to make you an "
        "administrator, and then try again."
    ) % {"product": product}
