"""What each Graph error means for the connector's callers (docs/platforms/meta.md#errors)."""

import json

from django.test import SimpleTestCase

from agencyaccess.catalog import platform_by_key
from agencyaccess.platforms.base import (
    ConnectorError,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.meta.api import error_from, retry_after
from agencyaccess.platforms.meta.connectors import CONNECTORS

BUC = {
    "x-business-use-case-usage": json.dumps(
        {"1": [{"estimated_time_to_regain_access": 2}, {"estimated_time_to_regain_access": 7}]}
    )
}


def error(code: int, message: str = "boom", **extra: object) -> dict[str, object]:
    return {"code": code, "message": message, "type": "OAuthException", **extra}


class ErrorMappingTests(SimpleTestCase):
    def test_an_invalid_or_expired_token_means_signing_in_again(self):
        mapped = error_from(error(190, error_subcode=463), 400, {})
        self.assertIsInstance(mapped, TokenExpired)
        self.assertTrue(mapped.permanent)
        self.assertIn("connect Facebook again", mapped.message)

    def test_rate_limits_are_transient_and_say_when_to_retry(self):
        for code in (4, 17, 32, 613, 80004):
            with self.subTest(code):
                mapped = error_from(error(code), 400, BUC)
                self.assertIsInstance(mapped, RateLimited)
                self.assertFalse(mapped.permanent)
                self.assertEqual(mapped.retry_after, 7 * 60)
        self.assertIsNone(error_from(error(4), 400, {}).retry_after)

    def test_a_missing_permission_is_a_missing_scope(self):
        for mapped in (
            error_from(error(10, "(#10) Application does not have permission"), 403, {}),
            error_from(error(200, "(#200) Requires business_management permission"), 403, {}),
        ):
            self.assertIsInstance(mapped, MissingScope)

    def test_other_permission_errors_are_missing_rights_on_the_asset(self):
        mapped = error_from(error(200, "(#200) User does not have sufficient rights"), 403, {})
        self.assertIsInstance(mapped, InsufficientRights)

    def test_anything_else_carries_graphs_message(self):
        mapped = error_from(
            error(100, "(#100) Param business must be a valid business id"), 400, {}
        )
        self.assertEqual(type(mapped), ConnectorError)
        self.assertEqual(mapped.message, "(#100) Param business must be a valid business id")
        self.assertEqual((mapped.platform_code, mapped.http_status), ("100", 400))
        self.assertTrue(mapped.permanent)

    def test_transient_errors_are_retried(self):
        self.assertFalse(error_from(error(2), 503, {}).permanent)
        self.assertFalse(error_from(error(1, is_transient=True), 400, {}).permanent)

    def test_an_unreadable_usage_header_gives_no_retry_time(self):
        for header in ("not json", '{"1": "x"}', "[]"):
            with self.subTest(header):
                self.assertIsNone(retry_after({"x-business-use-case-usage": header}))


class ConnectorTableTests(SimpleTestCase):
    def test_every_meta_service_has_exactly_one_connector(self):
        keys = [key for connector in CONNECTORS for key in connector.service_keys]
        self.assertEqual(sorted(keys), sorted(s.key for s in platform_by_key("meta").services))
