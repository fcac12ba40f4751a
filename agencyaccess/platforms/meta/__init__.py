"""Meta: ad accounts, Pages, catalogs, pixels and Instagram accounts shared with the agency's
Business Manager (spec/platforms.md §8)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.meta.client import MetaClient
from agencyaccess.platforms.meta.connectors import CONNECTORS

INTEGRATION = Integration(
    client=MetaClient(),
    connectors=CONNECTORS,
    sandbox_urls="agencyaccess.platforms.meta.sandbox.urls",
)
