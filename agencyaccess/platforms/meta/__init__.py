"""Meta: ad accounts, Pages, catalogs, pixels and Instagram accounts shared with the agency's
Business Manager (spec/platforms.md §8)."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.meta.client import MetaClient

INTEGRATION = Integration(
    client=MetaClient(),
    connectors=(),
    sandbox_urls="agencyaccess.platforms.meta.sandbox.urls",
)
