import httpx
import pytest

from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.google.business_profile import GoogleBusinessProfile
from agencyaccess.platforms.google.config import base_url
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens, state
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, JANE
from agencyaccess.platforms.google.scopes import ADWORDS
from agencyaccess.platforms.google.tests.cast import (
    LIVE_SANDBOX,
    accept_everything,
    agency,
    asking,
    pick,
    ref,
)

pytestmark = LIVE_SANDBOX

GBP = GoogleBusinessProfile()
BAKERY = Asset("location", "locations/7001", "Jane's Bakery")


def test_jane_sees_her_locations_and_which_she_can_share(jane):
    assets = GBP.list_assets(jane, "google_business_profile")

    bakery = pick(assets, "locations/7001")
    assert bakery.grantable
    assert bakery.parent_id == "accounts/6001"
    assert bakery.metadata["address"] == "1 Main Street, Springfield"
    station = pick(assets, "locations/7002")
    assert not station.grantable
    assert "only its owners" in station.not_grantable_reason


def test_the_invitation_waits_for_the_agency(jane, agency_tokens):
    request = asking("google_business_profile", BAKERY, "MANAGER", agency())

    outcome = GBP.grant(jane, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    assert outcome.native_ref.startswith("locations/7001/admins/")
    grant_ref = ref(request, outcome)
    assert GBP.verify(grant_ref, client_tokens=jane).state == GrantState.PENDING_AGENCY
    with_agency = ref(request, outcome, agency(agency_tokens))
    assert GBP.verify(with_agency).state == GrantState.PENDING_AGENCY

    accept_everything(DEMO_AGENCY)

    assert GBP.verify(grant_ref, client_tokens=jane).state == GrantState.ACTIVE
    assert GBP.verify(with_agency).state == GrantState.ACTIVE


def test_the_agency_sign_in_accepts_the_invitation_at_once(jane, agency_tokens):
    request = asking("google_business_profile", BAKERY, "OWNER", agency(agency_tokens))

    outcome = GBP.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_role == "OWNER"
    assert GBP.verify(ref(request, outcome)).state == GrantState.ACTIVE
    assert GBP.grant(jane, request).native_ref == outcome.native_ref


def test_revoke_removes_the_admin(jane, agency_tokens):
    request = asking("google_business_profile", BAKERY, "MANAGER", agency(agency_tokens))
    grant_ref = ref(request, GBP.grant(jane, request))

    assert GBP.revoke(grant_ref, client_tokens=jane).state == GrantState.REVOKED

    assert GBP.verify(grant_ref, client_tokens=jane).state == GrantState.REVOKED


def test_an_unapproved_cloud_project_is_a_message_for_the_installation(jane):
    state.set_knob("business_profile_approved", False)

    with pytest.raises(ConnectorError) as raised:
        GBP.list_assets(jane, "google_business_profile")

    assert type(raised.value) is ConnectorError
    assert raised.value.permanent
    assert "not yet approved" in raised.value.message


def test_a_manager_cannot_invite(jane):
    station = Asset("location", "locations/7002", "Jane's Bakery Station Road")

    with pytest.raises(InsufficientRights):
        GBP.grant(jane, asking("google_business_profile", station, "MANAGER", agency()))


def test_an_unticked_permission_is_reported(sandbox):
    only_ads = issue_sandbox_tokens(JANE, scopes=[ADWORDS])

    with pytest.raises(MissingScope):
        GBP.list_assets(only_ads, "google_business_profile")


def test_an_expired_sign_in_asks_to_connect_again(erin):
    with pytest.raises(TokenExpired):
        GBP.list_assets(erin, "google_business_profile")


def test_rate_limited_grants_can_be_tried_again(sam):
    [asset] = GBP.list_assets(sam, "google_business_profile")

    with pytest.raises(RateLimited) as raised:
        GBP.grant(sam, asking("google_business_profile", asset, "MANAGER", agency()))
    assert not raised.value.permanent


def test_an_accepted_admin_is_found_by_its_resource_name_not_its_email(jane, agency_tokens):
    """Once accepted, Google shows the admin's name where the e-mail was: verifying still finds
    the grant, and revoking removes it (docs/platforms/google.md#business-profile)."""
    request = asking("google_business_profile", BAKERY, "MANAGER", agency())
    grant_ref = ref(request, GBP.grant(jane, request))
    accept_everything(DEMO_AGENCY)
    admins = httpx.get(
        f"{base_url('business_accounts')}/v1/locations/7001/admins",
        headers={"Authorization": f"Bearer {jane.access_token}"},
    ).json()["admins"]
    ours = next(a for a in admins if a["name"] == grant_ref.native_ref)
    assert ours["admin"] != DEMO_AGENCY and not ours["pendingInvitation"]

    assert GBP.verify(grant_ref, client_tokens=jane).state == GrantState.ACTIVE
    assert GBP.revoke(grant_ref, client_tokens=jane).state == GrantState.REVOKED
    assert GBP.verify(grant_ref, client_tokens=jane).state == GrantState.REVOKED
