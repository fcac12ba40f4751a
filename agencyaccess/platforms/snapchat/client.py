"""Snap's OAuth sign-in for the Marketing API, and who signed in
(docs/platforms/snapchat.md#sign-in)."""

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
    PlatformClient,
    RateLimited,
    SignIn,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.snapchat.api import (
    call,
    require_scope,
    sign_in_expired,
    wait_seconds,
)
from agencyaccess.platforms.snapchat.config import MARKETING_SCOPE, snapchat_settings

logger = logging.getLogger(__name__)


class SnapchatClient(PlatformClient):
    platform = "snapchat"

    def config(self) -> OAuthConfig:
        snapchat = snapchat_settings()
        return OAuthConfig(
            client_id=snapchat.client_id,
            client_secret=snapchat.client_secret,
            authorize_url=snapchat.authorize_url,
            token_url=snapchat.token_url,
            sandbox=snapchat.sandbox,
        )

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        return [MARKETING_SCOPE]

    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str:
        # Snap documents neither PKCE nor a login hint for the Marketing API's sign-in.
        return self.code_flow_url(redirect_uri=redirect_uri, state=state, scope=" ".join(scopes))

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        # The sign-in asks the one scope, for every service.
        tokens = _token_request(
            self.code_form(code, redirect_uri, None), requested=frozenset({MARKETING_SCOPE})
        )
        require_scope(tokens)
        me = call("GET", "me", tokens)["me"]
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
            scopes=tokens.scopes,
            subject_id=str(me["id"]),
            email=me.get("email"),
            name=me.get("display_name"),
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """Access tokens live the answer's `expires_in`; the refresh token brings new ones (and
        may be replaced by the answer's)."""
        fresh = _token_request(
            self.refresh_form(tokens, sign_in_expired()), requested=tokens.scopes
        )
        return self.refreshed(tokens, fresh)

    # revoke_token: Snap documents no endpoint revoking a Marketing API token; forgetting it is
    # all there is, as the base does.

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The agency's person: the e-mail address clients invite to their organization."""
        me = call("GET", "me", tokens)["me"]
        return SignIn(email=me.get("email") or "", name=me.get("display_name") or "")


def _token_request(form: dict[str, str], *, requested: frozenset[str]) -> TokenSet:
    snapchat = snapchat_settings()
    form |= {"client_id": snapchat.client_id, "client_secret": snapchat.client_secret}
    try:
        response = http.request("POST", snapchat.token_url, data=form)
    except http.TransportError as e:
        raise ConnectorError(
            _("Snapchat did not answer. Please try again in a moment."), permanent=False
        ) from e
    try:
        answer: dict[str, Any] = response.json()
    except ValueError:
        answer = {}
    if response.is_success and "access_token" in answer:
        return _token_set(answer, requested)
    return _token_error(answer, response.status_code, response.headers.get("Retry-After"))


def _token_set(answer: dict[str, Any], requested: frozenset[str]) -> TokenSet:
    """The token response's `scope` says what the person allowed; a server may leave it out
    when it is what was asked (RFC 6749, section 5.1)."""
    expires_in = answer.get("expires_in")
    scope = answer.get("scope")
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer.get("refresh_token"),
        expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
        scopes=frozenset(str(scope).split()) if scope is not None else requested,
    )


def _token_error(answer: dict[str, Any], status: int, retry_after: str | None) -> TokenSet:
    error = str(answer.get("error") or "")
    # OAuth's error and description name no token: safe to log.
    logger.warning("Snapchat token endpoint refused: %s (HTTP %s)", error, status)
    if error == "invalid_grant":
        raise TokenExpired(sign_in_expired(), platform_code=error, http_status=status)
    if status == 429:
        raise RateLimited(
            _("Snapchat is busy right now. Please wait a moment and try again."),
            http_status=status,
            retry_after=wait_seconds(retry_after),
        )
    raise ConnectorError(
        _(
            "Snapchat refused the sign-in. Please try again; if it keeps failing, tell your "
            "agency so the administrator of this installation can check its Snapchat settings."
        ),
        platform_code=error or None,
        http_status=status,
        permanent=status < 500,
    )
