"""The connector interface (docs/platforms/README.md#the-connector-interface), which every
API-backed platform implements.

A platform package (platforms/google/, platforms/meta/) provides one `PlatformClient` (its OAuth)
and one `ServiceConnector` per group of services (Google Ads, GA4, …). The core never talks
HTTP itself: it asks a connector, and a connector answers with explicit states or raises a
`ConnectorError` that says whether trying again can help.

Synchronous on purpose: the web views and the worker are synchronous, and a grant is a short
sequence of dependent calls, so an event loop would add machinery without any concurrency.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode


class GrantState(enum.StrEnum):
    ACTIVE = "active"
    PENDING_CLIENT = "pending_client"  # the client still has to accept (e.g. in the platform)
    PENDING_AGENCY = "pending_agency"  # the agency has to accept an invitation or request
    PENDING_REVIEW = "pending_review"  # the platform reviews it (Google Ads multi-party approval)
    MANUAL_REQUIRED = "manual_required"  # no API for it, or the API refused: steps to follow
    FAILED = "failed"
    REVOKED = "revoked"

    @property
    def is_pending(self) -> bool:
        return self in (self.PENDING_CLIENT, self.PENDING_AGENCY, self.PENDING_REVIEW)

    @property
    def counts_as_granted(self) -> bool:
        """The client did their part: the service shows as granted."""
        return self == self.ACTIVE or self.is_pending


@dataclass(frozen=True)
class TokenSet:
    """OAuth tokens of one sign-in. Never logged, never put in a URL; stored encrypted."""

    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None  # None: does not expire, or unknown
    scopes: frozenset[str] = frozenset()
    subject_id: str | None = None  # the platform's id of the person who signed in
    email: str | None = None
    name: str | None = None

    def __repr__(self) -> str:  # a token printed by accident must not leak
        return f"TokenSet(subject_id={self.subject_id!r}, scopes={sorted(self.scopes)!r})"


@dataclass(frozen=True)
class Asset:
    """Something a client can share: an ad account, a property, a page, a catalog…"""

    asset_type: str  # "ad_account", "property", "container", "site", "page", …
    external_id: str  # the platform's id or resource name ("customers/123", "act_789")
    name: str
    parent_id: str | None = None  # e.g. the GA4 account, the owning Business Manager
    parent_name: str | None = None
    grantable: bool = True  # the signed-in user has the rights needed to share it
    not_grantable_reason: str = ""  # shown to the client when not grantable
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgencyIdentity:
    """Who receives the access: the agency's connected account, as the connector needs it."""

    account_id: str  # the connected account's public id
    email: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)  # business_id, manager ids, …
    mcc_id: str = ""  # Google Ads: the manager account to link under, when the link names one
    tokens: TokenSet | None = None  # the agency's own sign-in, when it connected by OAuth


@dataclass(frozen=True)
class GrantRequest:
    service_key: str
    asset: Asset
    agency: AgencyIdentity
    level: str  # the catalogue's canonical level key, e.g. "STANDARD"
    native_role: str  # the catalogue's native role for that level


@dataclass(frozen=True)
class GrantRef:
    """What is kept to verify or revoke a grant later."""

    service_key: str
    asset_id: str
    native_ref: str  # e.g. "properties/4/accessBindings/5", "customers/1/customerManagerLinks/2~3"
    native_role: str
    agency: AgencyIdentity


@dataclass(frozen=True)
class GrantOutcome:
    state: GrantState
    native_ref: str = ""
    native_role: str = ""
    message: str = ""  # for the client and the agency: what happened, what happens next
    next_action_url: str | None = None  # where someone has to go to finish (accept, approve)
    retry_after: float | None = None  # seconds before verifying again is worth it


class ConnectorError(Exception):
    """A platform call that failed. `permanent` errors are shown with what to do; the others
    are retried (the worker retries, the client can press the button again)."""

    permanent = True

    def __init__(
        self,
        message: str,
        *,
        platform_code: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
        permanent: bool | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.platform_code = platform_code
        self.http_status = http_status
        self.retry_after = retry_after
        if permanent is not None:
            self.permanent = permanent


class TokenExpired(ConnectorError):
    """The sign-in is no longer valid: sign in again."""


class MissingScope(ConnectorError):
    """A permission was unticked on the consent screen: sign in again and allow it."""


class InsufficientRights(ConnectorError):
    """The signed-in user is not an admin of the asset."""


class RateLimited(ConnectorError):
    permanent = False


class NotSupported(ConnectorError):
    pass


@dataclass(frozen=True)
class Options:
    """An account field the agency's sign-in offers several values for (the Business Managers a
    person belongs to): the agency picks the one that receives access."""

    key: str
    values: tuple[tuple[str, str], ...]  # (value, what to show)

    def label(self, value: str) -> str:
        return dict(self.values).get(value, value)


@dataclass(frozen=True)
class SignIn:
    """What the agency's sign-in tells about the account it connects."""

    email: str = ""
    name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    options: Options | None = None
    note: str = ""  # what the agency should know, such as a permission left out


@dataclass(frozen=True)
class OAuthConfig:
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    sandbox: bool  # True when the platform's local fake stands in for it


class PlatformClient(abc.ABC):
    """A platform's OAuth: one sign-in serves every service of the platform."""

    platform: ClassVar[str]  # the catalogue's platform key
    supports_pkce: ClassVar[bool] = False
    code_param: ClassVar[str] = "code"  # the callback's parameter carrying the code (RFC 6749)

    @abc.abstractmethod
    def config(self) -> OAuthConfig:
        """Read from settings on every call, so tests and the sandbox can redirect it."""

    @abc.abstractmethod
    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        """The scopes to ask for when the client connects for these services."""

    @abc.abstractmethod
    def authorize_url(
        self,
        *,
        state: str,
        redirect_uri: str,
        scopes: Sequence[str],
        code_challenge: str | None = None,
        login_hint: str | None = None,
    ) -> str: ...

    @abc.abstractmethod
    def exchange_code(
        self, *, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenSet: ...

    @abc.abstractmethod
    def refresh(self, tokens: TokenSet) -> TokenSet:
        """A fresh access token; raises TokenExpired when the sign-in is gone."""

    def revoke_token(self, tokens: TokenSet) -> None:  # noqa: B027 (optional)
        """Tell the platform to forget the token; best effort."""

    def code_flow_url(self, *, redirect_uri: str, state: str, scope: str, **extra: str) -> str:
        """The authorization request of the code flow (RFC 6749 §4.1.1) at the configured
        authorize URL; `extra` are the platform's own parameters."""
        config = self.config()
        params = {
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": scope,
            "state": state,
        }
        return f"{config.authorize_url}?{urlencode(params | extra)}"

    @staticmethod
    def sign_in_hints(code_challenge: str | None, login_hint: str | None) -> dict[str, str]:
        """The authorization URL's optional parameters every platform spells the same way:
        PKCE's challenge (RFC 7636, S256) and the account to suggest."""
        params: dict[str, str] = {}
        if code_challenge:
            params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        if login_hint:
            params["login_hint"] = login_hint
        return params

    @staticmethod
    def code_form(code: str, redirect_uri: str, code_verifier: str | None) -> dict[str, str]:
        """The token request that exchanges an authorization code (RFC 6749 §4.1.3), with
        PKCE's verifier when the flow used one."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return form

    @staticmethod
    def refresh_form(tokens: TokenSet, expired: str) -> dict[str, str]:
        """The token request that refreshes a sign-in (RFC 6749 §6); one without a refresh
        token cannot be refreshed: `expired` says what the person must do."""
        if not tokens.refresh_token:
            raise TokenExpired(expired)
        return {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}

    @staticmethod
    def refreshed(tokens: TokenSet, fresh: TokenSet) -> TokenSet:
        """The sign-in after a refresh: the new access token, the refresh token the answer
        rotated to (or the same one), the same person."""
        return TokenSet(
            access_token=fresh.access_token,
            refresh_token=fresh.refresh_token or tokens.refresh_token,
            expires_at=fresh.expires_at,
            scopes=fresh.scopes or tokens.scopes,
            subject_id=tokens.subject_id,
            email=tokens.email,
            name=tokens.name,
        )

    def agency_sign_in(self, tokens: TokenSet) -> SignIn:
        """What an agency's sign-in says about the account it connects: the platform's ids
        that receive access (read from the platform), or the choices among them."""
        return SignIn(email=tokens.email or "", name=tokens.name or "")


class ServiceConnector(abc.ABC):
    """Lists and grants the assets of some services of a platform (e.g. GA4 properties)."""

    service_keys: ClassVar[tuple[str, ...]]
    required_scopes: ClassVar[frozenset[str]] = frozenset()
    # Whether grant() needs the agency's own sign-in (a Google Ads manager link does).
    needs_agency_tokens: ClassVar[bool] = False
    # Whether verify_from_agency() answers many grants with one listing of what is shared with
    # the agency (Meta): the re-checks then ask it once per batch instead of once per grant.
    lists_agency_shares: ClassVar[bool] = False

    @abc.abstractmethod
    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        """What the signed-in client can see for this service, grantable or not."""

    @abc.abstractmethod
    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        """Give the agency access. Idempotent: "already has access" is ACTIVE."""

    @abc.abstractmethod
    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        """Where the grant stands now. Never changes anything. Uses the agency's tokens
        (ref.agency.tokens) and, when still held, the client's."""

    def verify_from_agency(self, refs: Sequence[GrantRef]) -> list[GrantOutcome | ConnectorError]:
        """Several grants checked without the client's sign-in, in the order given: each one's
        outcome, or the error that kept it from being known. A platform that lists everything
        shared with the agency in one read overrides this and sets `lists_agency_shares` (Meta),
        so a batch of re-checks costs one listing rather than one per grant
        (docs/lifecycle.md)."""
        outcomes: list[GrantOutcome | ConnectorError] = []
        for ref in refs:
            try:
                outcomes.append(self.verify(ref))
            except ConnectorError as error:
                outcomes.append(error)
        return outcomes

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        raise NotSupported("This service cannot be revoked through its API.")

    def missing_scopes(self, tokens: TokenSet) -> frozenset[str]:
        return self.required_scopes - tokens.scopes


@dataclass(frozen=True)
class Check:
    """One line of an operator's setup check (`agencyaccess check_platform`): what was tried,
    whether it works, and what was seen or is missing. Read by the operator, not translated."""

    label: str
    ok: bool
    detail: str = ""


def refusal(error: ConnectorError) -> str:
    """A platform's refusal on a check line: its own code and the HTTP status."""
    return f"refused ({error.platform_code or 'error'}, HTTP {error.http_status or '?'})"


@dataclass(frozen=True)
class Integration:
    """Everything one platform package provides to the registry."""

    client: PlatformClient
    connectors: tuple[ServiceConnector, ...]
    sandbox_urls: str  # dotted path of the sandbox's urlconf, mounted at /sandbox/<platform>/
    # Signs one of the sandbox's people in without a browser (the demo seed, tests), by the
    # sandbox's id for them; and the id of the person who works at the sandbox's demo agency.
    sandbox_sign_in: Callable[[str], TokenSet]
    sandbox_agency_person: str
    # Read-only checks of what only this platform knows (Google Ads' developer token, Meta's
    # app review, TikTok's Business Center), given a fresh sign-in of the agency's connected
    # account and the account's fields (the ids the agency set on it).
    platform_checks: Callable[[TokenSet, Mapping[str, Any]], Sequence[Check]] | None = None
    # The sandbox's id for the client person whose assets the benchmarks list and share: Jane
    # in most sandboxes; a package whose sandbox client is someone else names them.
    sandbox_client_person: str = "jane"

    def check_setup(self, tokens: TokenSet, fields: Mapping[str, Any] | None = None) -> list[Check]:
        """What works and what is missing for this platform, with the agency's connected account
        (its sign-in and its fields): the configured app refreshes the sign-in, the sign-in holds
        every connector's scopes, and the platform's own checks. Reads only; grants nothing."""
        try:
            fresh = self.client.refresh(tokens)
        except TokenExpired as e:
            return [Check("Connected account's sign-in", False, f"{e.message} (reconnect it)")]
        except ConnectorError as e:
            refusal = f"{e.platform_code or 'refused'}, HTTP {e.http_status or '?'}"
            return [
                Check(
                    "App credentials",
                    False,
                    f"the configured app could not refresh the sign-in ({refusal}): "
                    "check the app's id and secret in the settings",
                )
            ]
        checks = [Check("App credentials", True, "the configured app refreshed the sign-in")]
        checks += [_scope_check(connector, fresh.scopes) for connector in self.connectors]
        if self.platform_checks is not None:
            checks += self.platform_checks(fresh, fields or {})
        return checks


def _scope_check(connector: ServiceConnector, granted: frozenset[str]) -> Check:
    label = f"Scopes for {', '.join(connector.service_keys)}"
    missing = connector.required_scopes - granted
    if missing:
        return Check(label, False, f"missing {', '.join(sorted(missing))}")
    return Check(label, True, ", ".join(sorted(connector.required_scopes)) or "none needed")
