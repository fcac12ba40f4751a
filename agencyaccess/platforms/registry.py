"""Platform key -> its integration (DESIGN.md, convention 1). Adding a platform with an API is
its own package plus one entry here; the catalogue says which services are guided instead.

Everything outside a platform's package reaches it through this module (a test walks the
imports): its sign-in, its connectors, the agency's sign-in, whether its sandbox stands in.
"""

from collections.abc import Mapping
from typing import Any

from agencyaccess.platforms import (
    google,
    hubspot,
    linkedin,
    meta,
    microsoft,
    pinterest,
    snapchat,
    tiktok,
)
from agencyaccess.platforms.base import (
    Check,
    ConnectorError,
    Integration,
    PlatformClient,
    ServiceConnector,
    SignIn,
    TokenSet,
)

INTEGRATIONS: dict[str, Integration] = {
    integration.client.platform: integration
    for integration in (
        google.INTEGRATION,
        meta.INTEGRATION,
        tiktok.INTEGRATION,
        linkedin.INTEGRATION,
        microsoft.INTEGRATION,
        pinterest.INTEGRATION,
        snapchat.INTEGRATION,
        hubspot.INTEGRATION,
    )
}

_CONNECTORS: dict[str, ServiceConnector] = {
    key: connector
    for integration in INTEGRATIONS.values()
    for connector in integration.connectors
    for key in connector.service_keys
}


def client_for(platform_key: str) -> PlatformClient | None:
    integration = INTEGRATIONS.get(platform_key)
    return integration.client if integration else None


def connector_for(service_key: str) -> ServiceConnector | None:
    """The connector granting this service through an API; None when it is guided."""
    return _CONNECTORS.get(service_key)


def is_sandbox(platform_key: str) -> bool:
    """Whether the platform's local fake stands in for it (said on the pages, so nobody thinks
    a real account was touched)."""
    client = client_for(platform_key)
    if client is None:
        return False
    try:
        return client.config().sandbox
    except ConnectorError:
        return False


def agency_sign_in(platform_key: str, tokens: TokenSet) -> SignIn:
    """What an agency's sign-in on this platform says about the account it connects. Raises
    KeyError for a platform without a sign-in."""
    return INTEGRATIONS[platform_key].client.agency_sign_in(tokens)


def sandbox_agency_sign_in(platform_key: str) -> TokenSet | None:
    """The sandbox's demo agency person signed in, without a browser (the demo seed); None when
    the platform has no sandbox or its real API is configured."""
    integration = INTEGRATIONS.get(platform_key)
    if integration is None or not is_sandbox(platform_key):
        return None
    return integration.sandbox_sign_in(integration.sandbox_agency_person)


def sandbox_client_sign_in(platform_key: str) -> TokenSet | None:
    """The sandbox's client person signed in, without a browser (the benchmarks); None when the
    platform has no sandbox or its real API is configured."""
    integration = INTEGRATIONS.get(platform_key)
    if integration is None or not is_sandbox(platform_key):
        return None
    return integration.sandbox_sign_in(integration.sandbox_client_person)


def has_api(platform_key: str) -> bool:
    return platform_key in INTEGRATIONS


def mode_check(platform_key: str) -> Check:
    """Whether the real platform or its local fake answers the checks that follow."""
    if is_sandbox(platform_key):
        return Check("Mode", True, "sandbox: the local fake answers, no real account is touched")
    return Check("Mode", True, "real API: the configured app's credentials are used")


def check_setup(
    platform_key: str, tokens: TokenSet, fields: Mapping[str, Any] | None = None
) -> list[Check]:
    """The platform's read-only setup checks with an agency's connected sign-in and the
    account's fields (`Integration.check_setup`). Raises KeyError for a platform without an
    API."""
    return INTEGRATIONS[platform_key].check_setup(tokens, fields)
