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
from agencyaccess.platforms.google.merchant_center import GoogleMerchantCenter
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

MERCHANT = GoogleMerchantCenter()
SHOP = Asset("merchant_account", "accounts/5001", "Jane's Bakery Shop")


def test_jane_sees_her_accounts_and_which_she_can_share(jane):
    assets = MERCHANT.list_assets(jane, "google_merchant_center")

    assert pick(assets, "accounts/5001").grantable
    assert pick(assets, "accounts/5001").name == "Jane's Bakery Shop"
    marketplace = pick(assets, "accounts/5002")
    assert not marketplace.grantable
    assert "not an administrator" in marketplace.not_grantable_reason


def test_the_invitation_is_pending_until_the_agency_accepts(jane, agency_tokens):
    request = asking("google_merchant_center", SHOP, "STANDARD", agency(agency_tokens))

    outcome = MERCHANT.grant(jane, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    assert outcome.native_ref == f"accounts/5001/users/{DEMO_AGENCY}"
    assert "invitation" in outcome.message
    assert outcome.next_action_url
    grant_ref = ref(request, outcome)
    assert MERCHANT.verify(grant_ref, client_tokens=jane).state == GrantState.PENDING_AGENCY
    assert MERCHANT.verify(grant_ref).state == GrantState.PENDING_AGENCY

    accept_everything(DEMO_AGENCY)

    assert MERCHANT.verify(grant_ref, client_tokens=jane).state == GrantState.ACTIVE
    assert MERCHANT.verify(grant_ref).state == GrantState.ACTIVE


def test_granting_again_finds_the_same_user(jane):
    request = asking("google_merchant_center", SHOP, "STANDARD", agency())
    first = MERCHANT.grant(jane, request)

    assert MERCHANT.grant(jane, request).native_ref == first.native_ref
    accept_everything(DEMO_AGENCY)
    assert MERCHANT.grant(jane, request).state == GrantState.ACTIVE


def test_revoke_removes_the_user(jane):
    request = asking("google_merchant_center", SHOP, "READ_ONLY", agency())
    grant_ref = ref(request, MERCHANT.grant(jane, request))

    assert MERCHANT.revoke(grant_ref, client_tokens=jane).state == GrantState.REVOKED

    assert MERCHANT.verify(grant_ref, client_tokens=jane).state == GrantState.REVOKED


def test_an_unregistered_cloud_project_is_a_message_for_the_installation(jane):
    state.set_knob("merchant_registered", False)

    with pytest.raises(ConnectorError) as raised:
        MERCHANT.list_assets(jane, "google_merchant_center")

    assert type(raised.value) is ConnectorError  # not "sign in again"
    assert raised.value.permanent
    assert "not yet registered" in raised.value.message


def test_a_standard_user_cannot_invite(jane):
    marketplace = Asset("merchant_account", "accounts/5002", "Bakery Supplies Marketplace")

    with pytest.raises(InsufficientRights):
        MERCHANT.grant(jane, asking("google_merchant_center", marketplace, "STANDARD", agency()))


def test_an_unticked_permission_is_reported(sandbox):
    only_ads = issue_sandbox_tokens(JANE, scopes=[ADWORDS])

    with pytest.raises(MissingScope):
        MERCHANT.list_assets(only_ads, "google_merchant_center")


def test_an_expired_sign_in_asks_to_connect_again(erin):
    with pytest.raises(TokenExpired):
        MERCHANT.list_assets(erin, "google_merchant_center")


def test_rate_limited_grants(sam):
    [asset] = MERCHANT.list_assets(sam, "google_merchant_center")

    with pytest.raises(RateLimited):
        MERCHANT.grant(sam, asking("google_merchant_center", asset, "STANDARD", agency()))
