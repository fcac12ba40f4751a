"""Pinterest's error object `{code, message}` and HTTP statuses, and a batch item's exception,
as the connector interface's errors (docs/platforms/pinterest.md#errors). No HTTP needed."""

import pytest

from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.pinterest.api import error_from, first_refusal


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (401, 2, TokenExpired),
        (401, 3, MissingScope),
        (403, 29, InsufficientRights),
        (429, 8, RateLimited),
    ],
)
def test_statuses_and_codes_say_what_to_do(status, code, kind):
    error = error_from({"code": code, "message": "Pinterest's words"}, status)
    assert type(error) is kind
    assert (error.platform_code, error.http_status) == (str(code), status)
    assert "Pinterest's words" not in error.message  # ours say what to do


def test_other_refusals_keep_pinterests_message_and_a_server_error_is_retried():
    refused = error_from({"code": 1, "message": "Invalid parameters."}, 400)
    assert (type(refused), refused.message, refused.permanent) == (
        ConnectorError,
        "Invalid parameters.",
        True,
    )
    assert not error_from({}, 503).permanent


def test_a_batch_answer_is_refused_by_its_first_items_exception():
    answer = {
        "items": [
            {"invite": {"id": "1"}, "exception": None},
            {"exception": {"code": 403, "message": "You are not permitted."}, "invite": None},
        ]
    }
    assert type(first_refusal(answer)) is InsufficientRights
    assert first_refusal({"items": [{"invite": {"id": "1"}, "exception": None}]}) is None
