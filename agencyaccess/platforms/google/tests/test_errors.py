"""How Google's error envelope turns into what the person is told (no server needed)."""

import httpx
import pytest

from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.google.api import GoogleApi, parse_error

ANALYTICS = GoogleApi("analytics_admin", "Google Analytics")


def test_error_info_reasons_ads_codes_and_legacy_reasons_are_gathered():
    error = parse_error(
        _answer(
            400,
            {
                "code": 400,
                "status": "INVALID_ARGUMENT",
                "message": "Bad",
                "errors": [{"reason": "invalid"}],
                "details": [
                    {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "X"},
                    {"@type": "…GoogleAdsFailure", "errors": [{"errorCode": {"a": "Y"}}]},
                ],
            },
            headers={"Retry-After": "12"},
        )
    )

    assert error.status == "INVALID_ARGUMENT"
    assert error.reasons == {"invalid", "X", "Y"}
    assert error.retry_after == 12


@pytest.mark.parametrize(
    ("status", "body", "raised", "permanent"),
    [
        (401, {"status": "UNAUTHENTICATED"}, TokenExpired, True),
        (403, {"details": [{"reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}, MissingScope, True),
        (403, {"status": "PERMISSION_DENIED"}, InsufficientRights, True),
        (429, {"status": "RESOURCE_EXHAUSTED"}, RateLimited, False),
        (503, {"status": "UNAVAILABLE"}, ConnectorError, False),
        (400, {"status": "FAILED_PRECONDITION"}, ConnectorError, True),
    ],
)
def test_each_error_says_what_to_do(status, body, raised, permanent):
    failure = ANALYTICS.failure(parse_error(_answer(status, body)))

    assert type(failure) is raised
    assert failure.permanent is permanent
    assert failure.http_status == status


def test_an_api_not_enabled_is_for_the_installation_s_administrator():
    body = {"status": "PERMISSION_DENIED", "details": [{"reason": "SERVICE_DISABLED"}]}

    failure = ANALYTICS.failure(parse_error(_answer(403, body)))

    assert type(failure) is ConnectorError  # not "you are not an admin"
    assert "Google Analytics is not switched on" in failure.message


def test_a_quota_of_zero_means_not_approved_rather_than_busy():
    info = {"reason": "RATE_LIMIT_EXCEEDED", "metadata": {"quota_limit_value": "0"}}
    body = {"status": "RESOURCE_EXHAUSTED", "details": [info]}

    failure = ANALYTICS.failure(parse_error(_answer(429, body)))

    assert type(failure) is ConnectorError
    assert failure.permanent
    assert "not yet approved" in failure.message


def test_a_body_that_is_not_googles_envelope_still_maps_by_status():
    response = httpx.Response(502, text="<html>Bad Gateway</html>")

    failure = ANALYTICS.failure(parse_error(response))

    assert not failure.permanent


def _answer(status: int, error: dict, headers: dict | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": error}, headers=headers)
