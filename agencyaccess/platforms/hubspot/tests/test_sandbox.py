"""The sandbox answers as HubSpot does, in HubSpot's error envelope, and keeps to HubSpot's own
definitions of its API (sandbox/contract.py, docs/platforms/hubspot.md#sandbox)."""

from typing import Any

import httpx
import pytest

from agencyaccess.platforms import contracts
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.hubspot.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from agencyaccess.platforms.hubspot.sandbox import contract, issue_sandbox_tokens
from agencyaccess.platforms.hubspot.tests.cast import LIVE_SANDBOX

USERS = "/sandbox/hubspot/settings/users/2026-03"


def call(site: str, method: str, path: str, tokens: TokenSet | None, **kwargs: Any):
    headers = {"Authorization": f"Bearer {tokens.access_token}"} if tokens else {}
    return httpx.request(method, f"{site}{USERS}{path}", headers=headers, **kwargs)


@LIVE_SANDBOX
def test_no_token_is_a_401_in_hubspots_envelope(sandbox: str):
    answer = call(sandbox, "GET", "/roles", None)

    assert answer.status_code == 401
    body = answer.json()
    assert body["status"] == "error" and body["correlationId"]
    assert body["category"] == "INVALID_AUTHENTICATION"


@LIVE_SANDBOX
def test_writing_without_the_write_scope_is_a_403_missing_scopes(sandbox: str):
    reader = issue_sandbox_tokens("clara", declined=["settings.users.write"])
    body = {"email": "x@example.org", "sendWelcomeEmail": False}

    answer = call(sandbox, "POST", "", reader, json=body)

    assert answer.status_code == 403
    body = answer.json()
    assert body["category"] == "MISSING_SCOPES" and "context" not in body
    [detail] = body["errors"]
    assert detail["context"] == {"requiredGranularScopes": ["settings.users.write"]}


@LIVE_SANDBOX
def test_the_rate_limit_answers_hubspots_429_body_and_window(sandbox: str):
    answer = call(sandbox, "GET", "/roles", issue_sandbox_tokens("rita"))

    assert answer.status_code == 429
    body = answer.json()
    assert (body["errorType"], body["policyName"]) == ("RATE_LIMIT", "TEN_SECONDLY_ROLLING")
    assert set(body) == {"status", "message", "errorType", "correlationId", "policyName"}
    assert answer.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert "Retry-After" not in answer.headers


@LIVE_SANDBOX
def test_the_token_endpoint_refuses_in_hubspots_envelope_or_rfc_6749(sandbox: str):
    app = {"client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET}
    token = f"{sandbox}/sandbox/hubspot/oauth/2026-03/token"
    code = {"grant_type": "authorization_code", "code": "na1-x", "redirect_uri": sandbox + "/"}
    refresh = {"grant_type": "refresh_token", "refresh_token": "na1-x"}

    enveloped = httpx.post(token, data=app | code).json()
    rfc = httpx.post(token, data=app | refresh).json()

    assert (enveloped["category"], enveloped["subCategory"]) == (
        "VALIDATION_ERROR",
        "INVALID_TOKEN",
    )
    assert enveloped["correlationId"] and "error" not in enveloped
    assert (rfc["error"], rfc["status"]) == ("invalid_grant", "BAD_REFRESH_TOKEN")


@LIVE_SANDBOX
def test_creating_needs_send_welcome_email_and_an_existing_address_conflicts(
    sandbox: str, clara: TokenSet
):
    missing = call(sandbox, "POST", "", clara, json={"email": "x@example.org"})
    assert (missing.status_code, missing.json()["category"]) == (400, "VALIDATION_ERROR")

    taken = {"email": "clara@clara-bikes.example", "sendWelcomeEmail": True}
    conflict = call(sandbox, "POST", "", clara, json=taken)
    assert (conflict.status_code, conflict.json()["category"]) == (409, "CONFLICT")


@LIVE_SANDBOX
def test_a_user_is_read_by_id_or_by_email_and_deleted_with_a_204(sandbox: str, clara: TokenSet):
    created = call(
        sandbox, "POST", "", clara, json={"email": "a@example.org", "sendWelcomeEmail": True}
    ).json()
    by_email = call(sandbox, "GET", "/a@example.org", clara, params={"idProperty": "EMAIL"})
    assert by_email.json()["id"] == created["id"]

    assert call(sandbox, "DELETE", f"/{created['id']}", clara).status_code == 204
    gone = call(sandbox, "GET", f"/{created['id']}", clara)
    assert (gone.status_code, gone.json()["category"]) == (404, "OBJECT_NOT_FOUND")


@LIVE_SANDBOX
def test_a_field_hubspot_does_not_define_is_refused(sandbox: str, clara: TokenSet):
    body = {"email": "a@example.org", "sendWelcomeEmail": True, "superAdmin": True}

    with contracts.expected() as caught:
        answer = call(sandbox, "POST", "", clara, json=body)

    assert answer.status_code == 400
    assert "UserProvisionRequest has no field 'superAdmin'" in str(caught[0])


def test_the_dated_versions_fields_pass_and_others_do_not():
    contract.check_fields(
        contract.USERS, "PublicUser", {"id": "1", "email": "a@b.c", "firstName": "A"}, "answer"
    )
    contract.check_fields(
        contract.OAUTH, "TokenResponseIF", {"access_token": "t", "hub_id": 1}, "answer"
    )
    with contracts.expected(), pytest.raises(contracts.ContractViolation, match="seatNames"):
        contract.check_fields(contract.USERS, "PublicUser", {"seatNames": []}, "answer")
    with contracts.expected(), pytest.raises(contracts.ContractViolation, match="'error'"):
        contract.check_fields(contract.USERS, "Error", {"error": "invalid_grant"}, "answer")
    with contracts.expected(), pytest.raises(contracts.ContractViolation, match="no field 'x'"):
        contract.check_fields(
            contract.USERS,
            "CollectionResponsePublicPermissionSetNoPaging",
            {"results": [{"id": "1", "x": 1}]},
            "answer",
        )
