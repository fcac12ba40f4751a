"""Drift against the sandbox: access removed or changed in Google's own screens (the sandbox's
`outside` module) is what each connector's verify() then reports, with the client's sign-in
and, where the connector can check with it, the agency's."""

import pytest

from agencyaccess.platforms.base import Asset, GrantState
from agencyaccess.platforms.google.ads import GoogleAds
from agencyaccess.platforms.google.analytics import GoogleAnalytics
from agencyaccess.platforms.google.business_profile import GoogleBusinessProfile
from agencyaccess.platforms.google.merchant_center import GoogleMerchantCenter
from agencyaccess.platforms.google.sandbox import outside
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY
from agencyaccess.platforms.google.search_console import GoogleSearchConsole
from agencyaccess.platforms.google.tag_manager import GoogleTagManager
from agencyaccess.platforms.google.tests.cast import (
    LIVE_SANDBOX,
    accept_everything,
    agency,
    asking,
    ref,
)

pytestmark = LIVE_SANDBOX

# service, connector, asset, level: one grant each service makes at once (or once accepted).
GRANTS = [
    ("google_analytics", GoogleAnalytics(), Asset("property", "properties/2001", "Bakery"), "EDITOR"),
    ("google_tag_manager", GoogleTagManager(), Asset("container", "accounts/3001/containers/4001", "Site"), "EDIT"),
    ("google_merchant_center", GoogleMerchantCenter(), Asset("merchant_account", "accounts/5001", "Shop"), "READ_ONLY"),
    ("google_business_profile", GoogleBusinessProfile(), Asset("location", "locations/7001", "Bakery"), "MANAGER"),
    ("google_search_console", GoogleSearchConsole(), Asset("site", "sc-domain:janes-bakery.example", "Site"), "OWNER"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("service", "connector", "asset", "level"),
    GRANTS,
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_agency_removed_outside_is_seen_as_revoked(
    jane, agency_tokens, service, connector, asset, level
):
    request = asking(service, asset, level, agency(agency_tokens))
    grant_ref = ref(request, connector.grant(jane, request))
    accept_everything(DEMO_AGENCY)
    assert connector.verify(grant_ref, client_tokens=jane).state == GrantState.ACTIVE

    assert outside.remove_everywhere(DEMO_AGENCY) >= 1

    assert connector.verify(grant_ref, client_tokens=jane).state == GrantState.REVOKED


def test_analytics_reports_a_role_changed_outside(jane):
    request = asking(
        "google_analytics", Asset("property", "properties/2001", "Bakery"), "EDITOR", agency()
    )
    grant_ref = ref(request, GoogleAnalytics().grant(jane, request))

    outside.set_analytics_roles(DEMO_AGENCY, ["predefinedRoles/viewer"])

    outcome = GoogleAnalytics().verify(grant_ref, client_tokens=jane)
    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_role == "predefinedRoles/viewer"


def test_ads_reports_a_user_removed_or_its_role_changed_outside(jane):
    ads = GoogleAds()
    request = asking(
        "google_ads",
        Asset("ad_account", "customers/5555555555/customerClients/5555555501", "North"),
        "STANDARD",
        agency(),
    )
    invitation_ref = ref(request, ads.grant(jane, request))
    accept_everything(DEMO_AGENCY)
    user_ref = ref(request, ads.verify(invitation_ref, client_tokens=jane))

    outside.set_ads_role(DEMO_AGENCY, "READ_ONLY")
    assert ads.verify(user_ref, client_tokens=jane).native_role == "READ_ONLY"

    outside.remove_everywhere(DEMO_AGENCY)
    assert ads.verify(user_ref, client_tokens=jane).state == GrantState.REVOKED
