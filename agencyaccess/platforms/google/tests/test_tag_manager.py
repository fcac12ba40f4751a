import pytest

from agencyaccess.platforms.base import (
    Asset,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.google.sandbox.world import JANE
from agencyaccess.platforms.google.scopes import TAGMANAGER_READONLY
from agencyaccess.platforms.google.tag_manager import TAG_MANAGER, GoogleTagManager
from agencyaccess.platforms.google.tests.cast import LIVE_SANDBOX, agency, asking, pick, ref

pytestmark = LIVE_SANDBOX

GTM = GoogleTagManager()
SITE = "accounts/3001/containers/4001"
APP = "accounts/3001/containers/4002"
SUPPLIER = "accounts/3002/containers/4003"  # Jane is only a user of that account


def test_jane_sees_containers_and_which_she_can_share(jane):
    assets = GTM.list_assets(jane, "google_tag_manager")

    assert {a.external_id for a in assets} == {SITE, APP, SUPPLIER}
    site = pick(assets, SITE)
    assert site.name == "janes-bakery.example (GTM-JB4001)"
    assert site.parent_id == "accounts/3001"
    assert site.parent_name == "Jane's Bakery"
    assert site.grantable
    supplier = pick(assets, SUPPLIER)
    assert not supplier.grantable
    assert "not an administrator" in supplier.not_grantable_reason


def test_grant_is_active_at_once(jane, agency_tokens):
    request = asking("google_tag_manager", _container(SITE), "PUBLISH", agency(agency_tokens))

    outcome = GTM.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_ref.startswith("accounts/3001/user_permissions/")
    assert outcome.native_role == "user+publish"
    assert _permission(jane, outcome.native_ref)["containerAccess"] == [
        {"containerId": "4001", "permission": "publish"}
    ]
    assert GTM.verify(ref(request, outcome), client_tokens=jane).state == GrantState.ACTIVE
    assert GTM.verify(ref(request, outcome)).state == GrantState.ACTIVE


def test_a_second_container_updates_the_same_permission(jane):
    first = GTM.grant(jane, asking("google_tag_manager", _container(SITE), "ADMIN", agency()))

    second = GTM.grant(jane, asking("google_tag_manager", _container(APP), "READ", agency()))

    assert second.native_ref == first.native_ref
    permission = _permission(jane, first.native_ref)
    assert permission["accountAccess"] == {"permission": "admin"}
    assert permission["containerAccess"] == [
        {"containerId": "4001", "permission": "publish"},
        {"containerId": "4002", "permission": "read"},
    ]


def test_granting_again_never_lowers_access(jane):
    first = GTM.grant(jane, asking("google_tag_manager", _container(SITE), "PUBLISH", agency()))

    again = GTM.grant(jane, asking("google_tag_manager", _container(SITE), "READ", agency()))

    assert again.state == GrantState.ACTIVE
    assert again.native_ref == first.native_ref
    assert _permission(jane, first.native_ref)["containerAccess"] == [
        {"containerId": "4001", "permission": "publish"}
    ]


def test_revoking_one_container_keeps_the_other(jane, agency_tokens):
    to = agency(agency_tokens)
    site = asking("google_tag_manager", _container(SITE), "EDIT", to)
    site_ref = ref(site, GTM.grant(jane, site))
    app = asking("google_tag_manager", _container(APP), "EDIT", to)
    app_ref = ref(app, GTM.grant(jane, app))

    assert GTM.revoke(site_ref, client_tokens=jane).state == GrantState.REVOKED

    assert GTM.verify(site_ref, client_tokens=jane).state == GrantState.REVOKED
    assert GTM.verify(site_ref).state == GrantState.REVOKED
    assert GTM.verify(app_ref).state == GrantState.ACTIVE
    assert GTM.revoke(app_ref, client_tokens=jane).state == GrantState.REVOKED
    assert GTM.verify(app_ref, client_tokens=jane).state == GrantState.REVOKED


def test_a_user_of_the_account_cannot_grant(jane):
    with pytest.raises(InsufficientRights):
        GTM.grant(jane, asking("google_tag_manager", _container(SUPPLIER), "READ", agency()))


def test_an_unticked_permission_is_reported(sandbox):
    readonly = issue_sandbox_tokens(JANE, scopes=[TAGMANAGER_READONLY])

    with pytest.raises(MissingScope):
        GTM.list_assets(readonly, "google_tag_manager")


def test_an_expired_sign_in_asks_to_connect_again(erin):
    with pytest.raises(TokenExpired):
        GTM.list_assets(erin, "google_tag_manager")


def test_rate_limited_grants(sam):
    [asset] = GTM.list_assets(sam, "google_tag_manager")

    with pytest.raises(RateLimited) as raised:
        GTM.grant(sam, asking("google_tag_manager", asset, "PUBLISH", agency()))
    assert raised.value.retry_after == 30


def _container(external_id: str) -> Asset:
    return Asset("container", external_id, external_id)


def _permission(tokens, path: str) -> dict:
    return TAG_MANAGER.call("GET", f"/{path}", tokens)
