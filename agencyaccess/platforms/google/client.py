"""Google's OAuth (docs/platforms/google.md#sign-in): one sign-in serves every Google service."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from agencyaccess.platforms.base import (
    ConnectorError,
    MissingScope,
    OAuthConfig,
    PlatformClient,
    RateLimited,
    SignIn,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.google import api
from agencyaccess.platforms.google.ads import manager_ids
from agencyaccess.platforms.google.config import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    base_url,
    in_sandbox,
)
from agencyaccess.platforms.google.scopes import IDENTITY, SERVICE_SCOPES


class GoogleClient(PlatformClient):
    platform = "google"
    supports_pkce = True

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The agency's Google account: its e-mail and the Google Ads manager accounts it
        administers, which client accounts are linked under."""
        try:
            fields, note = {"google_ads_manager_ids": manager_ids(tokens)}, ""
        except MissingScope:
            # The sign-in still serves every other Google service; what it has stays.
            fields, note = (
                {},
                _("Google Ads was not allowed, so its manager accounts were not read."),
            )
        return SignIn(email=tokens.email or "", name=tokens.name or "", fields=fields, note=note)

    def config(self) -> OAuthConfig:
        sandbox = in_sandbox()
        return OAuthConfig(
            client_id=SANDBOX_CLIENT_ID if sandbox else settings.GOOGLE_CLIENT_ID,
            client_secret=SANDBOX_CLIENT_SECRET if sandbox else settings.GOOGLE_CLIENT_SECRET,
            authorize_url=base_url("authorize"),
            token_url=base_url("token"),
            sandbox=sandbox,
        )

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        wanted = {scope for key in service_keys for scope in SERVICE_SCOPES.get(key, ())}
        return [*sorted(wanted), *IDENTITY]

    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        return self.code_flow_url(
            redirect_uri=redirect_uri,
            state=state,
            scope=" ".join(scopes),
            access_type="offline",  # a refresh token, so grants can be verified later
            include_granted_scopes="true",
            # Without it Google gives no new refresh token to someone who consented before.
            prompt="consent",
            **self.sign_in_hints(code_challenge, login_hint),
        )

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        form = self.code_form(code, redirect_uri, code_verifier)
        answer = self._token_request(form)
        tokens = _token_set(answer)
        person = api.GOOGLE_IDENTITY.call("GET", "", tokens)
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
            scopes=tokens.scopes,
            subject_id=person.get("sub"),
            email=person.get("email"),
            name=person.get("name"),
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        answer = self._token_request(self.refresh_form(tokens, api.sign_in_expired_message()))
        # Google keeps the refresh token and the person; only the access token changes.
        fresh = _token_set(answer)
        return self.refreshed(tokens, fresh)

    def revoke_token(self, tokens: TokenSet) -> None:
        """Best effort: revoking the refresh token also ends its access tokens
        (developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke)."""
        token = tokens.refresh_token or tokens.access_token
        try:
            api.send_form(base_url("revoke"), {"token": token})
        except ConnectorError:
            api.logger.warning("Google token revocation failed; the token expires on its own")

    def _token_request(self, form: dict[str, str]) -> dict[str, Any]:
        config = self.config()
        response = api.send_form(
            config.token_url,
            form | {"client_id": config.client_id, "client_secret": config.client_secret},
        )
        answer = api.json_body(response)
        if response.is_success:
            return answer
        error = answer.get("error", "")
        api.logger.warning(
            "Google token endpoint refused: %s %s", error, answer.get("error_description")
        )
        if error == "invalid_grant":
            raise TokenExpired(api.sign_in_expired_message(), platform_code=error, http_status=400)
        if response.status_code == 429:
            raise RateLimited(
                _("Google is busy right now. Please wait a minute and try again."),
                http_status=429,
                retry_after=api.retry_after(response),
            )
        raise ConnectorError(
            _(
                "Google refused the sign-in. Please try again; if it keeps failing, tell your "
                "agency so the administrator of this installation can check its Google settings."
            ),
            platform_code=error or None,
            http_status=response.status_code,
            permanent=response.status_code < 500,
        )


def _token_set(answer: dict[str, Any]) -> TokenSet:
    """Google's token response. `scope` says what the person really allowed: with granular
    consent any box can be unticked (docs/platforms/google.md#sign-in)."""
    expires_in = answer.get("expires_in")
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer.get("refresh_token"),
        expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
        scopes=frozenset(answer.get("scope", "").split()),
    )
