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


def test_the_rate_limit_is_transient_and_says_when_to_retry():
    mapped = error_from(envelope("RATE_LIMITS"), answer(429, **{"Retry-After": "3"}))
    assert isinstance(mapped, RateLimited)
    assert not mapped.permanent and mapped.retry_after == 3
    assert error_from(envelope("RATE_LIMITS"), answer(429)).retry_after == 10


def test_others_carry_hubspots_words_and_server_errors_are_retried():
    other = error_from(envelope("VALIDATION_ERROR", "Role 9 does not exist."), answer(400))
    assert type(other) is ConnectorError
    assert other.permanent and other.message == "Role 9 does not exist."
    assert not error_from({}, answer(502)).permanent
