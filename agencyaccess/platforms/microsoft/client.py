"""The Microsoft identity platform sign-in that serves Microsoft Advertising
(docs/platforms/microsoft.md#sign-in)."""

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
from agencyaccess.platforms.microsoft.api import RATE_LIMIT_SECONDS, call, require_scope
from agencyaccess.platforms.microsoft.config import (
    MANAGE_SCOPE,
    OFFLINE_SCOPE,
    microsoft_settings,
)

logger = logging.getLogger(__name__)
SCOPES = (MANAGE_SCOPE, OFFLINE_SCOPE)


class MicrosoftClient(PlatformClient):
    platform = "microsoft"
    supports_pkce = True  # the identity platform takes S256 challenges on the code flow

    def config(self) -> OAuthConfig:
        microsoft = microsoft_settings()
        return OAuthConfig(
            client_id=microsoft.client_id,
            client_secret=microsoft.client_secret,
            authorize_url=microsoft.authorize_url,
            token_url=microsoft.token_url,
            sandbox=microsoft.sandbox,
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
        return self.code_flow_url(
            redirect_uri=redirect_uri,
            state=state,
            scope=" ".join(scopes),
            response_mode="query",
            # Someone signed in to another Microsoft account picks the one that has the ads.
            prompt="select_account",
            **self.sign_in_hints(code_challenge, login_hint),
        )

    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet:
        form = self.code_form(code, redirect_uri, code_verifier)
        tokens = self._token_request(form)
        require_scope(tokens)
        user = call("POST", "User/Query", tokens, {"UserId": None})["User"]
        return TokenSet(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            expires_at=tokens.expires_at,
            scopes=tokens.scopes,
            subject_id=str(user["Id"]),
            email=(user.get("ContactInfo") or {}).get("Email") or user.get("UserName"),
            name=_full_name(user),
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        """Refresh tokens rotate: the answer carries a new one, which replaces the old."""
        fresh = self._token_request(self.refresh_form(tokens, _sign_in_expired()))
        return self.refreshed(tokens, fresh)

    # revoke_token: the identity platform has no endpoint revoking one app's refresh token
    # (docs/platforms/microsoft.md#sign-in); forgetting it is all there is, as the base does.

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """The customers the agency's person belongs to: one of them is the manager customer
        that asks clients for a link (the agency picks it when there are several)."""
        answer = call("POST", "User/Query", tokens, {"UserId": None})
        customers = sorted({str(role["CustomerId"]) for role in answer.get("CustomerRoles", [])})
        return SignIn(
            email=tokens.email or "",
            name=tokens.name or "",
            options=Options(
                "manager_customer_id",
                # Translators: %s is a Microsoft Advertising customer id, such as 3000001.
                tuple((customer, _("Customer %s") % customer) for customer in customers),
            ),
        )

    def _token_request(self, form: dict[str, str]) -> TokenSet:
        microsoft = microsoft_settings()
        form |= {
            "client_id": microsoft.client_id,
            "client_secret": microsoft.client_secret,
            "scope": " ".join(SCOPES),
        }
        try:
            response = http.request("POST", microsoft.token_url, data=form)
        except http.TransportError as e:
            raise ConnectorError(
                _("Microsoft did not answer. Please try again in a moment."), permanent=False
            ) from e
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            answer = {}
        if response.is_success and "access_token" in answer:
            return _token_set(answer)
        return _token_error(answer, response.status_code)


def _token_set(answer: dict[str, Any]) -> TokenSet:
    """The token response's `scope` says what the person really allowed."""
    expires_in = answer.get("expires_in")
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer.get("refresh_token"),
        expires_at=timezone.now() + timedelta(seconds=int(expires_in)) if expires_in else None,
        scopes=frozenset(str(answer.get("scope", "")).split()),
    )


def _token_error(answer: dict[str, Any], status: int) -> TokenSet:
    error = str(answer.get("error") or "")
    # The description carries an AADSTS code and trace ids, never a token: safe to log.
    logger.warning("Microsoft token endpoint refused: %s %s", error, answer.get("error_codes"))
    if error in ("invalid_grant", "interaction_required"):
        raise TokenExpired(_sign_in_expired(), platform_code=error, http_status=status)
    if status == 429:
        raise RateLimited(
            _("Microsoft is busy right now. Please wait a minute and try again."),
            http_status=status,
            retry_after=RATE_LIMIT_SECONDS,
        )
    raise ConnectorError(
        _(
            "Microsoft refused the sign-in. Please try again; if it keeps failing, tell your "
            "agency so the administrator of this installation can check its Microsoft settings."
        ),
        platform_code=error or None,
        http_status=status,
        permanent=status < 500,
    )


def _full_name(user: dict[str, Any]) -> str:
    name = user.get("Name") or {}
    return " ".join(part for part in (name.get("FirstName"), name.get("LastName")) if part)


def _sign_in_expired() -> str:
    return _("Your Microsoft sign-in has expired. Please connect Microsoft Advertising again.")
