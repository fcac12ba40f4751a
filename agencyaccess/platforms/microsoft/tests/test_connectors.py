"""The Microsoft Advertising connector over HTTP against the sandbox: listing, the client link
(request, acceptance, the finishing step, unlinking) and the user invitation
(docs/platforms/microsoft.md)."""

import dataclasses

import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    AgencyIdentity,
    ConnectorError,
    GrantRef,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.microsoft.api import call
from agencyaccess.platforms.microsoft.connectors import CONNECTORS
from agencyaccess.platforms.microsoft.sandbox import issue_sandbox_tokens, world
from agencyaccess.platforms.microsoft.tests.cast import (
    LIVE_SANDBOX,
    SEARCH,
    agency,
    asking,
    hook,
    invitation_number,
    linking,
    pick,
    ref,
)

pytestmark = LIVE_SANDBOX
[ADS] = CONNECTORS


def test_listing_says_which_accounts_the_person_can_share(clara: TokenSet):
    assets = ADS.list_assets(clara, "microsoft_ads")

    assert {a.external_id for a in assets} == {"1800001", "1800002", "1800003"}
    search = pick(assets, SEARCH)
    assert (search.name, search.parent_id, search.grantable) == (
        "Clara Bikes - Search",
        "2000001",
        True,
    )
    assert search.metadata["customer_number"] == world.CUSTOMER_NUMBERS[world.CLIENT_CUSTOMER_ID]
    viewed = pick(assets, "1800003")
    assert not viewed.grantable
    assert "Super Admin or a Standard User" in viewed.not_grantable_reason


def test_an_account_role_names_its_accounts_as_strings(sandbox: str):
    """Sam is Standard User of one account only: its id comes back as a JSON string."""
    assets = ADS.list_assets(issue_sandbox_tokens("sam"), "microsoft_ads")
    assert [(a.external_id, a.grantable) for a in assets] == [(SEARCH, True)]


def test_a_viewer_sees_accounts_but_cannot_share_them(sandbox: str):
    assets = ADS.list_assets(issue_sandbox_tokens("vic"), "microsoft_ads")
    assert assets and not any(a.grantable for a in assets)


def test_a_client_link_is_requested_accepted_and_finished_by_microsoft(
    clara: TokenSet, alex: TokenSet
):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    request = asking(asset, "STANDARD", linking(alex))

    outcome = ADS.grant(clara, request)

    # Accepted by the client's sign-in; Microsoft finishes the link on its own.
    assert outcome.state == GrantState.PENDING_REVIEW
    assert outcome.native_ref == f"customers/3000001/clientlinks/{SEARCH}"
    kept = ref(request, outcome)
    assert ADS.verify(kept).state == GrantState.ACTIVE
    # Asking again finds the live link rather than sending a second request.
    assert ADS.grant(clara, request).state == GrantState.ACTIVE
    # The client's sign-in alone can check it too.
    assert ADS.verify(ref(request, outcome, agency()), client_tokens=clara).state == (
        GrantState.ACTIVE
    )

    assert ADS.revoke(kept).state == GrantState.REVOKED
    assert ADS.verify(kept).state == GrantState.REVOKED  # UnlinkRequested, then Inactive


def test_a_link_nobody_could_accept_waits_for_the_client_and_can_be_canceled(
    clara: TokenSet, alex: TokenSet
):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    request = asking(asset, "SUPER_ADMIN", linking(alex))

    # A Viewer's sign-in cannot accept: the request stays with the account's Super Admins.
    outcome = ADS.grant(issue_sandbox_tokens("vic"), request)

    assert outcome.state == GrantState.PENDING_CLIENT
    assert outcome.next_action_url and outcome.next_action_url.endswith("/sandbox/microsoft/")
    kept = ref(request, outcome)
    assert ADS.verify(kept).state == GrantState.PENDING_CLIENT
    assert ADS.revoke(kept).state == GrantState.REVOKED  # the agency cancels its request
    assert ADS.verify(kept).state == GrantState.REVOKED


def test_a_long_account_name_is_cut_to_the_links_40_characters(clara: TokenSet, alex: TokenSet):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    named = dataclasses.replace(asset, name="Clara Bikes - Search - Brand and generic terms")

    outcome = ADS.grant(clara, asking(named, "STANDARD", linking(alex)))

    assert outcome.state == GrantState.PENDING_REVIEW


def test_no_new_link_is_asked_for_while_microsoft_ends_the_last_one(
    clara: TokenSet, alex: TokenSet
):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    request = asking(asset, "STANDARD", linking(alex))
    ADS.grant(clara, request)
    assert hook(f"clientlinks/3000001/{SEARCH}/UnlinkInProgress/").json() == {"success": True}

    with pytest.raises(ConnectorError, match="still ending") as raised:
        ADS.grant(clara, request)

    assert not raised.value.permanent
    # The unlink goes on: no second request was made in its place.
    unlinking = GrantRef(
        "microsoft_ads", SEARCH, f"customers/3000001/clientlinks/{SEARCH}", "203", linking(alex)
    )
    assert ADS.verify(unlinking).state == GrantState.REVOKED


def test_a_super_admin_invitation_is_taken_back_from_the_client_customer_only(
    clara: TokenSet, alex: TokenSet
):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    request = asking(asset, "SUPER_ADMIN", agency(alex))
    outcome = ADS.grant(clara, request)
    hook(f"invitations/{invitation_number(outcome)}/accept/alex/")
    kept = ref(request, outcome)
    assert ADS.verify(kept).state == GrantState.ACTIVE

    assert ADS.revoke(kept, client_tokens=clara).state == GrantState.REVOKED

    assert ADS.verify(kept, client_tokens=clara).state == GrantState.REVOKED
    assert ADS.verify(kept).state == GrantState.PENDING_AGENCY  # no role left for Alex there
    # Alex keeps his own customer: UpdateUserRoles touched the client's only.
    roles = call("POST", "User/Query", alex, {"UserId": None})["CustomerRoles"]
    assert [role["CustomerId"] for role in roles] == [str(world.AGENCY_CUSTOMER_ID)]


def test_a_link_needs_the_agencys_sign_in(clara: TokenSet):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)

    outcome = ADS.grant(clara, asking(asset, "STANDARD", linking(None)))

    assert outcome.state == GrantState.MANUAL_REQUIRED
    assert "3000001" in outcome.message and "connect it" in outcome.message


def test_a_read_only_level_invites_the_agency_user_until_they_accept(
    clara: TokenSet, alex: TokenSet
):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    request = asking(asset, "VIEWER", linking(alex))  # a link would give more than Viewer

    outcome = ADS.grant(clara, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    assert outcome.native_ref.startswith("customers/2000001/userinvitations/")
    assert outcome.native_role == "100"
    assert ADS.grant(clara, request).native_ref == outcome.native_ref  # no second invitation
    kept = ref(request, outcome)
    assert ADS.verify(kept, client_tokens=clara).state == GrantState.PENDING_AGENCY
    assert ADS.verify(kept).state == GrantState.PENDING_AGENCY  # no role for Alex yet

    assert hook(f"invitations/{invitation_number(outcome)}/accept/alex/").json() == {
        "success": True
    }

    assert ADS.verify(kept).state == GrantState.ACTIVE
    # Without the agency's sign-in, an invitation gone from the list was accepted.
    assert ADS.verify(ref(request, outcome, agency()), client_tokens=clara).state == (
        GrantState.ACTIVE
    )
    assert ADS.revoke(kept, client_tokens=clara).state == GrantState.REVOKED
    assert ADS.verify(kept, client_tokens=clara).state == GrantState.REVOKED


def test_an_expired_invitation_fails(clara: TokenSet):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    request = asking(asset, "CAMPAIGN_MANAGER", agency())
    outcome = ADS.grant(clara, request)

    assert hook(f"invitations/{invitation_number(outcome)}/expire/").status_code == 200
    assert hook("invitations/999/expire/").status_code == 404

    verified = ADS.verify(ref(request, outcome), client_tokens=clara)
    assert verified.state == GrantState.FAILED
    assert "expired" in verified.message


def test_a_pending_invitation_is_withdrawn_by_hand(clara: TokenSet, alex: TokenSet):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    request = asking(asset, "VIEWER", agency(alex))
    outcome = ADS.grant(clara, request)

    revoked = ADS.revoke(ref(request, outcome), client_tokens=clara)

    assert revoked.state == GrantState.MANUAL_REQUIRED
    assert "Settings, then Account access" in revoked.message


def test_a_standard_user_cannot_invite_a_super_admin(sandbox: str):
    sam = issue_sandbox_tokens("sam")
    asset = pick(ADS.list_assets(sam, "microsoft_ads"), SEARCH)
    assert asset.grantable

    with pytest.raises(InsufficientRights) as raised:
        ADS.grant(sam, asking(asset, "SUPER_ADMIN", agency()))
    assert "Super Admin" in raised.value.message
    # The role a Standard User may give goes through.
    assert ADS.grant(sam, asking(asset, "STANDARD", agency())).state == GrantState.PENDING_AGENCY


def test_an_invitation_needs_the_agencys_address(clara: TokenSet):
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    nobody = AgencyIdentity(account_id="demo-microsoft", email="")

    with pytest.raises(ConnectorError, match="no e-mail address"):
        ADS.grant(clara, asking(asset, "VIEWER", nobody))


def test_an_expired_sign_in_and_the_call_limit_say_what_to_do(sandbox: str):
    with pytest.raises(TokenExpired) as expired:
        ADS.list_assets(issue_sandbox_tokens("ed"), "microsoft_ads")
    assert expired.value.platform_code == "109"
    assert "connect Microsoft Advertising again" in expired.value.message

    with pytest.raises(RateLimited) as limited:
        ADS.list_assets(issue_sandbox_tokens("rita"), "microsoft_ads")
    assert not limited.value.permanent and limited.value.retry_after == 60


def test_a_sign_in_without_the_ads_scope_is_refused_before_any_call(sandbox: str):
    tokens = issue_sandbox_tokens("clara", declined=["https://ads.microsoft.com/msads.manage"])
    with pytest.raises(MissingScope):
        ADS.list_assets(tokens, "microsoft_ads")


def test_checking_needs_a_sign_in(sandbox: str):
    kept = GrantRef(
        "microsoft_ads", SEARCH, f"customers/3000001/clientlinks/{SEARCH}", "203", linking(None)
    )
    with pytest.raises(TokenExpired, match="needs a Microsoft sign-in"):
        ADS.verify(kept)


def test_the_calls_one_grant_makes(clara: TokenSet, alex: TokenSet, monkeypatch):
    """What docs/platforms/microsoft.md#sharing counts: a new link 4 calls, an invitation 2."""
    asset = pick(ADS.list_assets(clara, "microsoft_ads"), SEARCH)
    sent: list[str] = []
    request = http.request

    def counted(method: str, url: str, **kwargs):
        sent.append(f"{method} {url.split('/v13/')[1]}")
        return request(method, url, **kwargs)

    monkeypatch.setattr(http, "request", counted)

    ADS.grant(clara, asking(asset, "STANDARD", linking(alex)))
    assert sent == [
        "POST ClientLinks/Search",
        "POST ClientLinks",
        "POST ClientLinks/Search",
        "PUT ClientLinks",
    ]
    sent.clear()
    ADS.grant(clara, asking(asset, "VIEWER", agency()))
    assert sent == ["POST UserInvitations/Search", "POST UserInvitation/Send"]
