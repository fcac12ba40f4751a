"""Platform key -> its integration (DESIGN.md, convention 1). Adding a platform with an API is
its own package plus one entry here; the catalogue says which services are guided instead."""

from agencyaccess.platforms import google, meta
from agencyaccess.platforms.base import Integration, PlatformClient, ServiceConnector

INTEGRATIONS: dict[str, Integration] = {
    integration.client.platform: integration
    for integration in (google.INTEGRATION, meta.INTEGRATION)
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
