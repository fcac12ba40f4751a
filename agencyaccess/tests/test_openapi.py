"""The OpenAPI document at /api/openapi.json, as integrators and their tools read it: valid
OpenAPI 3.1 (openapi-spec-validator), and for every operation it lists, the answers any request
can get with their headers, an example of the request and of the answer that the document
itself accepts and that the API answers as documented, and links to operations that exist."""

import json
from collections.abc import Iterator
from typing import Any

from django.test import override_settings
from ninja import Field, Query, Router, Schema
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from agencyaccess.apikeys.idempotency import idempotent
from agencyaccess.lib.envelope import ok
from agencyaccess.lib.schemas import Ok
from agencyaccess.links.models import IntakeForm, IntakeQuestion
from agencyaccess.notify.zapier import subscribe
from agencyaccess.openapi import AgencyAccessAPI
from agencyaccess.test import BaseTestCase

RATE_LIMIT_HEADERS = {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
ERROR_OUT = {"$ref": "#/components/schemas/ErrorOut"}


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def resolved(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """`node`, or what its $ref points to in the document."""
    if "$ref" not in node:
        return node
    found: Any = document
    for part in node["$ref"].removeprefix("#/").split("/"):
        found = found[part]
    return found


def validator(document: dict[str, Any], schema: dict[str, Any]) -> OAS31Validator:
    """A JSON Schema validator for one schema of the document, its $refs resolved there."""
    return OAS31Validator(
        {**schema, "components": document["components"]},
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )


def json_body(operation: dict[str, Any], status: str) -> dict[str, Any]:
    return operation["responses"][status]["content"]["application/json"]


def success(operation: dict[str, Any]) -> str:
    """The one 2xx status the operation documents: 200, or 201 for hooks/subscribe."""
    [status] = [status for status in operation["responses"] if status.startswith("2")]
    return status


class DocumentTestCase(BaseTestCase):
    def document(self) -> dict[str, Any]:
        r = self.client.get("/api/openapi.json")
        self.assertEqual(r.status_code, 200)
        return r.json()


class DocumentTests(DocumentTestCase):
    def test_the_document_is_valid_openapi(self):
        document = self.document()
        self.assertEqual(document["openapi"], "3.1.0")
        validate(document)

    @override_settings(SITE_URL="https://access.example.com")
    def test_its_server_is_the_site_url(self):
        self.assertEqual(self.document()["servers"], [{"url": "https://access.example.com"}])

    def test_every_operation_documents_the_answers_any_request_can_get(self):
        document = self.document()
        for name, operation in operations(document):
            responses = operation["responses"]
            with self.subTest(name):
                ok = success(operation)
                for status in (ok, "400", "401", "403", "404", "405", "413", "429", "500"):
                    self.assertIn(status, responses)
                for status, response in responses.items():
                    self.assertTrue(response["description"])
                    self.assertLessEqual(RATE_LIMIT_HEADERS, set(response["headers"]))
                    for header in RATE_LIMIT_HEADERS:
                        # Only a 500 may lack them: the rate-limit counter itself failed.
                        required = resolved(document, response["headers"][header]).get("required")
                        self.assertEqual(bool(required), status != "500", (status, header))
                    if status != ok:
                        self.assertEqual(json_body(operation, status)["schema"], ERROR_OUT)
                self.assertTrue(resolved(document, responses["429"]["headers"]["Retry-After"]))
                self.assertTrue(resolved(document, responses["405"]["headers"]["Allow"]))

    def test_the_create_operations_take_an_idempotency_key(self):
        document = self.document()
        for name, operation in operations(document):
            with self.subTest(name):
                headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
                self.assertEqual("Idempotency-Key" in headers, name.endswith("/create"))

    def test_an_operation_added_later_gets_them_too(self):
        router = Router()

        @router.get("/plain", response={200: Ok[str]})
        def plain(request):
            return ok("plain")

        @router.post("/retried", response={200: Ok[str]})
        @idempotent
        def retried(request):
            return ok("retried")

        document = document_of(router, "later-api")

        validate(document)
        paths = document["paths"]
        self.assertEqual(
            (paths["/api/later/plain"]["get"]["operationId"], set(paths["/api/later/plain"])),
            ("plain", {"get"}),
        )
        for operation in (paths["/api/later/plain"]["get"], paths["/api/later/retried"]["post"]):
            self.assertEqual(set(operation["responses"]), {"200", "405", "413", "429", "500"})
            for response in operation["responses"].values():
                self.assertLessEqual(RATE_LIMIT_HEADERS, set(response["headers"]))
        self.assertEqual(paths["/api/later/plain"]["get"]["parameters"], [])
        self.assertEqual(
            [p["name"] for p in paths["/api/later/retried"]["post"]["parameters"]],
            ["Idempotency-Key"],
        )

    def test_a_query_field_s_first_example_is_its_parameter_s_example(self):
        class Search(Schema):
            email: str = Field(examples=["jane@example.com", "john@example.com"])

        router = Router()

        @router.get("/search", response={200: Ok[str]})
        def search(request, query: Query[Search]):
            return ok(query.email)

        document = document_of(router, "search-api")

        validate(document)  # a parameter's `examples` must be a map, not JSON Schema's list
        [parameter] = document["paths"]["/api/later/search"]["get"]["parameters"]
        self.assertEqual((parameter["name"], parameter["example"]), ("email", "jane@example.com"))
        self.assertNotIn("examples", parameter)
        self.assertEqual(parameter["schema"]["examples"], ["jane@example.com", "john@example.com"])

    def test_every_link_passes_a_part_of_the_answer_to_an_operation_s_parameters(self):
        document = self.document()
        by_id = {operation["operationId"]: operation for _, operation in operations(document)}
        links = 0
        for name, operation in operations(document):
            status = success(operation)
            answer = json_body(operation, status)["schema"]
            for link_name, link in operation["responses"][status].get("links", {}).items():
                links += 1
                with self.subTest(f"{name} -> {link_name}"):
                    # What it passes is in the answer: its data, or a field of that.
                    passed = [*link.get("parameters", {}).values()]
                    passed += link.get("requestBody", {}).values()
                    for expression in passed:
                        self.assertIsNotNone(schema_at(document, answer, expression), expression)
                    target = by_id[link["operationId"]]
                    for parameter in link.get("parameters", {}):
                        location, _, parameter_name = parameter.partition(".")
                        self.assertIn(
                            (location, parameter_name),
                            {(p["in"], p["name"]) for p in target["parameters"]},
                        )
                    body = (
                        resolved(document, json_body_schema(target))
                        if "requestBody" in link
                        else {}
                    )
                    for field in link.get("requestBody", {}):
                        self.assertIn(field, body["properties"])
        self.assertGreaterEqual(links, 7)


def json_body_schema(operation: dict[str, Any]) -> dict[str, Any]:
    return operation["requestBody"]["content"]["application/json"]["schema"]


def document_of(router: Router, namespace: str) -> dict[str, Any]:
    """The document of an API of the router alone, at /api/later/, as JSON reads it."""
    api = AgencyAccessAPI(urls_namespace=namespace)
    api.add_router("/later", router)
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))


def schema_at(document: dict[str, Any], schema: dict[str, Any], expression: str) -> Any:
    """The schema of what a link's `$response.body#/...` expression points to in an answer of
    this schema, or None when the answer has no such property."""
    for part in expression.removeprefix("$response.body#/").split("/"):
        schema = resolved(document, schema).get("properties", {}).get(part)
        if schema is None:
            return None
    return schema


class ExampleTests(DocumentTestCase):
    def test_every_operation_has_examples_that_the_document_accepts(self):
        document = self.document()
        for name, operation in operations(document):
            with self.subTest(name):
                answer = json_body(operation, success(operation))
                validator(document, answer["schema"]).validate(answer["example"])
                if "requestBody" in operation:
                    body = operation["requestBody"]["content"]["application/json"]
                    validator(document, body["schema"]).validate(body["example"])
                for parameter in operation["parameters"]:
                    if parameter["required"]:
                        validator(document, parameter["schema"]).validate(parameter["example"])
                for response in operation["responses"].values():
                    example = response["content"]["application/json"].get("example")
                    if example is not None:
                        schema = response["content"]["application/json"]["schema"]
                        validator(document, schema).validate(example)

    def test_the_api_answers_the_examples_as_documented(self):
        # The examples' placeholder ids, replaced by the cast's.
        ids = {
            "client-id": self.jane.public_id,
            "client-id-here": self.jane.public_id,
            "link-id": self.link.public_id,
            "link-id-here": self.link.public_id,
            "your-linked-account-id": self.google_a.public_id,
            "subscription-id": subscribe(
                self.alice_key_row, "client_created", "https://hooks.zapier.com/hooks/standard/1/2/"
            ).public_id,
        }
        form = IntakeForm.objects.create(agency=self.agency_a, enabled=True)  # the link asks it
        IntakeQuestion.objects.create(form=form, key="budget", type="short_text", labels={})
        document = self.document()
        for name, operation in operations(document):
            method, path = name.split(" ")
            with self.subTest(name):
                if "requestBody" in operation:
                    body = operation["requestBody"]["content"]["application/json"]["example"]
                    r = self.api_post(path, replaced(body, ids), self.alice_key)
                else:
                    query = {p["name"]: p["example"] for p in operation["parameters"]}
                    r = self.api_get(path, self.alice_key, **replaced(query, ids))
                status = success(operation)
                self.assertEqual((method, str(r.status_code)), (method, status), r.content)
                validator(document, json_body(operation, status)["schema"]).validate(r.json())


def replaced(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: replaced(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [replaced(item, ids) for item in value]
    return ids.get(value, value) if isinstance(value, str) else value


class ClientSchemaTests(DocumentTestCase):
    def schemas(self) -> dict[str, Any]:
        return self.document()["components"]["schemas"]

    def test_null_keeps_every_field_of_a_client_update(self):
        update = self.schemas()["ClientUpdateIn"]
        self.assertEqual(update["required"], ["id"])
        for field, schema in update["properties"].items():
            if field != "id":
                with self.subTest(field):
                    self.assertIn({"type": "null"}, schema["anyOf"])
                    self.assertIn(
                        "null, like leaving it out, keeps the current value", schema["description"]
                    )

    def test_null_is_accepted_where_a_field_may_be_left_out(self):
        for name, schema in self.schemas().items():
            if name.endswith("In"):
                for field, field_schema in schema["properties"].items():
                    with self.subTest(f"{name}.{field}"):
                        nullable = {"type": "null"} in field_schema.get("anyOf", ())
                        self.assertEqual(nullable, field not in schema.get("required", ()))

    def test_formats_and_enums(self):
        email: dict[str, Any] = {"format": "email"}
        languages: dict[str, Any] = {
            "enum": [
                "English",
                "Spanish",
                "Dutch",
                "German",
                "French",
                "Portuguese",
                "Italian",
                "Polish",
            ]
        }
        types: dict[str, Any] = {"enum": ["Client", "Prospect"]}
        cases = [
            ("ClientCreateIn.email", "ClientUpdateIn.email", "ClientOut.email", "CcIn.email"),
            ("ClientCreateIn.language", "ClientUpdateIn.language", "ClientOut.language"),
            ("ClientCreateIn.type", "ClientUpdateIn.type", "ClientOut.type"),
        ]
        schemas = self.schemas()
        for fields, expected in zip(cases, (email, languages, types), strict=True):
            for schema_field in fields:
                schema_name, field = schema_field.split(".")
                with self.subTest(schema_field):
                    schema = schemas[schema_name]["properties"][field]
                    # An optional field is anyOf: [its type, null].
                    self.assertLessEqual(expected.items(), schema.get("anyOf", [schema])[0].items())
