"""The audit log itself: what an entry keeps, and that nothing changes or deletes one (the
model, and the database's trigger)."""

import unittest

from django.db import (
    IntegrityError,
    InternalError,
    OperationalError,
    ProgrammingError,
    connection,
    transaction,
)

from agencyaccess.accounts.models import Agency
from agencyaccess.audit import log as audit
from agencyaccess.audit.models import ActorKind, AppendOnly, AuditEntry
from agencyaccess.links.models import Grant
from agencyaccess.platforms.base import GrantState
from agencyaccess.test import BaseTestCase

DATABASE_REFUSALS = (IntegrityError, InternalError, OperationalError, ProgrammingError)


class RecordTests(BaseTestCase):
    def test_an_entry_copies_who_did_what_to_what_from_where(self):
        entry = audit.record(
            audit.Action.API_KEY_ROLLED,
            agency=self.agency_a,
            actor=self.alice,
            target=self.alice_key_row,
            address="203.0.113.9",
            details={"capabilities": ["links:create"]},
        )
        entry.refresh_from_db()
        self.assertEqual(
            (entry.agency, entry.action, entry.actor_kind, entry.actor_id, entry.actor_name),
            (self.agency_a, "api_key.rolled", "teammate", str(self.alice.pk), "alice@example.org"),
        )
        self.assertEqual(
            (entry.target_type, entry.target_id, entry.target_name),
            ("api_key", str(self.alice_key_row.pk), "Alice's key"),
        )
        self.assertEqual(entry.address, "203.0.113.9")
        self.assertEqual(entry.details, {"capabilities": ["links:create"]})

    def test_each_kind_of_actor(self):
        cases = [
            (self.alice, ActorKind.TEAMMATE, "alice@example.org"),
            (self.alice_key_row, ActorKind.API_KEY, "Alice's key"),
            (self.jane, ActorKind.CLIENT, "Jane Doe"),
            (audit.WORKER, ActorKind.WORKER, "worker"),
            (audit.COMMAND_LINE, ActorKind.COMMAND_LINE, "command line"),
        ]
        for actor, kind, name in cases:
            with self.subTest(kind=kind):
                entry = audit.record(
                    audit.Action.SETTINGS_CHANGED, agency=self.agency_a.pk, actor=actor
                )
                self.assertEqual((entry.actor_kind, entry.actor_name), (kind, name))

    def test_what_is_not_an_actor_or_an_action_is_refused(self):
        with self.assertRaises(TypeError):
            audit.record(audit.Action.SETTINGS_CHANGED, agency=self.agency_a, actor=self.link)
        with self.assertRaises(ValueError):
            audit.record("made.up", agency=self.agency_a, actor=self.alice)  # type: ignore[arg-type]
        self.assertFalse(AuditEntry.objects.exists())

    def test_an_address_that_is_not_an_ip_is_left_out(self):
        for address in ("", None, "/run/gunicorn.sock", "not an address"):
            with self.subTest(address=address):
                entry = audit.record(
                    audit.Action.SETTINGS_CHANGED,
                    agency=self.agency_a,
                    actor=self.alice,
                    address=address,
                )
                self.assertIsNone(entry.address)

    def test_the_target_keeps_its_name_after_it_is_deleted(self):
        grant = Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/111",
            asset_name="Bakery Ads",
            access_level="STANDARD",
            state=GrantState.ACTIVE,
        )
        entry = audit.record(
            audit.Action.GRANT_GRANTED, agency=self.agency_a, actor=self.jane, target=grant
        )
        grant.delete()
        self.jane.delete()
        entry.refresh_from_db()
        self.assertEqual(entry.target_name, "Google.Google Ads: Bakery Ads")
        self.assertEqual(entry.actor_name, "Jane Doe")


class AppendOnlyTests(BaseTestCase):
    def setUp(self):
        self.entry = audit.record(
            audit.Action.SETTINGS_CHANGED, agency=self.agency_a, actor=self.alice
        )

    def test_the_model_refuses_to_change_or_delete_an_entry(self):
        self.entry.action = "api_key.created"
        with self.assertRaises(AppendOnly):
            self.entry.save()
        with self.assertRaises(AppendOnly):
            self.entry.delete()
        with self.assertRaises(AppendOnly):
            AuditEntry.objects.filter(pk=self.entry.pk).update(action="api_key.created")
        with self.assertRaises(AppendOnly):
            AuditEntry.objects.all().delete()
        self.assertEqual(AuditEntry.objects.get().action, "settings.changed")

    def test_the_database_refuses_an_update_past_the_model(self):
        with (
            self.assertRaises(DATABASE_REFUSALS),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("UPDATE audit_auditentry SET action = 'api_key.created'")
        self.assertEqual(AuditEntry.objects.get().action, "settings.changed")

    @unittest.skipUnless(connection.vendor == "postgresql", "SQLite's trigger refuses updates only")
    def test_postgresql_refuses_a_delete_past_the_model(self):
        with (
            self.assertRaises(DATABASE_REFUSALS),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("DELETE FROM audit_auditentry")
        self.assertEqual(AuditEntry.objects.count(), 1)

    def test_deleting_an_agency_takes_its_log_and_only_its_log(self):
        charlies = audit.record(
            audit.Action.SETTINGS_CHANGED, agency=self.agency_b, actor=self.charlie
        )
        doomed = Agency.objects.create(name="Gone Ltd")
        audit.record(audit.Action.SETTINGS_CHANGED, agency=doomed, actor=audit.COMMAND_LINE)
        doomed.delete()
        self.assertEqual(
            set(AuditEntry.objects.values_list("pk", flat=True)), {self.entry.pk, charlies.pk}
        )
        # The permission to delete lasted for that deletion's transaction only.
        if connection.vendor == "postgresql":
            with (
                self.assertRaises(DATABASE_REFUSALS),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute("DELETE FROM audit_auditentry")
