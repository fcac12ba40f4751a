import pytest

from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantRef,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.google.ads import ADS, GoogleAds
from agencyaccess.platforms.google.sandbox import inbox, issue_sandbox_tokens, state
from agencyaccess.platforms.google.sandbox.world import AGENCY_MCC, DEMO_AGENCY, JANE, OLIVE
from agencyaccess.platforms.google.scopes import ANALYTICS_READONLY
from agencyaccess.platforms.google.tests.cast import (
    LIVE_SANDBOX,
    accept_everything,
    agency,
    asking,
    pick,
    ref,
)

pytestmark = LIVE_SANDBOX

CONNECTOR = GoogleAds()
BAKERY = "customers/1111111111"
OLD_BAKERY = "customers/1111111100"  # cancelled
BRAND = "customers/2222222222"  # multi-party approval
CATERING = "customers/3333333333"  # Jane is read-only
DELIVERIES = "customers/4444444444"  # already under the agency's manager account
NORTH = "customers/5555555555/customerClients/5555555501"  # under Jane's manager account
OUTLET = "customers/6666666666"  # under the agency's sub-manager
NAMES = {
    BAKERY: "Jane's Bakery",
    BRAND: "Jane's Bakery Brand",
    CATERING: "Jane's Catering",
    DELIVERIES: "Jane's Bakery Deliveries",
    NORTH: "Jane's Bakery North",
    OUTLET: "Jane's Bakery Outlet",
}


def test_jane_sees_her_accounts_and_those_under_her_manager_account(jane):
    assets = CONNECTOR.list_assets(jane, "google_ads")

    assert {a.external_id for a in assets} == {
        BAKERY,
        OLD_BAKERY,
        BRAND,
        CATERING,
        DELIVERIES,
        "customers/5555555555",
        OUTLET,
        NORTH,
        "customers/5555555555/customerClients/5555555502",
    }
    assert pick(assets, BAKERY).name == "Jane's Bakery"
    assert pick(assets, BAKERY).grantable
    catering = pick(assets, CATERING)
    assert not catering.grantable
    assert "not an administrator" in catering.not_grantable_reason
    north = pick(assets, NORTH)
    assert north.parent_id == "customers/5555555555"
    assert north.parent_name == "Jane's Bakery Group"
    assert north.grantable


def test_a_cancelled_account_is_listed_not_grantable_and_the_others_still_list(jane):
    assets = CONNECTOR.list_assets(jane, "google_ads")

    cancelled = pick(assets, OLD_BAKERY)
    assert not cancelled.grantable
    assert "cancelled or not set up yet" in cancelled.not_grantable_reason
    assert cancelled.name == "111-111-1100"
    assert pick(assets, BAKERY).grantable


# Manager link (the link names the agency's manager account)


def test_the_agency_manager_account_is_linked_at_once(jane, agency_tokens):
    to = agency(agency_tokens, mcc=AGENCY_MCC)
    request = asking("google_ads", _asset(BAKERY), "STANDARD", to)

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_ref.startswith(f"customers/{AGENCY_MCC}/customerClientLinks/1111111111~")
    assert "123-456-7890" in outcome.message
    assert CONNECTOR.verify(ref(request, outcome)).state == GrantState.ACTIVE
    client_side = ref(request, outcome, agency(mcc=AGENCY_MCC))
    assert CONNECTOR.verify(client_side, client_tokens=jane).state == GrantState.ACTIVE


def test_the_mcc_service_links_an_account_under_jane_s_own_manager(jane, agency_tokens):
    request = asking(
        "google_ads_mcc", _asset(NORTH), "MANAGER", agency(agency_tokens, mcc=AGENCY_MCC)
    )

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_role == "ACTIVE"
    assert CONNECTOR.verify(ref(request, outcome)).state == GrantState.ACTIVE


def test_an_account_already_under_the_manager_account_is_granted(jane, agency_tokens):
    request = asking(
        "google_ads", _asset(DELIVERIES), "ADMIN", agency(agency_tokens, mcc=AGENCY_MCC)
    )

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert "/customerClientLinks/4444444444~" in outcome.native_ref


def test_linking_twice_gives_the_same_link(jane, agency_tokens):
    request = asking(
        "google_ads", _asset(BAKERY), "STANDARD", agency(agency_tokens, mcc=AGENCY_MCC)
    )

    first = CONNECTOR.grant(jane, request)
    again = CONNECTOR.grant(jane, request)

    assert again.state == GrantState.ACTIVE
    assert again.native_ref == first.native_ref


@pytest.mark.parametrize(
    ("customer_id", "code"),
    [
        ("1111111111", "ALREADY_INVITED_BY_THIS_MANAGER"),  # asked for just before
        ("4444444444", "ALREADY_MANAGED_BY_THIS_MANAGER"),
        ("6666666666", "ALREADY_MANAGED_IN_HIERARCHY"),  # under the agency's sub-manager
    ],
)
def test_asking_for_a_link_that_exists_is_a_manager_link_error(agency_tokens, customer_id, code):
    """As customerClientLinks:mutate throws them: ManagerLinkError, not CustomerClientLinkError."""
    _request_from_the_agency(agency_tokens, "1111111111")

    reply = ADS.send(
        "POST",
        f"/customers/{AGENCY_MCC}/customerClientLinks:mutate",
        agency_tokens,
        login=AGENCY_MCC,
        json={"operation": {"create": {"clientCustomer": f"customers/{customer_id}"}}},
    )

    assert reply.error is not None
    assert (reply.error.http_status, reply.error.reasons) == (400, frozenset({code}))


def test_a_request_the_agency_sent_already_is_accepted(jane, agency_tokens):
    _request_from_the_agency(agency_tokens, "1111111111")
    request = asking(
        "google_ads", _asset(BAKERY), "STANDARD", agency(agency_tokens, mcc=AGENCY_MCC)
    )

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert CONNECTOR.verify(ref(request, outcome)).state == GrantState.ACTIVE


def test_a_request_waiting_for_the_client_is_pending_then_refused(jane, agency_tokens):
    name = _request_from_the_agency(agency_tokens, "1111111111")
    to = agency(agency_tokens, mcc=AGENCY_MCC)
    waiting = GrantRef("google_ads", BAKERY, name, "ACTIVE", to)

    assert CONNECTOR.verify(waiting).state == GrantState.PENDING_CLIENT

    link_id = name.rpartition("~")[2]
    ADS.call(
        "POST",
        "/customers/1111111111/customerManagerLinks:mutate",
        jane,
        login="1111111111",
        json={
            "operations": [
                {
                    "update": {
                        "resourceName": f"customers/1111111111/customerManagerLinks/{AGENCY_MCC}~{link_id}",
                        "status": "REFUSED",
                    },
                    "updateMask": "status",
                }
            ]
        },
    )
    assert CONNECTOR.verify(waiting).state == GrantState.FAILED


def test_revoking_a_waiting_request_cancels_it(jane, agency_tokens):
    name = _request_from_the_agency(agency_tokens, "1111111111")
    waiting = GrantRef("google_ads", BAKERY, name, "ACTIVE", agency(agency_tokens, mcc=AGENCY_MCC))

    assert CONNECTOR.revoke(waiting).state == GrantState.REVOKED

    assert CONNECTOR.verify(waiting).state == GrantState.REVOKED


def test_an_account_managed_deeper_in_the_agency_hierarchy_is_granted(jane, agency_tokens):
    request = asking(
        "google_ads", _asset(OUTLET), "STANDARD", agency(agency_tokens, mcc=AGENCY_MCC)
    )

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_ref == f"customers/{AGENCY_MCC}/customerClients/6666666666"
    assert CONNECTOR.verify(ref(request, outcome)).state == GrantState.ACTIVE
    assert CONNECTOR.revoke(ref(request, outcome)).state == GrantState.MANUAL_REQUIRED


def test_without_the_agency_sign_in_the_link_is_left_to_the_agency(jane):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency(mcc="123-456-7890"))

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.MANUAL_REQUIRED
    assert "connected the Google account that manages" in outcome.message
    assert "123-456-7890" in outcome.message


def test_an_agency_sign_in_without_the_ads_permission_is_left_to_the_agency(jane, sandbox):
    partial = issue_sandbox_tokens(DEMO_AGENCY, scopes=[ANALYTICS_READONLY])
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency(partial, mcc=AGENCY_MCC))

    assert CONNECTOR.grant(jane, request).state == GrantState.MANUAL_REQUIRED


def test_an_agency_sign_in_without_google_ads_is_left_to_the_agency(jane, sandbox):
    """Its Google account administers no Google Ads account (NOT_ADS_USER): the agency is to
    connect the one that manages its manager account, not the client."""
    request = asking(
        "google_ads",
        _asset(BAKERY),
        "STANDARD",
        agency(issue_sandbox_tokens(OLIVE), mcc=AGENCY_MCC),
    )

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.MANUAL_REQUIRED
    assert "123-456-7890" in outcome.message


def test_revoking_a_link_ends_it_from_the_manager_side(jane, agency_tokens):
    request = asking(
        "google_ads", _asset(BAKERY), "STANDARD", agency(agency_tokens, mcc=AGENCY_MCC)
    )
    grant_ref = ref(request, CONNECTOR.grant(jane, request))

    assert CONNECTOR.revoke(grant_ref).state == GrantState.REVOKED

    assert CONNECTOR.verify(grant_ref).state == GrantState.REVOKED
    assert CONNECTOR.verify(grant_ref, client_tokens=jane).state == GrantState.REVOKED


def test_a_link_can_be_asked_for_again_after_it_ended(jane, agency_tokens):
    request = asking(
        "google_ads", _asset(BAKERY), "STANDARD", agency(agency_tokens, mcc=AGENCY_MCC)
    )
    CONNECTOR.revoke(ref(request, CONNECTOR.grant(jane, request)))

    assert CONNECTOR.grant(jane, request).state == GrantState.ACTIVE


def test_a_read_only_level_is_an_invitation_even_with_a_manager_account(jane, agency_tokens):
    request = asking(
        "google_ads", _asset(BAKERY), "READ_ONLY", agency(agency_tokens, mcc=AGENCY_MCC)
    )

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    assert "/customerUserAccessInvitations/" in outcome.native_ref


# User invitation (no manager account)


def test_the_agency_is_invited_and_verified_once_it_accepts(sandbox, jane):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency())

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    assert outcome.native_role == "STANDARD"
    assert outcome.next_action_url == (
        f"{sandbox}/sandbox/google/inbox/?email=ads%40demo-agency.example"
    )
    grant_ref = ref(request, outcome)
    assert CONNECTOR.verify(grant_ref, client_tokens=jane).state == GrantState.PENDING_AGENCY

    [item] = inbox.pending_for(DEMO_AGENCY)
    assert inbox.act(DEMO_AGENCY, item.id, "accept")  # what the inbox page's button does

    verified = CONNECTOR.verify(grant_ref, client_tokens=jane)
    assert verified.state == GrantState.ACTIVE
    assert verified.native_ref.startswith("customers/1111111111/customerUserAccesses/")


def test_the_agency_sign_in_sees_the_account_once_accepted(jane, agency_tokens):
    request = asking("google_ads", _asset(NORTH), "ADMIN", agency(agency_tokens))
    grant_ref = ref(request, CONNECTOR.grant(jane, request))
    assert CONNECTOR.verify(grant_ref).state == GrantState.PENDING_AGENCY

    accept_everything(DEMO_AGENCY)

    assert CONNECTOR.verify(grant_ref).state == GrantState.ACTIVE


def test_inviting_twice_is_the_same_invitation_then_the_same_user(jane):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency())
    first = CONNECTOR.grant(jane, request)

    assert CONNECTOR.grant(jane, request).native_ref == first.native_ref
    accept_everything(DEMO_AGENCY)
    again = CONNECTOR.grant(jane, request)
    assert again.state == GrantState.ACTIVE
    assert "/customerUserAccesses/" in again.native_ref


def test_a_declined_or_expired_invitation_fails(jane):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency())
    grant_ref = ref(request, CONNECTOR.grant(jane, request))
    [item] = inbox.pending_for(DEMO_AGENCY)

    assert inbox.act(DEMO_AGENCY, item.id, "expire")

    outcome = CONNECTOR.verify(grant_ref, client_tokens=jane)
    assert outcome.state == GrantState.FAILED
    assert "EXPIRED" in outcome.message


def test_multi_party_approval_holds_the_invitation_for_review(jane):
    request = asking("google_ads", _asset(BRAND), "STANDARD", agency())

    outcome = CONNECTOR.grant(jane, request)

    assert outcome.state == GrantState.PENDING_REVIEW
    assert "/multiPartyAuthReviews/" in outcome.native_ref
    assert "second administrator" in outcome.message
    assert CONNECTOR.grant(jane, request).state == GrantState.PENDING_REVIEW
    grant_ref = ref(request, outcome)
    assert CONNECTOR.verify(grant_ref, client_tokens=jane).state == GrantState.PENDING_REVIEW

    assert accept_everything("pat@janes-bakery.example") == 1  # the account's other admin
    assert CONNECTOR.verify(grant_ref, client_tokens=jane).state == GrantState.PENDING_AGENCY
    accept_everything(DEMO_AGENCY)
    assert CONNECTOR.verify(grant_ref, client_tokens=jane).state == GrantState.ACTIVE


def test_read_only_access_needs_no_review(jane):
    request = asking("google_ads", _asset(BRAND), "READ_ONLY", agency())

    assert CONNECTOR.grant(jane, request).state == GrantState.PENDING_AGENCY


def test_revoking_removes_a_pending_invitation(jane):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency())
    grant_ref = ref(request, CONNECTOR.grant(jane, request))

    assert CONNECTOR.revoke(grant_ref, client_tokens=jane).state == GrantState.REVOKED

    assert inbox.pending_for(DEMO_AGENCY) == []


def test_revoking_removes_the_user_who_accepted(jane):
    request = asking("google_ads", _asset(NORTH), "STANDARD", agency())
    invitation_ref = ref(request, CONNECTOR.grant(jane, request))
    accept_everything(DEMO_AGENCY)
    user_ref = ref(request, CONNECTOR.verify(invitation_ref, client_tokens=jane))

    assert CONNECTOR.revoke(user_ref, client_tokens=jane).state == GrantState.REVOKED

    assert CONNECTOR.verify(user_ref, client_tokens=jane).state == GrantState.REVOKED


def test_a_removed_user_is_revoked_seen_from_the_agency_too(jane, agency_tokens):
    """Not "pending review": the user's resource name is customerUserAccesses (plural)."""
    request = asking("google_ads", _asset(NORTH), "STANDARD", agency(agency_tokens))
    invitation_ref = ref(request, CONNECTOR.grant(jane, request))
    accept_everything(DEMO_AGENCY)
    user_ref = ref(request, CONNECTOR.verify(invitation_ref, client_tokens=jane))
    assert CONNECTOR.verify(user_ref).state == GrantState.ACTIVE

    CONNECTOR.revoke(user_ref, client_tokens=jane)

    assert CONNECTOR.verify(user_ref).state == GrantState.REVOKED


def test_a_removal_held_for_multi_party_approval_is_not_revoked_until_approved(jane):
    request = asking("google_ads", _asset(BRAND), "STANDARD", agency())
    grant_ref = ref(request, CONNECTOR.grant(jane, request))
    accept_everything("pat@janes-bakery.example")  # the invitation's review
    accept_everything(DEMO_AGENCY)
    user_ref = ref(request, CONNECTOR.verify(grant_ref, client_tokens=jane))
    assert user_ref.native_ref.startswith("customers/2222222222/customerUserAccesses/")

    outcome = CONNECTOR.revoke(user_ref, client_tokens=jane)

    assert outcome.state == GrantState.PENDING_REVIEW
    assert "keeps its access" in outcome.message
    assert CONNECTOR.verify(user_ref, client_tokens=jane).state == GrantState.ACTIVE
    assert CONNECTOR.revoke(user_ref, client_tokens=jane).state == GrantState.PENDING_REVIEW
    assert accept_everything("pat@janes-bakery.example") == 1  # one review, asked twice
    assert CONNECTOR.verify(user_ref, client_tokens=jane).state == GrantState.REVOKED


def test_revoking_without_the_clients_sign_in_is_done_by_hand(jane):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency())

    outcome = CONNECTOR.revoke(ref(request, CONNECTOR.grant(jane, request)))

    assert outcome.state == GrantState.MANUAL_REQUIRED


def test_checking_needs_some_sign_in(jane):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency())
    grant_ref = ref(request, CONNECTOR.grant(jane, request))

    with pytest.raises(ConnectorError):
        CONNECTOR.verify(grant_ref)


# Errors


def test_a_read_only_user_cannot_invite(jane):
    request = asking("google_ads", _asset(CATERING), "STANDARD", agency())

    with pytest.raises(InsufficientRights):
        CONNECTOR.grant(jane, request)


def test_an_unticked_permission_is_reported(sandbox):
    with pytest.raises(MissingScope):
        CONNECTOR.list_assets(issue_sandbox_tokens(JANE, scopes=[ANALYTICS_READONLY]), "google_ads")


def test_an_expired_sign_in_asks_to_connect_again(erin):
    with pytest.raises(TokenExpired):
        CONNECTOR.list_assets(erin, "google_ads")


def test_a_google_account_without_google_ads_is_told_which_account_to_use(sandbox):
    with pytest.raises(ConnectorError) as caught:
        CONNECTOR.list_assets(issue_sandbox_tokens(OLIVE), "google_ads")

    assert not isinstance(caught.value, TokenExpired)  # signing in again as her changes nothing
    assert caught.value.platform_code == "NOT_ADS_USER"
    assert caught.value.permanent
    assert "has no Google Ads account" in caught.value.message


@pytest.fixture
def test_level_developer_token(sandbox):
    state.set_knob("ads_developer_token_basic", False)


def test_a_test_level_developer_token_is_the_agency_s_to_fix(jane, test_level_developer_token):
    with pytest.raises(ConnectorError) as caught:
        CONNECTOR.list_assets(jane, "google_ads")

    assert not isinstance(caught.value, (TokenExpired, InsufficientRights))
    assert caught.value.platform_code == "DEVELOPER_TOKEN_NOT_APPROVED"
    assert "developer token" in caught.value.message
    assert "not an administrator" not in caught.value.message


def test_a_test_level_developer_token_does_not_read_as_not_an_admin_when_inviting(
    jane, test_level_developer_token
):
    request = asking("google_ads", _asset(BAKERY), "STANDARD", agency())

    with pytest.raises(ConnectorError) as caught:
        CONNECTOR.grant(jane, request)

    assert not isinstance(caught.value, InsufficientRights)
    assert caught.value.platform_code == "DEVELOPER_TOKEN_NOT_APPROVED"


def test_rate_limited_invitations_and_links(sam, agency_tokens):
    [asset] = CONNECTOR.list_assets(sam, "google_ads")

    with pytest.raises(RateLimited) as invitation:
        CONNECTOR.grant(sam, asking("google_ads", asset, "STANDARD", agency()))
    with pytest.raises(RateLimited) as link:
        CONNECTOR.grant(
            sam, asking("google_ads", asset, "STANDARD", agency(agency_tokens, mcc=AGENCY_MCC))
        )

    assert invitation.value.retry_after == link.value.retry_after == 30


def _asset(external_id: str) -> Asset:
    """The account as the core passes it back from the list (tested above)."""
    return Asset("ad_account", external_id, NAMES[external_id])


def _request_from_the_agency(agency_tokens, customer_id: str) -> str:
    """The agency asks from its manager account itself (as from the Google Ads UI)."""
    answer = ADS.call(
        "POST",
        f"/customers/{AGENCY_MCC}/customerClientLinks:mutate",
        agency_tokens,
        login=AGENCY_MCC,
        json={
            "operation": {
                "create": {"clientCustomer": f"customers/{customer_id}", "status": "PENDING"}
            }
        },
    )
    return answer["result"]["resourceName"]
