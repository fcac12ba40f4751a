"""TikTok's advertiser authorization: the sign-in that serves every TikTok service
(docs/platforms/tiktok.md#sign-in)."""

import logging
from collections.abc import Sequence
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from agencyaccess.platforms.base import (
    ConnectorError,
    OAuthConfig,
    Options,
    PlatformClient,
    SignIn,
    TokenSet,
)
from agencyaccess.platforms.tiktok.api import call
from agencyaccess.platforms.tiktok.config import tiktok_settings
from agencyaccess.platforms.tiktok.connectors import BC_FIELD, business_centers

logger = logging.getLogger(__name__)


class TikTokClient(PlatformClient):
    platform = "tiktok"
    supports_pkce = False  # the authorization takes app_id, state and redirect_uri only
    code_param = "auth_code"  # the redirect brings `auth_code` and `state`

    def config(self) -> OAuthConfig:
        tiktok = tiktok_settings()
        return OAuthConfig(
            client_id=tiktok.app_id,
            client_secret=tiktok.secret,
            authorize_url=tiktok.authorize_url,
            token_url=f"{tiktok.api_url}/oauth2/access_token/",
            sandbox=tiktok.sandbox,
        )

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        """None: TikTok's permissions are chosen on the developer app, not per sign-in."""
        return []

    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        tiktok = tiktok_settings()
        params = {"app_id": tiktok.app_id, "state": state, "redirect_uri": redirect_uri}
        return f"{tiktok.authorize_url}?{urlencode(params)}"

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        tiktok = tiktok_settings()
        try:
            data = call(
                "POST",
                "oauth2/access_token/",
                body={"app_id": tiktok.app_id, "secret": tiktok.secret, "auth_code": code},
            )
        except ConnectorError as e:
            if type(e) is not ConnectorError:
                raise
            raise ConnectorError(
                _("TikTok did not accept this sign-in. Please connect TikTok again."),
                platform_code=e.platform_code,
                http_status=e.http_status,
            ) from e
        token = data["access_token"]
        user = call("GET", "user/info/", token=token)
        # Marketing API tokens do not expire until revoked: no refresh token, no expiry.
        return TokenSet(
            access_token=token,
            scopes=frozenset(str(scope) for scope in data.get("scope") or ()),
            subject_id=str(user.get("core_user_id") or "") or None,
            email=user.get("email") or None,
            name=user.get("display_name") or None,
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """Nothing to refresh: the token lasts until revoked (a revoked one fails its next
        call with an expired sign-in)."""
        return tokens

    def revoke_token(self, tokens: TokenSet) -> None:
        tiktok = tiktok_settings()
        try:
            call(
                "POST",
                "oauth2/revoke_token/",
                body={
                    "app_id": tiktok.app_id,
                    "secret": tiktok.secret,
                    "access_token": tokens.access_token,
                },
            )
        except ConnectorError as e:
            logger.warning("TikTok token revocation failed: %s", e.message)

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The agency's TikTok for Business account: the Business Centers it belongs to, one of
        which receives the clients' shares (the agency picks it when there are several)."""
        centers = tuple((bc_id, name) for bc_id, name, _role in business_centers(tokens))
        return SignIn(
            email=tokens.email or "",
            name=tokens.name or "",
            options=Options(BC_FIELD, centers),
        )
