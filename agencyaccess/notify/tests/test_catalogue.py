"""The public event catalogue page: every type, when it fires, the JSON Schema of its data and
an example body that the schema accepts."""

import html
import json
import re
from typing import Any

import jsonschema_rs
from django.test import TestCase

from agencyaccess.notify.events import API_VERSION, CATALOGUE
from agencyaccess.notify.models import EventType

PAGE = "/docs/events/"


class EventCataloguePageTests(TestCase):
    def blocks(self, content: str, kind: str) -> dict[str, Any]:
        """The JSON in the page's <pre class="kind"> blocks, by the section's event type."""
        found = re.findall(
            rf'<section id="([a-z.]+)".*?<pre class="{kind}"><code>(.*?)</code></pre>',
            content,
            re.DOTALL,
        )
        return {event_type: json.loads(html.unescape(text)) for event_type, text in found}

    def test_anyone_can_read_it(self):
        r = self.client.get(PAGE)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<h1>Events</h1>")
        self.assertContains(r, 'href="/api/docs"')

    def test_the_api_reference_links_to_it(self):
        description = self.client.get("/api/openapi.json").json()["info"]["description"]
        self.assertIn(f"]({PAGE})", description)

    def test_every_type_is_in_the_catalogue(self):
        self.assertEqual(set(CATALOGUE), set(EventType.values))

    def test_every_type_has_when_it_fires_a_schema_and_an_example_the_schema_accepts(self):
        content = self.client.get(PAGE).content.decode()
        schemas = self.blocks(content, "schema")
        examples = self.blocks(content, "example")
        self.assertEqual(list(schemas), list(CATALOGUE))
        self.assertEqual(list(examples), list(CATALOGUE))
        for event_type, spec in CATALOGUE.items():
            with self.subTest(event_type):
                when = f"<p>{html.escape(spec.when)}</p>"
                when = re.sub(r"`([^`]*)`", r"<code>\1</code>", when)
                self.assertIn(when, content)
                example = examples[event_type]
                self.assertEqual(example["type"], event_type)
                self.assertEqual(example["api_version"], API_VERSION)
                self.assertEqual(
                    set(example), {"id", "type", "timestamp", "api_version", "agency", "data"}
                )
                validator = jsonschema_rs.validator_for(schemas[event_type])
                validator.validate(example["data"])

    def test_the_schemas_refuse_a_body_of_another_shape(self):
        schema = CATALOGUE[EventType.SERVICE_GRANTED].json_schema()
        example = dict(CATALOGUE[EventType.SERVICE_GRANTED].example)
        self.assertTrue(jsonschema_rs.is_valid(schema, example))
        del example["link_id"]
        self.assertFalse(jsonschema_rs.is_valid(schema, example))
