"""Google: one sign-in for Ads, Analytics, Tag Manager, Merchant Center, Business Profile and
Search Console (docs/platforms/google.md). YouTube Studio and Looker Studio are guided."""

from agencyaccess.platforms.base import Integration
from agencyaccess.platforms.google.ads import GoogleAds
from agencyaccess.platforms.google.analytics import GoogleAnalytics
from agencyaccess.platforms.google.business_profile import GoogleBusinessProfile
from agencyaccess.platforms.google.checks import platform_checks
from agencyaccess.platforms.google.client import GoogleClient
from agencyaccess.platforms.google.merchant_center import GoogleMerchantCenter
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, JANE
from agencyaccess.platforms.google.search_console import GoogleSearchConsole
from agencyaccess.platforms.google.tag_manager import GoogleTagManager

INTEGRATION = Integration(
    client=GoogleClient(),
    connectors=(
        GoogleAds(),
        GoogleAnalytics(),
        GoogleTagManager(),
        GoogleMerchantCenter(),
        GoogleBusinessProfile(),
        GoogleSearchConsole(),
    ),
    sandbox_urls="agencyaccess.platforms.google.sandbox.urls",
    sandbox_sign_in=issue_sandbox_tokens,
    sandbox_agency_person=DEMO_AGENCY,
    sandbox_client_person=JANE,
    platform_checks=platform_checks,
)
