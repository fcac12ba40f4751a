"""What each HubSpot refusal means for the connector's callers (docs/platforms/hubspot.md#errors)."""

import httpx
import pytest

from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.hubspot.api import error_from
from agencyaccess.platforms.hubspot.client import token_error


def envelope(category: str, message: str = "boom") -> dict[str, str]:
    return {"status": "error", "message": message, "correlationId": "c-1", "category": category}


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize("category", ["INVALID_AUTHENTICATION", "EXPIRED_AUTHENTICATION"])
def test_a_refused_token_means_connecting_again(category: str):
    mapped = error_from(envelope(category), answer(401))
    assert isinstance(mapped, TokenExpired)
    assert "connect HubSpot again" in mapped.message and mapped.platform_code == category


def test_missing_scopes_and_missing_rights_are_told_apart():
    assert isinstance(error_from(envelope("MISSING_SCOPES"), answer(403)), MissingScope)
    rights = error_from(envelope("FORBIDDEN"), answer(403))
    assert isinstance(rights, InsufficientRights)
    assert "Super Admin" in rights.message


def rate_limit(policy: str) -> dict[str, str]:
    """HubSpot's 429 body (developers.hubspot.com/docs/api/usage-details)."""
    return {
        "status": "error",
        "message": "You have reached your limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "c-1",
        "policyName": policy,
    }


def test_the_rate_limit_is_transient_and_waits_one_window():
    window = {"X-HubSpot-RateLimit-Interval-Milliseconds": "10000", "Retry-After": "3"}
    mapped = error_from(rate_limit("TEN_SECONDLY_ROLLING"), answer(429, **window))
    assert isinstance(mapped, RateLimited)
    assert not mapped.permanent and mapped.retry_after == 10
    assert error_from(rate_limit("SECONDLY"), answer(429, **{"Retry-After": "3"})).retry_after == 3
    assert error_from(rate_limit("SECONDLY"), answer(429)).retry_after == 10


def test_the_daily_limit_means_trying_again_tomorrow():
    window = {"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}
    mapped = error_from(rate_limit("DAILY"), answer(429, **window))
    assert isinstance(mapped, RateLimited) and not mapped.permanent
    assert "tomorrow" in mapped.message and mapped.retry_after == 24 * 3600


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, {"error": "invalid_grant", "status": "BAD_REFRESH_TOKEN"}),
        (400, {"category": "VALIDATION_ERROR", "subCategory": "INVALID_TOKEN"}),
        (401, {"category": "INVALID_AUTHENTICATION", "message": "m", "correlationId": "c"}),
        (401, {"category": "EXPIRED_AUTHENTICATION", "message": "m", "correlationId": "c"}),
    ],
)
def test_a_refused_token_in_either_shape_means_signing_in_again(status: int, body: dict):
    assert isinstance(token_error(body, answer(status)), TokenExpired)


def test_other_token_refusals_are_not_an_expired_sign_in():
    other = token_error({"category": "VALIDATION_ERROR", "message": "bad"}, answer(400))
    assert type(other) is ConnectorError and other.platform_code == "VALIDATION_ERROR"
    limited = token_error(rate_limit("DAILY"), answer(429))
    assert isinstance(limited, RateLimited) and limited.retry_after == 24 * 3600


def test_others_carry_hubspots_words_and_server_errors_are_retried():
    other = error_from(envelope("VALIDATION_ERROR", "Role 9 does not exist."), answer(400))
    assert type(other) is ConnectorError
    assert other.permanent and other.message == "Role 9 does not exist."
    assert not error_from({}, answer(502)).permanent
