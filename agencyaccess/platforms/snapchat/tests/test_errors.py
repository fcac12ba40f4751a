"""What each Marketing API refusal means for the connectors' callers
(docs/platforms/snapchat.md#errors)."""

import pytest

from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.snapchat.api import RATE_LIMIT_SECONDS, entities, error_from
from agencyaccess.platforms.snapchat.connectors import _container

REFUSED_ITEM = {
    "request_status": "ERROR",
    "members": [
        {
            "sub_request_status": "ERROR",
            "sub_request_error_reason": "Error code: E3004, message: Entity does not exist or "
            "you do not have permission to access it",
        }
    ],
}


def test_401_means_connecting_again():
    mapped = error_from({"request_status": "ERROR"}, 401)
    assert isinstance(mapped, TokenExpired) and "connect Snapchat again" in mapped.message


def test_403_and_e3004_say_who_can_do_it():
    assert isinstance(error_from({}, 403), InsufficientRights)
    mapped = error_from(REFUSED_ITEM, 200)  # the item's reason carries the code
    assert isinstance(mapped, InsufficientRights)
    assert mapped.platform_code == "E3004"
    assert "admin of the organization" in mapped.message


def test_the_rate_limit_is_transient_and_says_when_to_retry():
    mapped = error_from({}, 429)
    assert isinstance(mapped, RateLimited) and not mapped.permanent
    assert mapped.retry_after == RATE_LIMIT_SECONDS  # Snap's page documents no Retry-After
    assert error_from({}, 429, "12").retry_after == 12  # one that comes is honoured
    assert error_from({}, 429, "soon").retry_after == RATE_LIMIT_SECONDS


def test_a_role_naming_no_container_is_on_nothing():
    assert _container({"id": "r1", "type": "member"}) == ""
    assert _container({"organization_id": "o1", "type": "member"}) == "o1"


def test_a_server_error_is_retried_and_others_carry_snaps_words():
    assert not error_from({}, 503).permanent
    other = error_from({"debug_message": "Invalid type", "error_code": "E1001"}, 400)
    assert type(other) is ConnectorError and other.permanent
    assert "Invalid type" in other.message and other.platform_code == "E1001"


def test_entities_unwrap_each_item_and_raise_for_a_refused_one():
    answer = {"members": [{"sub_request_status": "SUCCESS", "member": {"id": "m1"}}]}
    assert entities(answer, "members", "member") == [{"id": "m1"}]
    with pytest.raises(InsufficientRights):
        entities(REFUSED_ITEM, "members", "member")
