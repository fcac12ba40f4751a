"""Tracing a worded grant message back to its msgid and values, and rendering it again."""

from django.test import SimpleTestCase
from django.utils import translation

from agencyaccess.links.grant_messages import render, trace
from agencyaccess.platforms.google.connectors import active, granted, invited


class TraceTests(SimpleTestCase):
    def test_a_spanish_message_with_a_value_reads_in_english_and_dutch(self):
        with translation.override("es"):
            worded = invited("ref", "viewer", "ops@agency.example").message
        msgid, params = trace(worded, "es")
        self.assertEqual(params, {"email": "ops@agency.example"})
        with translation.override("en"):
            self.assertTrue(render(msgid, params).startswith("Google sent the invitation to ops@"))
        with translation.override("nl"):
            dutch = render(msgid, params)
        self.assertNotEqual(dutch, worded)
        self.assertIn("ops@agency.example", dutch)

    def test_two_values_and_a_message_without_any(self):
        with translation.override("es"):
            done = granted("ref", "viewer", "ops@agency.example", "Jane's Bakery").message
            has = active("ref").message
        self.assertEqual(
            trace(done, "es")[1], {"email": "ops@agency.example", "asset": "Jane's Bakery"}
        )
        self.assertEqual(trace(has, "es"), ("The agency has this access.", {}))

    def test_english_text_traces_whatever_language_was_active(self):
        self.assertEqual(
            trace("The agency has this access.", "es")[0], "The agency has this access."
        )

    def test_a_platforms_own_sentence_stays_as_it_is(self):
        sentence = "(#200) Requires business_management permission"
        self.assertEqual(trace(sentence, "es"), (sentence, {}))
        with translation.override("nl"):
            self.assertEqual(render(*trace(sentence, "es")), sentence)

    def test_a_text_with_a_percent_sign_is_no_placeholder(self):
        self.assertEqual(render("100% done", {}), "100% done")
        self.assertEqual(trace("", "es"), ("", {}))
