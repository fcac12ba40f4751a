"""Every answer under /api/ is the JSON envelope: unknown paths, wrong methods, bad bodies,
bodies too large and crashes included. Never HTML, never a traceback."""

from unittest import mock

from agencyaccess.clients.models import Client
from agencyaccess.test import BaseTestCase

SERVER_ERROR = (
    "Server error: something went wrong on our side and it has been logged. Please try again later."
)
NOT_AN_OBJECT = "The request body must be a JSON object."
POST_ENDPOINTS = [
    "/api/clients/create",
    "/api/clients/update",
    "/api/links/create",
    "/api/links/update",
]


class EnvelopeTestCase(BaseTestCase):
    def assertEnvelope(self, response, status: int, msg: str | None = None) -> dict:
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertNotIn(b"<html", response.content.lower())
        return self.assertError(response, status, msg)


class HeaderTests(EnvelopeTestCase):
    def test_every_answer_has_its_length_and_is_kept_by_no_cache(self):
        for response in (
            self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id),
            self.api_get("/api/clients/retrieve", self.alice_key, id="unknown"),
            self.api_get("/api/nothing", self.alice_key),
        ):
            with self.subTest(response.content):
                self.assertEqual(response["Content-Length"], str(len(response.content)))
                self.assertEqual(response["Cache-Control"], "no-store")
                self.assertIn("frame-ancestors 'none'", response["Content-Security-Policy"])


class UnknownPathAndMethodTests(EnvelopeTestCase):
    def test_an_unknown_api_path_is_a_404_envelope(self):
        for path in [
            "/api/",
            "/api/nothing",
            "/api/links/delete",
            "/api/clients/retrieve/",
            "/api/links",
        ]:
            with self.subTest(path):
                self.assertEnvelope(
                    self.api_get(path, self.alice_key),
                    404,
                    f"Not found: there is no API endpoint at {path}.",
                )

    def test_an_unknown_path_needs_no_key_to_be_answered_in_the_envelope(self):
        self.assertEnvelope(self.client.get("/api/nothing"), 404)
        self.assertEnvelope(
            self.client.post("/api/nothing", "{}", content_type="application/json"), 404
        )

    def test_a_wrong_method_is_a_405_envelope_with_allow(self):
        for method, path, allowed in [
            ("get", "/api/clients/create", "POST"),
            ("get", "/api/links/update", "POST"),
            ("post", "/api/links/retrieve", "GET"),
            ("put", "/api/clients/update", "POST"),
            ("delete", "/api/links/create", "POST"),
            ("patch", "/api/clients/retrieve", "GET"),
        ]:
            with self.subTest(f"{method} {path}"):
                r = getattr(self.client, method)(path, headers={"X-Auth": self.alice_key})
                self.assertEnvelope(
                    r, 405, f"Method {method.upper()} is not allowed on {path}; use {allowed}."
                )
                self.assertEqual(r["Allow"], allowed)


class BodyTests(EnvelopeTestCase):
    def test_a_body_that_is_not_json_is_refused(self):
        for body in ["{", "name=Ann", "{'name': 'Ann'}", '{"name": "Ann",}', "\x00", "NaN!"]:
            for path in POST_ENDPOINTS:
                with self.subTest(body=body, path=path):
                    self.assertEnvelope(
                        self.api_post(path, body, self.alice_key),
                        400,
                        "The request body is not valid JSON.",
                    )

    def test_a_body_that_is_json_but_not_an_object_is_refused(self):
        for body in ["[]", '[{"name": "Ann"}]', "5", "-1.5", '"Ann"', "true", "null"]:
            for path in POST_ENDPOINTS:
                with self.subTest(body=body, path=path):
                    self.assertEnvelope(
                        self.api_post(path, body, self.alice_key), 400, NOT_AN_OBJECT
                    )

    def test_an_empty_body_is_refused(self):
        for path in POST_ENDPOINTS:
            with self.subTest(path):
                self.assertEnvelope(self.api_post(path, "", self.alice_key), 400, NOT_AN_OBJECT)

    def test_a_body_that_is_not_utf8_is_refused(self):
        body = b'{"name": "Zo\xeb", "email": "zoe@example.com", "language": "English"}'
        self.assertEnvelope(
            self.api_post("/api/clients/create", body, self.alice_key),
            400,
            "The request body is not valid JSON.",
        )
        self.assertFalse(Client.objects.filter(email="zoe@example.com").exists())

    def test_nul_characters_are_refused_wherever_they_are(self):
        # PostgreSQL cannot store them; they must not get as far as the database.
        jane = self.jane.public_id
        for path, body, where in [
            (
                "/api/clients/create",
                {"name": "A\x00", "email": "a@example.com", "language": "English"},
                "name",
            ),
            (
                "/api/clients/update",
                {"id": jane, "metadata": {"plan": "gold\x00"}},
                "metadata.plan",
            ),
            ("/api/clients/update", {"id": jane, "metadata": {"pl\x00an": "gold"}}, "metadata"),
            ("/api/clients/update", {"id": "\x00"}, "id"),
            (
                "/api/links/create",
                {"clientID": jane, "cc": [{"email": "x@example.com", "name": "\x00"}]},
                "cc[0].name",
            ),
            (
                "/api/links/create",
                {
                    "clientID": jane,
                    "requestedAccounts": {
                        "Google": {
                            "Google Ads": {"requestedAccountLinks": [{"internalAccountID": "\x00"}]}
                        }
                    },
                },
                "requestedAccounts.Google.Google Ads.requestedAccountLinks[0].internalAccountID",
            ),
            (
                "/api/links/update",
                {"id": "x", "requestedAccounts": {}, "\x00": 1},
                "The request body",
            ),
        ]:
            with self.subTest(where):
                self.assertEnvelope(
                    self.api_post(path, body, self.alice_key),
                    400,
                    f"{where} must not contain NUL characters.",
                )
        self.assertEqual(Client.objects.get(pk=self.jane.pk).metadata, {})

    def test_nul_characters_in_the_query_are_refused(self):
        for path in ["/api/clients/retrieve", "/api/links/retrieve"]:
            with self.subTest(path):
                self.assertEnvelope(
                    self.api_get(path, self.alice_key, id="a\x00b"),
                    400,
                    "id must not contain NUL characters.",
                )

    def test_utf8_text_is_kept(self):
        body = {"name": "Zoë Ñúñez 日本", "email": "zoe@example.com", "language": "Spanish"}
        public_id = self.assertOk(self.api_post("/api/clients/create", body, self.alice_key))
        self.assertEqual(Client.objects.get(public_id=public_id).name, "Zoë Ñúñez 日本")

    def test_a_body_over_one_megabyte_is_refused_before_it_is_read(self):
        body = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
        with mock.patch("django.http.HttpRequest.read") as read:
            r = self.api_post("/api/clients/create", body, self.alice_key)
        self.assertEnvelope(r, 413, "The request body is too large: the limit is 1024 KB.")
        read.assert_not_called()

    def test_a_body_of_exactly_one_megabyte_is_read(self):
        prefix = b'{"email": "ann@example.com", "language": "English", "name": "'
        body = prefix + b"x" * (1024 * 1024 - len(prefix) - 2) + b'"}'
        self.assertEqual(len(body), 1024 * 1024)
        self.assertEnvelope(
            self.api_post("/api/clients/create", body, self.alice_key),
            400,
            "name must be at most 200 characters.",
        )

    def test_the_size_limit_applies_without_a_key_too(self):
        r = self.client.post(
            "/api/links/create", b"x" * (1024 * 1024 + 1), content_type="application/json"
        )
        self.assertEnvelope(r, 413)


class ServerErrorTests(EnvelopeTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.raise_request_exception = False

    def test_a_crash_is_a_500_envelope_without_the_traceback_and_is_logged(self):
        crash = RuntimeError("secret detail of the crash")
        with (
            mock.patch("agencyaccess.clients.models.Client.as_api", side_effect=crash),
            self.assertLogs("agencyaccess.api", "ERROR") as logs,
        ):
            r = self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)

        self.assertEnvelope(r, 500, SERVER_ERROR)
        self.assertNotIn(b"secret detail", r.content)
        self.assertNotIn(b"Traceback", r.content)
        [record] = logs.records
        self.assertEqual(record.getMessage(), "API error on GET /api/clients/retrieve")
        self.assertIs(record.exc_info and record.exc_info[1], crash)

    def test_a_crash_in_a_write_is_a_500_envelope(self):
        with (
            mock.patch("agencyaccess.links.api.create_link", side_effect=ZeroDivisionError),
            self.assertLogs("agencyaccess.api", "ERROR"),
        ):
            r = self.api_post(
                "/api/links/create",
                {
                    "clientID": self.jane.public_id,
                    "requestedAccounts": {
                        "Google": {
                            "Google Ads": {
                                "requestedAccountLinks": [
                                    {"internalAccountID": self.google_a.public_id}
                                ]
                            }
                        }
                    },
                },
                self.alice_key,
            )
        self.assertEnvelope(r, 500, SERVER_ERROR)

    def test_a_crash_before_the_view_is_a_500_envelope(self):
        with (
            mock.patch(
                "agencyaccess.apikeys.models.ApiKeyQuerySet.for_key", side_effect=OSError("db gone")
            ),
            self.assertLogs("agencyaccess.apikeys.middleware", "ERROR"),
        ):
            r = self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)
        self.assertEnvelope(r, 500, SERVER_ERROR)
        self.assertNotIn(b"db gone", r.content)


class DocumentTests(EnvelopeTestCase):
    def test_the_openapi_document_lists_every_endpoint(self):
        r = self.client.get("/api/openapi.json")
        self.assertEqual(r.status_code, 200)
        paths = r.json()["paths"]
        self.assertEqual(
            {(path, method) for path, methods in paths.items() for method in methods},
            {
                ("/api/clients/create", "post"),
                ("/api/clients/retrieve", "get"),
                ("/api/clients/update", "post"),
                ("/api/clients/find", "get"),
                ("/api/links/create", "post"),
                ("/api/links/retrieve", "get"),
                ("/api/links/update", "post"),
                ("/api/me", "get"),
                ("/api/hooks/subscribe", "post"),
                ("/api/hooks/unsubscribe", "post"),
                ("/api/hooks/sample", "get"),
            },
        )
        self.assertEqual(
            r.json()["components"]["securitySchemes"]["ApiKeyAuth"],
            {"type": "apiKey", "in": "header", "name": "X-Auth"},
        )
