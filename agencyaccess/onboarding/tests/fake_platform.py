"""A fake Google for the client-flow tests: its consent is given at once (the authorize URL is
our own callback with a code), and what a grant does depends on the asset's id.

The real connectors are tested in their own packages; this one lets the flow be tested alone.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import urlencode, urlsplit

from django.utils import timezone

from agencyaccess.catalog import service_by_key
from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    GrantState,
    InsufficientRights,
    NotSupported,
    OAuthConfig,
    PlatformClient,
    RateLimited,
    ServiceConnector,
    TokenSet,
)
from agencyaccess.test import BaseTestCase

GOOD_CODE = "good-code"
CLIENT_ACCESS_TOKEN = "ya29.client-access-token-secret"
CLIENT_REFRESH_TOKEN = "1//client-refresh-token-secret"

# What granting each asset does: an outcome, or an error raised.
ACTIVE_ID, PENDING_ID, MANUAL_ID, FAILING_ID, BUSY_ID, LOCKED_ID = (
    "111",
    "222",
    "333",
    "444",
    "555",
    "666",
)
MANUAL_URL = "https://ads.example/access-settings"
AGENCY_INBOX_URL = "https://ads.example/agency-invitations"  # where the agency accepts
ASSETS = {
    "google_ads": (
        Asset("ad_account", ACTIVE_ID, "Bakery Ads"),
        Asset("ad_account", PENDING_ID, "Pastry Ads"),
        Asset("ad_account", MANUAL_ID, "Bread Ads"),
        Asset("ad_account", FAILING_ID, "Cake Ads"),
        Asset("ad_account", BUSY_ID, "Cookie Ads"),
        Asset(
            "ad_account",
            LOCKED_ID,
            "Locked Ads",
            grantable=False,
            not_grantable_reason="You can only read this account.",
        ),
    ),
    "google_analytics": (
        Asset("property", "properties/1", "Bakery website", parent_name="Bakery account"),
    ),
}


class FakeClient(PlatformClient):
    platform = "google"
    supports_pkce = True

    def __init__(self) -> None:
        self.sandbox = True
        self.asked_scopes: list[list[str]] = []

    def config(self) -> OAuthConfig:
        return OAuthConfig("client-id", "client-secret", "", "", sandbox=self.sandbox)

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        return sorted(f"scope:{key}" for key in service_keys)

    def authorize_url(
        self, *, state, redirect_uri, scopes, code_challenge=None, login_hint=None
    ) -> str:
        assert code_challenge, "PKCE is used when the platform supports it"
        self.asked_scopes.append(list(scopes))
        return f"{redirect_uri}?{urlencode({'state': state, 'code': GOOD_CODE})}"

    def exchange_code(self, *, code, redirect_uri, code_verifier=None) -> TokenSet:
        if code != GOOD_CODE:
            raise ConnectorError("Google did not accept the sign-in code.")
        return TokenSet(
            access_token=CLIENT_ACCESS_TOKEN,
            refresh_token=CLIENT_REFRESH_TOKEN,
            expires_at=timezone.now() + timedelta(hours=1),
            scopes=frozenset(self.scopes_for(list(ASSETS))),
            subject_id="jane-google-id",
            email="jane@example.com",
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        return TokenSet(
            access_token=tokens.access_token + "-refreshed",
            refresh_token=tokens.refresh_token,
            expires_at=timezone.now() + timedelta(hours=1),
            scopes=tokens.scopes,
        )


class FakeConnector(ServiceConnector):
    service_keys = ("google_ads", "google_analytics")

    def __init__(self) -> None:
        self.list_error: ConnectorError | None = None
        self.granted: list[tuple[TokenSet, GrantRequest]] = []

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        if self.list_error is not None:
            raise self.list_error
        return ASSETS[service_key]

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self.granted.append((tokens, request))
        asset_id = request.asset.external_id
        if asset_id == FAILING_ID:
            raise InsufficientRights("You are not an administrator of Cake Ads.")
        if asset_id == BUSY_ID:
            raise RateLimited("Too many requests.", retry_after=10)
        if asset_id == PENDING_ID:
            return GrantOutcome(
                GrantState.PENDING_AGENCY,
                native_ref=f"invitations/{asset_id}",
                native_role=request.native_role,
                message=f"An invitation was sent to {request.agency.email}.",
                next_action_url=AGENCY_INBOX_URL,
            )
        if asset_id == MANUAL_ID:
            return GrantOutcome(
                GrantState.MANUAL_REQUIRED,
                message="Add the agency under Access and security.",
                next_action_url=MANUAL_URL,
            )
        return GrantOutcome(
            GrantState.ACTIVE, native_ref=f"links/{asset_id}", native_role=request.native_role
        )

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        raise NotSupported("not needed by the flow")


class FlowTestCase(BaseTestCase):
    """The named cast, with the fake Google as the only platform with an API."""

    fake_client: FakeClient
    fake_connector: FakeConnector

    def setUp(self) -> None:
        super().setUp()
        self.fake_client, self.fake_connector = FakeClient(), FakeConnector()
        # The sandbox's urls stay mounted: the urlconf may be first imported while patched.
        integration = replace(
            registry.INTEGRATIONS["google"],
            client=self.fake_client,
            connectors=(self.fake_connector,),
        )
        connectors = dict.fromkeys(FakeConnector.service_keys, self.fake_connector)
        for patcher in (
            patch.dict(registry.INTEGRATIONS, {"google": integration}),
            patch.dict(registry._CONNECTORS, connectors, clear=True),
        ):
            patcher.start()
            self.addCleanup(patcher.stop)

    def url(self, suffix: str = "", link: Link | None = None) -> str:
        return f"/l/{(link or self.link).public_id}/{suffix}"

    def request_service(
        self, service_key: str, platform: str = "google", level: str = "", **fields
    ) -> RequestedService:
        """Add a service to Alice's link, received by her account on that platform."""
        service = RequestedService.objects.create(
            link=self.link,
            platform=platform,
            service_key=service_key,
            access_level=level or service_by_key(service_key).default,
            position=self.link.services.count(),
            **fields,
        )
        account = self.google_a if platform == "google" else self.meta_a
        RequestedAccountLink.objects.create(requested_service=service, connected_account=account)
        return service

    def start_connect(self, link: Link | None = None) -> str:
        """Press "Connect with Google"; returns the callback URL the consent sends back to."""
        response = self.client.post(self.url("connect/google/", link))
        self.assertEqual(response.status_code, 302)
        location = urlsplit(response["Location"])
        return f"{location.path}?{location.query}"

    def connect(self, link: Link | None = None):
        """Connect with Google and come back from its consent."""
        return self.client.get(self.start_connect(link))

    def share(self, *asset_ids: str, service_key: str = "google_ads", follow: bool = False):
        """Tick and share; with `follow`, the page the flow moves on to after a share that
        leaves nothing for the client (what was shared is shown there)."""
        return self.client.post(
            self.url("platform/google/"), {service_key: list(asset_ids)}, follow=follow
        )
