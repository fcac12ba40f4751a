"""The Pinterest Ads connector over HTTP against the sandbox: listing, the partner invite
accepted by the agency's own sign-in or later in Pinterest, the direct share between partners,
verifying from either side and revoking (docs/platforms/pinterest.md#granting)."""

from dataclasses import replace

import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.pinterest import connectors
from agencyaccess.platforms.pinterest.checks import platform_checks
from agencyaccess.platforms.pinterest.connectors import CONNECTORS
from agencyaccess.platforms.pinterest.sandbox import issue_sandbox_tokens, world
from agencyaccess.platforms.pinterest.tests.cast import (
    LIVE_SANDBOX,
    MAIN,
    agency,
    asking,
    pick,
    ref,
)
from agencyaccess.platforms.testing import meeting

pytestmark = LIVE_SANDBOX
[ADS] = CONNECTORS


def test_listing_says_which_accounts_the_person_can_share(paula: TokenSet):
    assets = ADS.list_assets(paula, "pinterest_ads")

    assert {a.external_id for a in assets} == {MAIN, "549755885002", "549755885003"}
    main = pick(assets, MAIN)
    assert (main.name, main.parent_id, main.parent_name, main.grantable) == (
        "Paula's Pottery - Main",
        world.CLIENT_BUSINESS,
        "paulaspottery",
        True,
    )
    shared_with_her = pick(assets, "549755885003")  # another business's: not hers to share
    assert not shared_with_her.grantable
    assert "otheragency" in shared_with_her.not_grantable_reason


def test_ownership_comes_from_the_business_not_the_ad_accounts_owner(paula: TokenSet):
    """/ad_accounts names the owning user account; the business's OWNER assets say which
    business owns it."""
    main = pick(ADS.list_assets(paula, "pinterest_ads"), MAIN)
    assert main.parent_id == world.CLIENT_BUSINESS != world.AD_ACCOUNTS[MAIN].owner_user[0]


def test_the_businesses_and_the_ad_accounts_are_asked_side_by_side(
    paula: TokenSet, monkeypatch: pytest.MonkeyPatch
):
    administered, seen = meeting(2, connectors.administered_businesses, connectors.ad_accounts_seen)
    monkeypatch.setattr(connectors, "administered_businesses", administered)
    monkeypatch.setattr(connectors, "ad_accounts_seen", seen)  # one after the other never meet

    assets = ADS.list_assets(paula, "pinterest_ads")

    assert [a.grantable for a in assets if a.external_id == MAIN] == [True]


def test_an_employee_sees_the_accounts_but_cannot_share_them(sandbox: str):
    assets = ADS.list_assets(issue_sandbox_tokens("eve"), "pinterest_ads")
    assert assets and not any(a.grantable for a in assets)


def test_the_agencys_sign_in_accepts_the_partner_invite_at_once(paula: TokenSet, alex: TokenSet):
    request = asking(
        pick(ADS.list_assets(paula, "pinterest_ads"), MAIN), "CAMPAIGN_MANAGER", agency(alex)
    )

    outcome = ADS.grant(paula, request)

    assert (outcome.state, outcome.native_role) == (GrantState.ACTIVE, "CAMPAIGN_MANAGER")
    assert outcome.native_ref == (
        f"businesses/{world.CLIENT_BUSINESS}/partners/{world.AGENCY_BUSINESS}/assets/{MAIN}"
    )
    kept = ref(request, outcome)
    assert ADS.verify(kept, client_tokens=paula).state == GrantState.ACTIVE
    assert ADS.verify(kept).state == GrantState.ACTIVE  # the agency's side, the client gone
    # The businesses are partners now: another account is shared directly, and asking again
    # changes the permission in place.
    seasonal = pick(ADS.list_assets(paula, "pinterest_ads"), "549755885002")
    assert ADS.grant(paula, asking(seasonal, "ANALYST", agency())).state == GrantState.ACTIVE
    again = ADS.grant(paula, asking(request.asset, "ADMIN", agency()))
    assert (again.state, again.native_role) == (GrantState.ACTIVE, "ADMIN")

    assert ADS.revoke(kept, client_tokens=paula).state == GrantState.REVOKED
    assert ADS.verify(kept, client_tokens=paula).state == GrantState.REVOKED


def test_without_the_agencys_sign_in_the_invite_waits_until_the_agency_accepts(
    paula: TokenSet, alex: TokenSet
):
    request = asking(pick(ADS.list_assets(paula, "pinterest_ads"), MAIN), "ANALYST", agency())

    outcome = ADS.grant(paula, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    assert "/invites/" in outcome.native_ref and outcome.next_action_url
    invite = outcome.native_ref.rsplit("/", 1)[1]
    assert ADS.verify(ref(request, outcome), client_tokens=paula).state == (
        GrantState.PENDING_AGENCY
    )
    # The worker checks with the agency's sign-in, once the agency accepted in Pinterest.
    assert ADS.verify(ref(request, outcome, agency(alex))).state == GrantState.PENDING_AGENCY
    accept = http.request(
        "PATCH",
        f"{_api()}/businesses/invites",
        headers={"Authorization": f"Bearer {alex.access_token}"},
        json={"invites": [{"invite_id": invite, "action": {"accept_invite": True}}]},
    )
    assert accept.json()["items"][0]["invite"]["invite_data"]["invite_status"] == "ACCEPTED"
    checked = ADS.verify(ref(request, outcome, agency(alex)))
    assert (checked.state, checked.native_role) == (GrantState.ACTIVE, "ANALYST")

    # The agency's business gives the access up itself when the client's sign-in is gone.
    assert ADS.revoke(ref(request, outcome, agency(alex))).state == GrantState.REVOKED
    assert ADS.verify(ref(request, outcome), client_tokens=paula).state == GrantState.FAILED


def test_a_pending_invite_is_withdrawn_by_revoking(paula: TokenSet, alex: TokenSet):
    request = asking(
        pick(ADS.list_assets(paula, "pinterest_ads"), MAIN), "CAMPAIGN_MANAGER", agency()
    )
    kept = ref(request, ADS.grant(paula, request))

    assert ADS.revoke(kept, client_tokens=paula).state == GrantState.REVOKED
    assert ADS.verify(kept, client_tokens=paula).state == GrantState.FAILED


def test_a_second_account_joins_the_invite_that_waits(paula: TokenSet, alex: TokenSet):
    assets = ADS.list_assets(paula, "pinterest_ads")
    first = ADS.grant(paula, asking(pick(assets, MAIN), "ANALYST", agency()))
    second = ADS.grant(paula, asking(pick(assets, "549755885002"), "ADMIN", agency()))

    invite = first.native_ref.rsplit("/", 1)[1]
    assert second.native_ref.rsplit("/", 1)[1] == invite
    [waiting] = _pending_invites(paula)
    assert {a["id"]: a["permissions"] for a in waiting["assets_summary"]["ad_accounts"]} == {
        MAIN: ["ANALYST"],
        "549755885002": ["ADMIN"],
    }


def test_a_new_invite_that_cannot_take_the_account_is_withdrawn(paula: TokenSet):
    not_hers = pick(ADS.list_assets(paula, "pinterest_ads"), "549755885003")
    as_if_hers = replace(not_hers, parent_id=world.CLIENT_BUSINESS)

    with pytest.raises(InsufficientRights):
        ADS.grant(paula, asking(as_if_hers, "ANALYST", agency()))

    assert _pending_invites(paula) == []


def test_a_pending_invite_is_withdrawn_before_the_access_is_ended(paula: TokenSet):
    """Pinterest refuses to end the access of a business that is no partner yet: the invite
    goes first, and that refusal is expected."""
    request = asking(pick(ADS.list_assets(paula, "pinterest_ads"), MAIN), "ANALYST", agency())
    kept = ref(request, ADS.grant(paula, request))

    assert ADS.revoke(kept, client_tokens=paula).state == GrantState.REVOKED
    assert _pending_invites(paula) == []


def test_a_grant_whose_invite_was_declined_is_revoked_all_the_same(paula: TokenSet, alex: TokenSet):
    request = asking(pick(ADS.list_assets(paula, "pinterest_ads"), MAIN), "ANALYST", agency())
    kept = ref(request, ADS.grant(paula, request))
    invite = kept.native_ref.rsplit("/", 1)[1]
    http.request(
        "PATCH",
        f"{_api()}/businesses/invites",
        headers={"Authorization": f"Bearer {alex.access_token}"},
        json={"invites": [{"invite_id": invite, "action": {"accept_invite": False}}]},
    )

    assert ADS.revoke(kept, client_tokens=paula).state == GrantState.REVOKED


def test_an_agency_person_who_is_no_admin_leaves_the_invite_waiting(paula: TokenSet):
    eve = issue_sandbox_tokens("eve")  # not of the agency's business
    request = asking(
        pick(ADS.list_assets(paula, "pinterest_ads"), MAIN), "CAMPAIGN_MANAGER", agency(eve)
    )
    assert ADS.grant(paula, request).state == GrantState.PENDING_AGENCY


def test_an_employee_cannot_share(paula: TokenSet):
    asset = pick(ADS.list_assets(paula, "pinterest_ads"), MAIN)
    with pytest.raises(InsufficientRights, match="admin of the business"):
        ADS.grant(issue_sandbox_tokens("eve"), asking(asset, "CAMPAIGN_MANAGER", agency()))


def test_a_grant_needs_the_agencys_business_id(paula: TokenSet):
    asset = pick(ADS.list_assets(paula, "pinterest_ads"), MAIN)
    request = asking(asset, "CAMPAIGN_MANAGER", agency())
    nowhere = request.__class__(**{**request.__dict__, "agency": agency().__class__("x")})
    with pytest.raises(ConnectorError, match="business ID"):
        ADS.grant(paula, nowhere)


def test_an_expired_sign_in_a_missing_scope_and_the_rate_limit_say_what_to_do(sandbox: str):
    with pytest.raises(TokenExpired, match="connect Pinterest again"):
        ADS.list_assets(issue_sandbox_tokens("old"), "pinterest_ads")
    with pytest.raises(MissingScope, match="allow every permission"):
        ADS.list_assets(issue_sandbox_tokens("paula", declined=["biz_access:read"]), "x")
    with pytest.raises(RateLimited) as limited:
        ADS.list_assets(issue_sandbox_tokens("busy"), "pinterest_ads")
    assert (limited.value.platform_code, limited.value.http_status) == ("8", 429)


def test_checking_needs_a_sign_in(paula: TokenSet):
    request = asking(
        pick(ADS.list_assets(paula, "pinterest_ads"), MAIN), "CAMPAIGN_MANAGER", agency()
    )
    kept = ref(request, ADS.grant(paula, request))
    with pytest.raises(TokenExpired):
        ADS.verify(kept)
    with pytest.raises(TokenExpired):
        ADS.revoke(kept)


def test_the_calls_one_grant_makes(paula: TokenSet, alex: TokenSet, monkeypatch):
    """What docs/platforms/pinterest.md#granting counts: a new partner 5 calls with the
    agency's sign-in (the look for an invite already waiting among them), then 2 for each
    account shared between partners."""
    asset = pick(ADS.list_assets(paula, "pinterest_ads"), MAIN)
    seasonal = pick(ADS.list_assets(paula, "pinterest_ads"), "549755885002")
    calls: list[str] = []
    request = http.request

    def counted(method: str, url: str, **kwargs):
        calls.append(f"{method} {url.split('/v5/', 1)[1]}")
        return request(method, url, **kwargs)

    monkeypatch.setattr(http, "request", counted)
    ADS.grant(paula, asking(asset, "CAMPAIGN_MANAGER", agency(alex)))
    assert len(calls) == 5, calls
    calls.clear()
    ADS.grant(paula, asking(seasonal, "CAMPAIGN_MANAGER", agency(alex)))
    assert len(calls) == 2, calls


def test_the_setup_check_lists_the_businesses_the_agency_administers(alex: TokenSet):
    listed, agency_business = platform_checks(alex, {"business_id": world.AGENCY_BUSINESS})
    assert listed.ok and world.AGENCY_BUSINESS in listed.detail
    assert agency_business.ok and "receives clients' invites" in agency_business.detail
    [none] = platform_checks(issue_sandbox_tokens("eve"), {})
    assert not none.ok


def test_the_setup_check_says_when_the_business_set_is_not_the_sign_ins(alex: TokenSet):
    _, unset = platform_checks(alex, {})
    assert not unset.ok and "none set" in unset.detail
    _, other = platform_checks(alex, {"business_id": world.CLIENT_BUSINESS})
    assert not other.ok and "is not a business this sign-in administers" in other.detail


def _api() -> str:
    from agencyaccess.platforms.pinterest.config import pinterest_settings

    return pinterest_settings().api_url


def _pending_invites(tokens: TokenSet) -> list[dict]:
    """The partner invites Paula's business sent that wait, as Pinterest lists them."""
    answer = http.request(
        "GET",
        f"{_api()}/businesses/{world.CLIENT_BUSINESS}/invites",
        headers={"Authorization": f"Bearer {tokens.access_token}"},
        params={"is_member": "false", "invite_type": "PARTNER_INVITE", "invite_status": "PENDING"},
    )
    return answer.json()["items"]
