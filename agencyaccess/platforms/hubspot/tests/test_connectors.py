"""The HubSpot connector over HTTP against the sandbox: the account listed, the agency's
address made a user with the level's permission set (or minimal permissions and the steps
without one), Super Admin finished by hand, an existing user left as it is, checking and
removing from the client's sign-in (docs/platforms/hubspot.md)."""

from dataclasses import replace

import httpx
import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    GrantState,
    MissingScope,
    RateLimited,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.hubspot.config import hubspot_settings
from agencyaccess.platforms.hubspot.connectors import CONNECTORS
from agencyaccess.platforms.hubspot.sandbox import issue_sandbox_tokens, state
from agencyaccess.platforms.hubspot.tests.cast import (
    AGENCY_EMAIL,
    CLARA_BIKES,
    LIVE_SANDBOX,
    agency,
    asking,
    pick,
    ref,
)

pytestmark = LIVE_SANDBOX
[HUBSPOT] = CONNECTORS


def account(tokens: TokenSet):
    return pick(HUBSPOT.list_assets(tokens, "hubspot_partner"), CLARA_BIKES)


def test_the_asset_is_the_account_the_sign_in_was_installed_in(clara: TokenSet):
    [asset] = HUBSPOT.list_assets(clara, "hubspot_partner")

    assert (asset.external_id, asset.name, asset.grantable) == (
        CLARA_BIKES,
        "clara-bikes.example",
        True,
    )


def test_a_view_only_grant_makes_the_agency_a_user_with_that_permission_set(clara: TokenSet):
    request = asking(account(clara), "VIEW_ONLY")

    outcome = HUBSPOT.grant(clara, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_ref == f"hubs/{CLARA_BIKES}/users/5000001/created"
    assert outcome.native_role == "1002"  # "View-only" matches the level's "View only"
    kept = ref(request, outcome)
    assert HUBSPOT.verify(kept, client_tokens=clara).state == GrantState.ACTIVE

    assert HUBSPOT.revoke(kept, client_tokens=clara).state == GrantState.REVOKED
    assert HUBSPOT.verify(kept, client_tokens=clara).state == GrantState.REVOKED
    assert HUBSPOT.revoke(kept, client_tokens=clara).state == GrantState.REVOKED  # gone already


def existing_user(tokens: TokenSet, role_id: str) -> str:
    """The agency's address made a user of Clara Bikes before AgencyAccess, as HubSpot would."""
    body = {"email": AGENCY_EMAIL, "sendWelcomeEmail": False, "roleId": role_id}
    answer = httpx.post(
        hubspot_settings().users_url,
        json=body,
        headers={"Authorization": f"Bearer {tokens.access_token}"},
    )
    assert answer.status_code == 201
    return answer.json()["id"]


def test_an_existing_user_keeps_its_permissions_and_is_never_deleted(clara: TokenSet):
    user_id = existing_user(clara, "1001")  # Standard
    request = asking(account(clara), "VIEW_ONLY")

    outcome = HUBSPOT.grant(clara, request)

    assert (outcome.state, outcome.native_role) == (GrantState.ACTIVE, "1001")  # not lowered
    assert outcome.native_ref == f"hubs/{CLARA_BIKES}/users/{user_id}/found"
    assert "left its permissions as they are" in outcome.message
    by_hand = HUBSPOT.revoke(ref(request, outcome), client_tokens=clara)
    assert by_hand.state == GrantState.MANUAL_REQUIRED
    assert "leaves it there" in by_hand.message and by_hand.next_action_url
    assert HUBSPOT.verify(ref(request, outcome), client_tokens=clara).state == GrantState.ACTIVE


def test_a_reference_kept_before_it_said_who_added_the_user_is_not_deleted(clara: TokenSet):
    request = asking(account(clara), "STANDARD")
    created = HUBSPOT.grant(clara, request)
    old_form = created.native_ref.removesuffix("/created")

    by_hand = HUBSPOT.revoke(
        ref(request, replace(created, native_ref=old_form)), client_tokens=clara
    )

    assert by_hand.state == GrantState.MANUAL_REQUIRED and "no record" in by_hand.message
    assert HUBSPOT.verify(ref(request, created), client_tokens=clara).state == GrantState.ACTIVE


def test_super_admin_is_finished_by_a_super_admin_in_hubspot(sandbox: str, clara: TokenSet):
    request = asking(account(clara), "SUPER_ADMIN")

    outcome = HUBSPOT.grant(clara, request)

    assert outcome.state == GrantState.PENDING_CLIENT
    assert "Make Super Admin" in outcome.message
    assert outcome.next_action_url == f"{sandbox}/sandbox/hubspot/settings/{CLARA_BIKES}/users/"
    kept = ref(request, outcome)
    assert HUBSPOT.verify(kept, client_tokens=clara).state == GrantState.PENDING_CLIENT

    user_id = outcome.native_ref.split("/")[3]
    page = httpx.post(outcome.next_action_url, data={"user": user_id})
    assert page.status_code == 302

    assert HUBSPOT.verify(kept, client_tokens=clara).state == GrantState.ACTIVE
    again = HUBSPOT.grant(clara, request)
    assert again.state == GrantState.ACTIVE and again.native_ref.endswith("/found")


def test_without_the_levels_permission_set_the_client_gives_permissions_by_hand(sandbox: str):
    noor = issue_sandbox_tokens("noor")
    [asset] = HUBSPOT.list_assets(noor, "hubspot_partner")

    outcome = HUBSPOT.grant(noor, asking(asset, "STANDARD"))

    assert outcome.state == GrantState.PENDING_CLIENT
    assert "minimal permissions" in outcome.message and "Enterprise" in outcome.message
    assert (
        outcome.next_action_url == f"{sandbox}/sandbox/hubspot/settings/{asset.external_id}/users/"
    )
    assert outcome.retry_after == 24 * 3600
    user = state.find_user(int(asset.external_id), AGENCY_EMAIL, by_email=True)
    assert user is not None and "roleId" not in user
    kept = ref(asking(asset, "STANDARD"), outcome)
    assert HUBSPOT.verify(kept, client_tokens=noor).state == GrantState.ACTIVE


def test_a_permission_set_with_a_paid_seat_is_left_to_the_client(clara: TokenSet):
    request = asking(account(clara), "STANDARD")
    paid = request.__class__(**{**request.__dict__, "native_role": "Sales Hub seat"})

    with pytest.raises(ConnectorError) as raised:
        HUBSPOT.grant(clara, paid)

    assert raised.value.platform_code == "REQUIRES_BILLING_WRITE"
    assert "paid seat" in raised.value.message


def test_a_grant_needs_the_agencys_address(clara: TokenSet):
    with pytest.raises(ConnectorError, match="no e-mail address"):
        HUBSPOT.grant(clara, asking(account(clara), "STANDARD", agency(email="")))


def test_checking_and_removing_need_the_clients_sign_in(clara: TokenSet):
    request = asking(account(clara), "STANDARD")
    kept = ref(request, HUBSPOT.grant(clara, request))

    with pytest.raises(TokenExpired, match="client's HubSpot sign-in"):
        HUBSPOT.verify(kept)
    by_hand = HUBSPOT.revoke(kept)
    assert by_hand.state == GrantState.MANUAL_REQUIRED
    assert "Users & Teams" in by_hand.message and by_hand.next_action_url


def test_an_expired_sign_in_the_rate_limit_and_a_missing_scope_say_what_to_do(sandbox: str):
    with pytest.raises(TokenExpired, match="connect HubSpot again"):
        HUBSPOT.grant(
            issue_sandbox_tokens("ed"),
            asking(account(issue_sandbox_tokens("clara")), "STANDARD"),
        )
    rita = issue_sandbox_tokens("rita")
    with pytest.raises(RateLimited) as limited:
        HUBSPOT.grant(rita, asking(account(rita), "STANDARD"))
    # HubSpot's window, from X-HubSpot-RateLimit-Interval-Milliseconds.
    assert not limited.value.permanent and limited.value.retry_after == 10
    with pytest.raises(MissingScope):
        HUBSPOT.list_assets(
            issue_sandbox_tokens("clara", declined=["settings.users.write"]), "hubspot_partner"
        )


def test_the_calls_one_grant_makes(clara: TokenSet, monkeypatch):
    """What docs/platforms/hubspot.md#calls counts: a new user 3 calls, a Super Admin 2, an
    address already a user 1."""
    asset = account(clara)
    sent: list[str] = []
    request = http.request

    def counted(method: str, url: str, **kwargs):
        sent.append(f"{method} {url.split('/settings/users/2026-03', 1)[1] or '/'}")
        return request(method, url, **kwargs)

    monkeypatch.setattr(http, "request", counted)

    HUBSPOT.grant(clara, asking(asset, "STANDARD"))
    assert sent == ["GET /alex@demo-agency.example", "GET /roles", "POST /"]
    sent.clear()
    HUBSPOT.grant(clara, asking(asset, "SUPER_ADMIN", agency("sam@example.org")))
    assert sent == ["GET /sam@example.org", "POST /"]
    sent.clear()
    HUBSPOT.grant(clara, asking(asset, "VIEW_ONLY"))
    assert sent == ["GET /alex@demo-agency.example"]
