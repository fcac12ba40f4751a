"""HubSpot's OAuth, in its dated version (docs/platforms/hubspot.md#sign-in): the install page at
app.hubspot.com, the token endpoint with refresh tokens, and the introspection endpoint that
says which account (hub) and which user a token is for."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    OAuthConfig,
    PlatformClient,
    SignIn,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.hubspot.api import rate_limit_from, sign_in_expired
from agencyaccess.platforms.hubspot.config import INSTALL_SCOPES, hubspot_settings

logger = logging.getLogger(__name__)
PARTNER_FIELD = "partner_id"  # the catalogue's account field: the agency's own HubSpot account


@dataclass(frozen=True)
class TokenInfo:
    """What HubSpot says of an access token: the account it acts in and who installed it."""

    hub_id: str
    hub_domain: str
    user_id: str
    user: str  # the installing user's e-mail address
    scopes: frozenset[str]


class HubSpotClient(PlatformClient):
    platform = "hubspot"

    def config(self) -> OAuthConfig:
        hubspot = hubspot_settings()
        return OAuthConfig(
            client_id=hubspot.client_id,
            client_secret=hubspot.client_secret,
            authorize_url=hubspot.authorize_url,
            token_url=hubspot.oauth_url,
            sandbox=hubspot.sandbox,
        )

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        return list(INSTALL_SCOPES)

    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        """The app's install page: the person picks the HubSpot account to install it in. The
        scopes' spaces are sent as %20, as HubSpot's own examples encode them."""
        hubspot = hubspot_settings()
        params = {
            "client_id": hubspot.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(scopes),
            "state": state,
        }
        return f"{hubspot.authorize_url}?{urlencode(params, quote_via=quote)}"

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        tokens = _token_request(self.code_form(code, redirect_uri, code_verifier))
        info = token_info(tokens)
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
            scopes=tokens.scopes or info.scopes,
            subject_id=info.user_id,
            email=info.user,
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """A new access token (they last 30 minutes); the refresh token stays the same unless
        HubSpot sends another."""
        fresh = _token_request(self.refresh_form(tokens, sign_in_expired()))
        return self.refreshed(tokens, fresh)

    def revoke_token(self, tokens: TokenSet) -> None:
        """Revoking the refresh token uninstalls nothing; it ends this sign-in only."""
        if not tokens.refresh_token:
            return
        try:
            _oauth_post(
                "/revoke", {"token": tokens.refresh_token, "token_type_hint": "refresh_token"}
            )
        except ConnectorError as e:
            logger.warning("HubSpot token revocation failed: %s", e.platform_code)

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The agency's own HubSpot account (its partner account when it is a partner) and the
        user who signed in, whose address receives clients' accounts."""
        info = token_info(tokens)
        return SignIn(
            email=info.user or tokens.email or "",
            name=info.hub_domain,
            fields={PARTNER_FIELD: info.hub_id},
        )


def token_info(tokens: TokenSet) -> TokenInfo:
    """The introspection endpoint's account, user and scopes for an access token."""
    answer = _oauth_post(
        "/introspect", {"token": tokens.access_token, "token_type_hint": "access_token"}
    )
    if not answer.get("active", True):
        raise TokenExpired(sign_in_expired(), platform_code="inactive")
    return TokenInfo(
        hub_id=str(answer.get("hub_id") or ""),
        hub_domain=str(answer.get("hub_domain") or ""),
        user_id=str(answer.get("user_id") or ""),
        user=str(answer.get("user") or ""),
        scopes=frozenset(answer.get("scopes") or ()),
    )


def _token_request(form: dict[str, str]) -> TokenSet:
    answer = _oauth_post("", form)
    if "access_token" not in answer:
        raise ConnectorError(_refused_sign_in(), permanent=False)
    expires_in = answer.get("expires_in")
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer.get("refresh_token"),
        expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
        scopes=frozenset(answer.get("scopes") or ()),
    )


def _oauth_post(path: str, form: dict[str, str]) -> dict[str, Any]:
    """A form POST to the token endpoint (or under it), with the app's credentials in the body
    where the dated version wants them, never in the URL."""
    hubspot = hubspot_settings()
    form = form | {"client_id": hubspot.client_id, "client_secret": hubspot.client_secret}
    try:
        response = http.request("POST", hubspot.oauth_url + path, data=form)
    except http.TransportError as e:
        raise ConnectorError(
            _("HubSpot did not answer. Please try again in a moment."), permanent=False
        ) from e
    try:
        answer = response.json() if response.content else {}
    except ValueError:
        answer = {}
    if response.is_success and isinstance(answer, dict):
        return answer
    raise token_error(answer if isinstance(answer, dict) else {}, response)


# A refused token in HubSpot's standard envelope, which the dated references show.
EXPIRED_SUBCATEGORIES = frozenset({"INVALID_TOKEN"})
EXPIRED_CATEGORIES = frozenset({"INVALID_AUTHENTICATION", "EXPIRED_AUTHENTICATION"})
EXPIRED_ERRORS = frozenset({"invalid_grant", "BAD_REFRESH_TOKEN", "BAD_AUTH_CODE"})


def token_error(answer: dict[str, Any], response: Any) -> ConnectorError:
    """The token endpoints refuse in one of two shapes: RFC 6749's `error` and
    `error_description` with HubSpot's older `status` and `message` beside them (the changelog),
    or HubSpot's envelope `category`, `subCategory`, `message`, `correlationId` (the 2026-03
    reference)."""
    status = response.status_code
    error = str(answer.get("error") or answer.get("status") or "")
    sub_category = str(answer.get("subCategory") or "")
    category = str(answer.get("category") or "")
    code = error or sub_category or category
    # These name the refusal, never a token: safe to log.
    logger.warning("HubSpot token endpoint refused: %s (HTTP %s)", code, status)
    if error in EXPIRED_ERRORS or (
        status in (400, 401)
        and (sub_category in EXPIRED_SUBCATEGORIES or category in EXPIRED_CATEGORIES)
    ):
        return TokenExpired(sign_in_expired(), platform_code=code, http_status=status)
    if status == 429:
        return rate_limit_from(answer, response, http_status=status)
    return ConnectorError(
        _refused_sign_in(), platform_code=code or None, http_status=status, permanent=status < 500
    )


def _refused_sign_in() -> str:
    return _(
        "HubSpot refused the sign-in. Please try again; if it keeps failing, tell your agency so "
        "the administrator of this installation can check its HubSpot app settings."
    )
