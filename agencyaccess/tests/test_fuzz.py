"""Property-based fuzzing of every endpoint, generated from the OpenAPI document (schemathesis),
against the WSGI app in this process: no answer is a 500, every answer is the envelope and
matches the document. Deterministic (derandomized) and bounded, so it stays fast."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings

from agencyaccess.api import api
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.notify.zapier import subscribe
from agencyaccess.test import BaseTestCase
from agencyaccess.wsgi import application

if TYPE_CHECKING:
    from schemathesis import Case

EXAMPLES = 10  # per endpoint and generation mode; each example is sent four ways
ZAPIER_TARGET = "https://hooks.zapier.com/hooks/standard/1/fuzz/"


class FuzzTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Hundreds of requests a minute from one key: fuzzing is not about the rate limit.
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(rate_limit_per_minute=1_000_000)
        # Called as a WSGI app, Django closes the database connection around each request, and
        # with it this test's transaction; Django's test client turns that off the same way.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def test_every_endpoint(self):
        # Imported here rather than at the top: pytest rewrites the asserts of schemathesis's
        # few hundred modules on import, seconds that only the process running this test pays.
        import schemathesis

        schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
        jane, link = self.jane.public_id, self.link.public_id
        zap = subscribe(self.alice_key_row, "access_granted", ZAPIER_TARGET).public_id
        for method, path, real_ids in [
            ("POST", "/api/clients/create", lambda case: None),
            ("GET", "/api/clients/retrieve", with_query_field("id", jane)),
            ("POST", "/api/clients/update", with_body_field("id", jane)),
            ("GET", "/api/clients/find", with_query_field("email", self.jane.email)),
            ("POST", "/api/links/create", with_body_field("clientID", jane)),
            ("POST", "/api/links/update", with_body_field("id", link)),
            ("GET", "/api/links/retrieve", with_query_field("id", link)),
            ("GET", "/api/me", lambda case: None),
            ("POST", "/api/hooks/subscribe", with_body_field("target_url", ZAPIER_TARGET)),
            ("POST", "/api/hooks/unsubscribe", with_body_field("id", zap)),
            ("GET", "/api/hooks/sample", with_query_field("event", "client_created")),
        ]:
            with self.subTest(f"{method} {path}"):
                self.fuzz(schema[path][method], real_ids)

    def fuzz(self, operation: Any, real_ids: Callable[["Case"], None]) -> None:
        from schemathesis import GenerationMode

        for mode in GenerationMode:
            self.fuzz_in_mode(operation, mode, real_ids)

    def fuzz_in_mode(self, operation: Any, mode: Any, real_ids: Callable[["Case"], None]) -> None:
        """`mode` is positive (requests the document allows) or negative (requests it forbids)."""

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        def send(case: "Case") -> None:
            # As generated: the key is whatever the generator made of the X-Auth header.
            self.check(case, headers=None)
            # With Alice's key: data that breaks the document must be refused. The key goes into
            # the case itself, so a case whose only fault was its missing key is judged as sent.
            case.headers["X-Auth"] = self.alice_key
            self.check(case, headers=None, negative=mode.is_negative)
            # With the ids of Alice's real client and link, so the generated fields reach the
            # validation behind the lookup.
            real_ids(case)
            self.check(case, headers={"X-Auth": self.alice_key})
            # Without any key.
            if case.headers is not None:
                case.headers.pop("X-Auth", None)  # the header names are case-insensitive here
            self.check(case, headers=None)

        send()

    def check(self, case: "Case", headers: dict | None, negative: bool = False) -> None:
        from schemathesis.checks import not_a_server_error
        from schemathesis.specs.openapi.checks import (
            content_type_conformance,
            negative_data_rejection,
            response_schema_conformance,
            status_code_conformance,
        )

        response = case.call(app=application, headers=headers)
        checks = [
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
        if negative:
            checks.append(negative_data_rejection)
        case.validate_response(response, checks=checks, headers=headers)
        self.assertTrue(response.headers["content-type"][0].startswith("application/json"))
        body = response.json()
        self.assertIsInstance(body, dict, response.text)
        if response.status_code < 300:
            self.assertEqual(set(body), {"error", "data"}, response.text)
            self.assertIs(body["error"], False)
        else:
            self.assertEqual(set(body), {"error", "msg"}, response.text)
            self.assertIs(body["error"], True)
            self.assertIsInstance(body["msg"], str)
            self.assertTrue(body["msg"], response.text)
            self.assertNotIn("Traceback", body["msg"])


def with_body_field(name: str, value: str) -> Callable[["Case"], None]:
    def replace(case: "Case") -> None:
        if isinstance(case.body, dict):
            case.body = {**case.body, name: value}

    return replace


def with_query_field(name: str, value: str) -> Callable[["Case"], None]:
    def replace(case: "Case") -> None:
        if isinstance(case.query, dict):
            case.query = {**case.query, name: value}

    return replace
