"""The owners' audit page and its CSV: who may see it, its filters, its cost, another agency's
entries."""

import csv
import io
from datetime import UTC, datetime

from agencyaccess.audit import log as audit
from agencyaccess.audit.models import AuditEntry
from agencyaccess.test import BaseTestCase

PAGE = "/audit/"
CSV = "/audit/export.csv"


class AuditPageTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def add(self, action, actor, occurred=None, **fields):
        if occurred is None:
            return audit.record(action, agency=self.agency_a, actor=actor, **fields)
        who = audit.actor_of(actor)  # an entry of the past, written as record() writes one
        return AuditEntry.objects.create(
            agency=self.agency_a,
            action=action,
            actor_kind=who.kind,
            actor_id=who.id,
            actor_name=who.name,
            occurred=occurred,
        )

    def actions(self, response) -> list[str]:
        return [row.entry.action for row in response.context["rows"]]

    def csv_rows(self, response) -> list[list[str]]:
        self.assertEqual(response.status_code, 200)
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


class AccessTests(AuditPageTestCase):
    def test_owners_only(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(PAGE).status_code, 403)
        self.assertEqual(self.client.get(CSV).status_code, 403)
        self.assertNotContains(self.client.get("/clients/"), 'href="/audit/"')
        self.client.force_login(self.alice)
        self.assertContains(self.client.get("/clients/"), 'href="/audit/"')
        self.client.logout()
        self.assertEqual(self.client.get(PAGE).status_code, 302)

    def test_another_agencys_entries_are_never_shown_nor_exported(self):
        audit.record(
            audit.Action.API_KEY_CREATED,
            agency=self.agency_b,
            actor=self.charlie,
            target=self.charlie_key_row,
        )
        self.add(audit.Action.SETTINGS_CHANGED, self.alice)
        r = self.client.get(PAGE)
        self.assertEqual(self.actions(r), ["settings.changed"])
        self.assertNotContains(r, "charlie@example.org")
        self.assertNotIn("charlie", str(self.csv_rows(self.client.get(CSV))))
        self.assertEqual(self.actions(self.client.get(PAGE, {"actor": "charlie"})), [])


class ListTests(AuditPageTestCase):
    def test_newest_first_with_who_what_and_where(self):
        self.add(
            audit.Action.API_KEY_CREATED,
            self.alice,
            target=self.alice_key_row,
            address="203.0.113.4",
        )
        self.add(audit.Action.GRANT_GRANTED, self.jane, target=self.link)
        r = self.client.get(PAGE)
        self.assertEqual(self.actions(r), ["grant.granted", "api_key.created"])
        self.assertContains(r, "API key created")
        self.assertContains(r, "203.0.113.4")
        self.assertContains(r, "Jane Doe")

    def test_filters(self):
        self.add(
            audit.Action.API_KEY_CREATED, self.alice, occurred=datetime(2026, 3, 1, 12, tzinfo=UTC)
        )
        self.add(
            audit.Action.API_KEY_REVOKED,
            self.bob,
            occurred=datetime(2026, 3, 2, 23, 59, tzinfo=UTC),
        )
        self.add(
            audit.Action.GRANT_GRANTED, self.jane, occurred=datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
        )
        self.add(
            audit.Action.GRANT_VERIFIED, audit.WORKER, occurred=datetime(2026, 3, 4, tzinfo=UTC)
        )
        cases = {
            "action": ({"action": "api_key.created"}, ["api_key.created"]),
            "kind": ({"by": "client"}, ["grant.granted"]),
            "worker": ({"by": "worker"}, ["grant.verified"]),
            "who": ({"actor": "BOB@"}, ["api_key.revoked"]),
            "since": ({"since": "2026-03-03"}, ["grant.verified", "grant.granted"]),
            "until, the whole day": (
                {"until": "2026-03-02"},
                ["api_key.revoked", "api_key.created"],
            ),
            "one day": ({"since": "2026-03-02", "until": "2026-03-02"}, ["api_key.revoked"]),
            "together": ({"by": "teammate", "since": "2026-03-02"}, ["api_key.revoked"]),
        }
        for name, (params, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(self.actions(self.client.get(PAGE, params)), expected)
                self.assertEqual(
                    [row[1] for row in self.csv_rows(self.client.get(CSV, params))[1:]], expected
                )

    def test_bad_filters_are_refused_with_the_reason(self):
        cases = {
            "not a date": ({"since": "yesterday"}, "Enter a valid date."),
            "backwards": ({"since": "2026-03-02", "until": "2026-03-01"}, "comes before its start"),
            "unknown action": ({"action": "made.up"}, "Select a valid choice."),
            "unknown kind": ({"by": "robot"}, "Select a valid choice."),
        }
        for name, (params, message) in cases.items():
            with self.subTest(name):
                r = self.client.get(PAGE, params)
                self.assertContains(r, message, status_code=400)
                self.assertEqual(self.client.get(CSV, params).status_code, 400)
        r = self.client.get(PAGE, {"actor": "a\x00b"})
        self.assertContains(r, "Null characters are not allowed.", status_code=400)

    def test_queries_do_not_grow_with_the_entries(self):
        self.add(audit.Action.SETTINGS_CHANGED, self.alice)

        def more():
            for n in range(60):
                self.add(audit.Action.GRANT_GRANTED, self.jane, target=self.link, details={"n": n})

        r = self.assertQueriesDoNotGrow(PAGE, more)
        self.assertEqual(len(r.context["rows"]), 50)
        self.assertContains(r, "Next")


class CsvTests(AuditPageTestCase):
    def test_every_entry_with_formulas_made_harmless(self):
        self.jane.name = '=HYPERLINK("http://evil.example","x")'
        self.add(
            audit.Action.GRANT_GRANTED,
            self.jane,
            target=self.link,
            address="198.51.100.2",
            details={"state": "active"},
        )
        r = self.client.get(CSV)
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", r["Content-Disposition"])
        header, row = self.csv_rows(r)
        self.assertEqual(header[:3], ["When (UTC)", "Action", "Done by"])
        self.assertEqual(
            row[1:5],
            [
                "grant.granted",
                "Client",
                self.jane.public_id,
                '\'=HYPERLINK("http://evil.example","x")',
            ],
        )
        self.assertEqual(row[8:], ["198.51.100.2", '{"state": "active"}'])

    def test_the_export_streams_every_entry_from_one_query(self):
        for _ in range(31):
            self.add(audit.Action.SETTINGS_CHANGED, self.alice)
        response = self.client.get(CSV)
        with self.assertNumQueries(1):
            self.assertEqual(len(self.csv_rows(response)), 32)
