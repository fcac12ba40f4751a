"""Facebook Login: the sign-in that serves every Meta service (docs/platforms/meta.md#sign-in)."""

import logging
from collections.abc import Sequence
from datetime import timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from agencyaccess.platforms.base import (
    ConnectorError,
    OAuthConfig,
    Options,
    PlatformClient,
    SignIn,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.meta.api import Graph, call
from agencyaccess.platforms.meta.config import meta_settings
from agencyaccess.platforms.meta.connectors import CONNECTORS, agency_businesses

logger = logging.getLogger(__name__)


class MetaClient(PlatformClient):
    platform = "meta"
    # docs/platforms/meta.md#sign-in documents the plain code flow with the app secret, no PKCE.
    supports_pkce = False

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The agency's person on Facebook: the Business Managers they belong to, one of which
        receives the clients' shares (the agency picks it when there are several)."""
        return SignIn(
            name=tokens.name or "", options=Options("business_id", tuple(agency_businesses(tokens)))
        )

    def config(self) -> OAuthConfig:
        meta = meta_settings()
        return OAuthConfig(
            client_id=meta.app_id,
            client_secret=meta.app_secret,
            authorize_url=meta.authorize_url,
            token_url=f"{meta.graph_url}/oauth/access_token",
            sandbox=meta.sandbox,
        )

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        return sorted(
            {
                scope
                for connector in CONNECTORS
                if set(connector.service_keys) & set(service_keys)
                for scope in connector.required_scopes
            }
        )

    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        """Facebook's dialog takes no PKCE challenge and no login hint: both are ignored."""
        meta = meta_settings()
        params = {
            "client_id": meta.app_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            # Without it, permissions declined once are never asked again, and "connect again
            # and allow it" could not work (facebook-login/guides/advanced/manual-flow).
            "auth_type": "rerequest",
        }
        if meta.config_id:
            # Login for Business: the configuration fixes the permissions
            # (docs/platforms/meta.md#sign-in).
            params["config_id"] = meta.config_id
        else:
            params["scope"] = ",".join(scopes)
        return f"{meta.authorize_url}?{urlencode(params)}"

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        meta = meta_settings()
        try:
            short_lived = call(
                "GET",
                "oauth/access_token",
                params={
                    "client_id": meta.app_id,
                    "client_secret": meta.app_secret,
                    "redirect_uri": redirect_uri,
                    "code": code,
                },
            )
        except ConnectorError as e:
            if type(e) is not ConnectorError:
                raise  # an expired sign-in or a rate limit says so itself
            # Graph's words for a bad code ("This authorization code has been used.") mean
            # nothing to a client; what to do does.
            raise ConnectorError(
                _("Facebook did not accept this sign-in. Please connect Facebook again."),
                platform_code=e.platform_code,
                http_status=e.http_status,
            ) from e
        return self._long_lived(short_lived["access_token"])

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """Meta has no refresh tokens: a long-lived token that is still valid is exchanged for
        a fresh one (~60 days); an expired one needs a new sign-in
        (docs/platforms/meta.md#sign-in)."""
        if tokens.expires_at is not None and tokens.expires_at <= timezone.now():
            raise TokenExpired(
                _("Your Facebook sign-in has expired. Please connect Facebook again.")
            )
        return self._long_lived(tokens.access_token)

    def revoke_token(self, tokens: TokenSet) -> None:
        """Remove the app's permissions, which ends every token of this sign-in."""
        try:
            Graph(tokens.access_token).delete("me/permissions")
        except TokenExpired:
            pass  # already gone: what revoking wanted
        except ConnectorError as e:
            logger.warning("Meta token revocation failed: %s", e.message)

    def _long_lived(self, token: str) -> TokenSet:
        meta = meta_settings()
        answer = call(
            "GET",
            "oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": meta.app_id,
                "client_secret": meta.app_secret,
                "fb_exchange_token": token,
            },
        )
        graph = Graph(answer["access_token"])
        me = graph.get("me", fields="id,name")
        expires_in = answer.get("expires_in")
        return TokenSet(
            access_token=answer["access_token"],
            expires_at=timezone.now() + timedelta(seconds=expires_in) if expires_in else None,
            scopes=frozenset(
                permission["permission"]
                for permission in graph.items("me/permissions")
                if permission.get("status") == "granted"
            ),
            subject_id=me["id"],
            name=me.get("name"),
        )
