"""Pinterest's OAuth: the sign-in that serves Pinterest Ads (docs/platforms/pinterest.md#sign-in)."""

import base64
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    OAuthConfig,
    Options,
    PlatformClient,
    RateLimited,
    SignIn,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.pinterest.api import RATE_LIMIT_SECONDS, call, pages
from agencyaccess.platforms.pinterest.config import SCOPES, pinterest_settings

logger = logging.getLogger(__name__)
BIZ_ADMIN = "BIZ_ADMIN"  # the business role that may invite partners and share assets
INVALID_GRANT = 283  # the token endpoint's code for a refresh token it no longer takes


def administered_businesses(tokens: TokenSet) -> dict[str, str]:
    """The businesses the signed-in person administers: id -> username."""
    return {
        str(item["id"]): (item.get("user") or {}).get("username") or str(item["id"])
        for item in pages("businesses/employers", tokens)
        if BIZ_ADMIN in (item.get("business_roles") or [])
    }


class PinterestClient(PlatformClient):
    platform = "pinterest"
    supports_pkce = False  # Pinterest's OAuth documents no PKCE

    def config(self) -> OAuthConfig:
        pinterest = pinterest_settings()
        return OAuthConfig(
            client_id=pinterest.client_id,
            client_secret=pinterest.client_secret,
            authorize_url=pinterest.authorize_url,
            token_url=pinterest.token_url,
            sandbox=pinterest.sandbox,
        )

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        return list(SCOPES)

    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        # Pinterest separates scopes with commas.
        return self.code_flow_url(redirect_uri=redirect_uri, state=state, scope=",".join(scopes))

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        # Apps created before 2025-09-25 get a continuous refresh token only when they ask
        # for one (docs/platforms/pinterest.md#sign-in); later apps get one either way.
        form = self.code_form(code, redirect_uri, None) | {"continuous_refresh": "true"}
        tokens = self._token_request(form)
        account = call("GET", "user_account", tokens)
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
            scopes=tokens.scopes,
            subject_id=str(account.get("id") or "") or None,
            name=account.get("business_name") or account.get("username") or None,
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """A continuous refresh token comes back renewed with each refresh: it replaces the
        old one (docs/platforms/pinterest.md#sign-in)."""
        fresh = self._token_request(self.refresh_form(tokens, _sign_in_expired()))
        return self.refreshed(tokens, fresh)

    # revoke_token: Pinterest revokes tokens of system users only (POST /oauth/token/revoke);
    # forgetting a person's token is all there is, as the base does.

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The businesses the agency's person administers: one of them receives the clients'
        partner invites (the agency picks it when there are several)."""
        businesses = administered_businesses(tokens)
        return SignIn(
            name=tokens.name or "",
            options=Options("business_id", tuple(sorted(businesses.items()))),
            note=""
            if businesses
            else _(
                "This Pinterest account is no admin of a business: sign in with an admin of the "
                "agency's business in Pinterest Business Manager."
            ),
        )

    def _token_request(self, form: dict[str, str]) -> TokenSet:
        """The token endpoint takes the app's id and secret as HTTP Basic credentials."""
        pinterest = pinterest_settings()
        basic = f"{pinterest.client_id}:{pinterest.client_secret}".encode()
        headers = {"Authorization": f"Basic {base64.b64encode(basic).decode()}"}
        try:
            response = http.request("POST", pinterest.token_url, headers=headers, data=form)
        except http.TransportError as e:
            raise ConnectorError(
                _("Pinterest did not answer. Please try again in a moment."), permanent=False
            ) from e
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            answer = {}
        if response.is_success and "access_token" in answer:
            return _token_set(answer)
        return _token_error(answer, response.status_code)


def _token_set(answer: dict[str, Any]) -> TokenSet:
    """The answer's `scope` (comma- or space-separated) says what the person allowed."""
    expires_in = answer.get("expires_in")
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer.get("refresh_token"),
        expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
        scopes=frozenset(str(answer.get("scope", "")).replace(",", " ").split()),
    )


def _token_error(answer: dict[str, Any], status: int) -> TokenSet:
    code = answer.get("code")
    # Pinterest's error object carries a code and a sentence, never a token: safe to log.
    logger.warning("Pinterest token endpoint refused: HTTP %s, code %s", status, code)
    details: dict[str, Any] = {"platform_code": str(code), "http_status": status}
    # 283 "The authorization grant is invalid" (with HTTP 401) is a dead refresh token; a 400
    # a code that is used or expired.
    if code == INVALID_GRANT or status == 400:
        raise TokenExpired(_sign_in_expired(), **details)
    if status == 429:
        raise RateLimited(
            _("Pinterest is busy right now. Please wait a minute and try again."),
            retry_after=RATE_LIMIT_SECONDS,
            **details,
        )
    raise ConnectorError(  # 401 (code 2): the app's id or secret is wrong
        _(
            "Pinterest refused the sign-in. Please try again; if it keeps failing, tell your "
            "agency so the administrator of this installation can check its Pinterest settings."
        ),
        permanent=status < 500,
        **details,
    )


def _sign_in_expired() -> str:
    return _("Your Pinterest sign-in has expired. Please connect Pinterest again.")
