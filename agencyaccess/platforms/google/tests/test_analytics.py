import pytest

from agencyaccess.platforms.base import (
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.google.analytics import GoogleAnalytics
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.google.sandbox.world import JANE, NOT_GOOGLE_DOMAIN
from agencyaccess.platforms.google.scopes import ANALYTICS_READONLY
from agencyaccess.platforms.google.tests.cast import LIVE_SANDBOX, agency, asking, pick, ref

pytestmark = LIVE_SANDBOX

GA = GoogleAnalytics()
PROPERTY = "properties/2001"


def test_jane_sees_her_properties_and_which_she_can_share(jane):
    assets = GA.list_assets(jane, "google_analytics")

    assert {a.external_id for a in assets} == {"properties/2001", "properties/2002"}
    administered = pick(assets, "properties/2001")
    assert administered.grantable
    assert administered.parent_id == "accounts/1001"
    assert administered.parent_name == "Jane's Bakery"
    viewed = pick(assets, "properties/2002")
    assert not viewed.grantable
    assert "not an administrator" in viewed.not_grantable_reason


def test_an_account_level_admin_can_share_every_property(sam):
    [asset] = GA.list_assets(sam, "google_analytics")

    assert asset.grantable


def test_grant_is_active_at_once_and_verifies(jane):
    request = asking("google_analytics", _property(jane), "EDITOR", agency())

    outcome = GA.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_ref.startswith("properties/2001/accessBindings/")
    assert outcome.native_role == "predefinedRoles/editor"
    assert GA.verify(ref(request, outcome), client_tokens=jane).state == GrantState.ACTIVE


def test_granting_again_keeps_the_existing_binding(jane):
    first = GA.grant(jane, asking("google_analytics", _property(jane), "EDITOR", agency()))

    again = GA.grant(jane, asking("google_analytics", _property(jane), "VIEWER", agency()))

    assert again.state == GrantState.ACTIVE
    assert again.native_ref == first.native_ref
    assert again.native_role == "predefinedRoles/editor"


def test_the_agency_sees_the_property_once_granted(jane, agency_tokens):
    request = asking("google_analytics", _property(jane), "VIEWER", agency(agency_tokens))
    outcome = GA.grant(jane, request)

    assert GA.verify(ref(request, outcome)).state == GrantState.ACTIVE


def test_revoke_removes_the_binding(jane, agency_tokens):
    request = asking("google_analytics", _property(jane), "ANALYST", agency(agency_tokens))
    grant_ref = ref(request, GA.grant(jane, request))

    assert GA.revoke(grant_ref, client_tokens=jane).state == GrantState.REVOKED

    assert GA.verify(grant_ref, client_tokens=jane).state == GrantState.REVOKED
    assert GA.verify(grant_ref).state == GrantState.REVOKED
    assert GA.revoke(grant_ref, client_tokens=jane).state == GrantState.REVOKED


def test_without_the_clients_sign_in_revoking_is_done_by_hand(jane):
    request = asking("google_analytics", _property(jane), "ANALYST", agency())
    grant_ref = ref(request, GA.grant(jane, request))

    outcome = GA.revoke(grant_ref)

    assert outcome.state == GrantState.MANUAL_REQUIRED
    assert "remove ads@demo-agency.example" in outcome.message


def test_an_address_that_is_not_a_google_account_fails_clearly(jane):
    to = agency(email=f"ops@{NOT_GOOGLE_DOMAIN}")

    outcome = GA.grant(jane, asking("google_analytics", _property(jane), "EDITOR", to))

    assert outcome.state == GrantState.FAILED
    assert "not a Google account" in outcome.message


def test_a_viewer_cannot_grant(jane):
    assets = GA.list_assets(jane, "google_analytics")

    with pytest.raises(InsufficientRights):
        GA.grant(
            jane, asking("google_analytics", pick(assets, "properties/2002"), "EDITOR", agency())
        )


def test_an_unticked_permission_is_reported_before_calling_google(sandbox):
    readonly = issue_sandbox_tokens(JANE, scopes=[ANALYTICS_READONLY])

    with pytest.raises(MissingScope) as raised:
        GA.list_assets(readonly, "google_analytics")
    assert "leave every permission ticked" in raised.value.message


def test_an_expired_sign_in_asks_to_connect_again(erin):
    with pytest.raises(TokenExpired):
        GA.list_assets(erin, "google_analytics")


def test_rate_limited_grants_say_when_to_try_again(sam):
    [asset] = GA.list_assets(sam, "google_analytics")

    with pytest.raises(RateLimited) as raised:
        GA.grant(sam, asking("google_analytics", asset, "EDITOR", agency()))
    assert raised.value.retry_after == 30
    assert not raised.value.permanent


def _property(tokens):
    return pick(GA.list_assets(tokens, "google_analytics"), PROPERTY)
