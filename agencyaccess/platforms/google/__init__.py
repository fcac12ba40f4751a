"""Google: one sign-in for Ads, Analytics, Tag Manager, Merchant Center, Business Profile and
Search Console (spec/platforms.md §1-7). YouTube Studio and Looker Studio are guided."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.google.client import GoogleClient

INTEGRATION = Integration(
    client=GoogleClient(),
    connectors=(),
    sandbox_urls="agencyaccess.platforms.google.sandbox.urls",
)
