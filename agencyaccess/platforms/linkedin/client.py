"""LinkedIn's sign-in (OAuth 2.0 three-legged, with OpenID Connect to know who signed in): the
one sign-in that serves both LinkedIn services (docs/platforms/linkedin.md#sign-in)."""

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

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
from agencyaccess.platforms.linkedin.config import linkedin_settings
from agencyaccess.platforms.linkedin.connectors import CONNECTORS, PERSON_FIELD

logger = logging.getLogger(__name__)

# Who signed in: the member's id (`sub`), name and e-mail (shared/authentication/openid).
IDENTITY_SCOPES = ("openid", "profile", "email")


class LinkedInClient(PlatformClient):
    platform = "linkedin"
    supports_pkce = False  # LinkedIn's code flow for web apps uses the client secret

    def config(self) -> OAuthConfig:
        linkedin = linkedin_settings()
        return OAuthConfig(
            client_id=linkedin.client_id,
            client_secret=linkedin.client_secret,
            authorize_url=f"{linkedin.oauth_url}/authorization",
            token_url=f"{linkedin.oauth_url}/accessToken",
            sandbox=linkedin.sandbox,
        )

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        wanted = {
            scope
            for connector in CONNECTORS
            if set(connector.service_keys) & set(service_keys)
            for scope in connector.required_scopes
        }
        return sorted(wanted | set(IDENTITY_SCOPES))

    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        """LinkedIn's authorization takes no PKCE challenge and no login hint: both ignored."""
        return self.code_flow_url(redirect_uri=redirect_uri, state=state, scope=" ".join(scopes))

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        answer = self._token_call(self.code_form(code, redirect_uri, code_verifier))
        return self._tokens(answer)

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """Refresh tokens exist only for approved Marketing partners (365 days, not extended by
        refreshing); without one, a token past its 60 days needs a new sign-in."""
        expired = _("Your LinkedIn sign-in has expired. Please connect LinkedIn again.")
        if tokens.refresh_token:
            return self._tokens(self._token_call(self.refresh_form(tokens, expired)))
        if tokens.expires_at is not None and tokens.expires_at <= timezone.now():
            raise TokenExpired(expired)
        return tokens

    def revoke_token(self, tokens: TokenSet) -> None:
        linkedin = linkedin_settings()
        try:
            http.request(
                "POST",
                f"{linkedin.oauth_url}/revoke",
                data={
                    "client_id": linkedin.client_id,
                    "client_secret": linkedin.client_secret,
                    "token": tokens.access_token,
                },
            )
        except http.TransportError as e:
            logger.warning("LinkedIn token revocation failed: %s", type(e).__name__)

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The agency's member: clients add them to their accounts and Pages by person id."""
        return SignIn(
            email=tokens.email or "",
            name=tokens.name or "",
            fields={PERSON_FIELD: tokens.subject_id or ""},
        )

    def _token_call(self, form: Mapping[str, str]) -> dict[str, Any]:
        linkedin = linkedin_settings()
        try:
            response = http.request(
                "POST",
                f"{linkedin.oauth_url}/accessToken",
                data={
                    **form,
                    "client_id": linkedin.client_id,
                    "client_secret": linkedin.client_secret,
                },
            )
        except http.TransportError as e:
            raise ConnectorError(
                _("LinkedIn did not answer. Please try again in a moment."), permanent=False
            ) from e
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.is_success and isinstance(answer, dict) and answer.get("access_token"):
            return answer
        error = str(answer.get("error") or "") if isinstance(answer, dict) else ""
        if form.get("grant_type") == "refresh_token":
            raise TokenExpired(
                _("Your LinkedIn sign-in has expired. Please connect LinkedIn again."),
                platform_code=error,
                http_status=response.status_code,
            )
        # LinkedIn's words for a bad code ("authorization code not found") mean nothing to a
        # client; what to do does.
        raise ConnectorError(
            _("LinkedIn did not accept this sign-in. Please connect LinkedIn again."),
            platform_code=error,
            http_status=response.status_code,
        )

    def _tokens(self, answer: Mapping[str, Any]) -> TokenSet:
        me = userinfo(answer["access_token"])
        expires_in = answer.get("expires_in")
        return TokenSet(
            access_token=answer["access_token"],
            refresh_token=answer.get("refresh_token"),
            expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
            # LinkedIn lists the granted scopes comma-separated.
            scopes=frozenset(
                s for s in str(answer.get("scope", "")).replace(" ", ",").split(",") if s
            ),
            subject_id=me.get("sub"),
            email=me.get("email"),
            name=me.get("name"),
        )


def userinfo(access_token: str) -> dict[str, Any]:
    """Who signed in: the OpenID Connect userinfo (`sub`, `name`, `email`)."""
    try:
        response = http.request(
            "GET",
            linkedin_settings().userinfo_url,
            headers={"Authorization": f"Bearer {access_token}"},
        )
    except http.TransportError as e:
        raise ConnectorError(
            _("LinkedIn did not answer. Please try again in a moment."), permanent=False
        ) from e
    if not response.is_success:
        raise ConnectorError(
            _(
                "LinkedIn did not tell us who signed in. Please connect LinkedIn again and "
                "allow sharing your name and e-mail address."
            ),
            http_status=response.status_code,
        )
    return dict(response.json())
