"""What each Customer Management fault means for the connector's callers
(docs/platforms/microsoft.md#errors)."""

import pytest

from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.microsoft.api import error_from, partial_errors


def fault(code: int, message: str = "boom") -> list[dict[str, object]]:
    return [{"Code": code, "Details": "", "Message": message}]


@pytest.mark.parametrize("code", [105, 109])
def test_credentials_refused_mean_connecting_again(code: int):
    mapped = error_from(fault(code), 401)
    assert isinstance(mapped, TokenExpired)
    assert "connect Microsoft Advertising again" in mapped.message
    assert "developer token" in mapped.message  # 105 is also a developer token for elsewhere


@pytest.mark.parametrize("code", [106, 1001])
def test_a_role_that_does_not_allow_it_says_who_can(code: int):
    mapped = error_from(fault(code), 400)
    assert isinstance(mapped, InsufficientRights)
    assert "Super Admin" in mapped.message


def test_the_call_limit_is_transient_and_says_when_to_retry():
    mapped = error_from(fault(117), 400)
    assert isinstance(mapped, RateLimited)
    assert not mapped.permanent and mapped.retry_after == 60


def test_an_internal_error_is_retried_and_others_carry_microsofts_words():
    assert not error_from(fault(0), 500).permanent
    other = error_from(fault(1234, "Invalid account."), 400)
    assert type(other) is ConnectorError
    assert other.permanent and other.message == "Invalid account."
    assert other.platform_code == "1234"


def test_partial_errors_are_the_refused_items_of_a_batch():
    answer = {"PartialErrors": [None, [{"Code": 1001, "Message": "no"}], []]}
    assert partial_errors(answer) == [{"Code": 1001, "Message": "no"}]
    assert partial_errors({"PartialErrors": None}) == []
