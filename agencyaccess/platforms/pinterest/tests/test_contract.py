"""The Pinterest sandbox's contract checks themselves: what Pinterest's generated client defines
passes, what it lacks is refused (docs/platforms/pinterest.md#contract-checks)."""

import pytest

from agencyaccess.platforms import contracts
from agencyaccess.platforms.pinterest.sandbox import sdk_definitions as pinterest
from agencyaccess.platforms.pinterest.sandbox import world
from agencyaccess.platforms.pinterest.tests.cast import LIVE_SANDBOX

INVITES = f"/businesses/{world.CLIENT_BUSINESS}/invites"
PARTNER_INVITE = {
    "business_role": "PARTNER",
    "invite_type": "PARTNER_INVITE",
    "partners": [world.AGENCY_BUSINESS],
}


@pytest.fixture
def refused():
    """A check that must refuse: the violation is raised, and handed here, not to the
    suite's guard (conftest.py)."""

    def expect(check, *args, **kwargs) -> str:
        with contracts.expected() as caught, pytest.raises(contracts.ContractViolation) as e:
            check(*args, **kwargs)
        assert caught == [e.value]
        return str(e.value)

    return expect


def test_a_call_is_matched_to_its_operation_and_its_answer_checked():
    operation = pinterest.check_request("POST", INVITES, {}, PARTNER_INVITE, {})
    assert operation.id == "create_membership_or_partnership_invites"
    pinterest.check_response(
        operation,
        200,
        {"items": [{"exception": None, "invite": {"id": "1", "user": {"id": "2"}}}]},
    )
    # A literal segment wins over a business id: /businesses/invites is its own operation.
    assert pinterest.check_request("PATCH", "/businesses/invites", {}, None, {}).id == (
        "respond_business_access_invites"
    )


def test_a_body_field_or_value_the_operation_lacks_is_refused(refused):
    assert "no field partner_ids" in refused(
        pinterest.check_request,
        "POST",
        INVITES,
        {},
        {**PARTNER_INVITE, "partner_ids": ["1"]},
        {},
    )
    assert "none of InviteType's values" in refused(
        pinterest.check_request, "POST", INVITES, {}, {**PARTNER_INVITE, "invite_type": "X"}, {}
    )


def test_a_query_parameter_or_path_the_api_lacks_is_refused(refused):
    assert "no query parameter limit" in refused(
        pinterest.check_request, "GET", INVITES, {"limit": "5"}, None, {}
    )
    assert "no operation" in refused(
        pinterest.check_request,
        "GET",
        f"/businesses/{world.CLIENT_BUSINESS}/agencies",
        {},
        None,
        {},
    )


def test_an_answer_field_the_model_lacks_is_refused(refused):
    operation = pinterest.check_request("GET", INVITES, {"invite_type": "PARTNER_INVITE"}, None, {})
    assert "no field status" in refused(
        pinterest.check_response, operation, 200, {"items": [{"id": "1", "status": "PENDING"}]}
    )
    assert "no field error" in refused(
        pinterest.check_response, operation, 401, {"code": 2, "error": "expired"}
    )


def test_the_token_form_is_checked_by_grant_type(refused):
    form = {"grant_type": "refresh_token", "refresh_token": "r", "continuous_refresh": "true"}
    assert "no field continuous_refresh" in refused(
        pinterest.check_request, "POST", "/oauth/token", {}, None, form
    )
    # The code exchange's continuous_refresh is newer than the client: a named gap.
    exchange = {"grant_type": "authorization_code", "code": "c", "redirect_uri": "r"}
    pinterest.check_request(
        "POST", "/oauth/token", {}, None, exchange | {"continuous_refresh": "true"}
    )
    assert "no field scope" in refused(
        pinterest.check_request, "POST", "/oauth/token", {}, None, exchange | {"scope": "x"}
    )


@LIVE_SANDBOX
def test_the_sandbox_answers_what_pinterest_lacks_with_its_invalid_request(paula, sandbox):
    import httpx

    with contracts.expected() as caught:
        r = httpx.get(
            f"{sandbox}/sandbox/pinterest/v5/ad_accounts",
            params={"limit": "5"},
            headers={"Authorization": f"Bearer {paula.access_token}"},
        )
    assert (r.status_code, r.json()["code"]) == (400, 1)
    assert len(caught) == 1
