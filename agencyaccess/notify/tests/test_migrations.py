"""The on/off e-mail flags an owner set for each member carry over as that teammate's own
choices (notify 0004), and back again."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("accounts", "0003_dashboard_accounts"), ("notify", "0003_events_outbox_and_webhooks")]
AFTER = [("accounts", "0004_remove_membership_notify_flags")]


class CarryOverTests(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return MigrationExecutor(connection).loader.project_state(targets).apps

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_flags_that_differ_from_their_default_become_own_choices(self):
        apps = self.migrate(BEFORE)
        agency = apps.get_model("accounts", "Agency").objects.create(name="Alice & Co")
        User = apps.get_model("accounts", "User")
        Membership = apps.get_model("accounts", "Membership")
        defaults = Membership.objects.create(
            agency=agency, user=User.objects.create(email="alice@example.org"), role="owner"
        )
        changed = Membership.objects.create(
            agency=agency,
            user=User.objects.create(email="bob@example.org"),
            notify_service_granted=True,
            notify_intake_completed=False,
        )

        apps = self.migrate(AFTER)
        settings = apps.get_model("notify", "NotificationSetting").objects
        self.assertFalse(settings.filter(membership_id=defaults.pk).exists())
        self.assertEqual(
            set(settings.values_list("agency_id", "membership_id", "kind", "frequency")),
            {
                (agency.pk, changed.pk, "service_granted", "immediately"),
                (agency.pk, changed.pk, "intake_completed", "off"),
            },
        )

        # Back: each flag is on where the choice, else the agency's default, is not off.
        settings.create(agency_id=agency.pk, kind="link_completed", frequency="off")
        settings.filter(kind="service_granted").update(frequency="digest")
        apps = self.migrate(BEFORE)
        flags = apps.get_model("accounts", "Membership").objects.values_list(
            "pk", "notify_service_granted", "notify_intake_completed", "notify_link_completed"
        )
        self.assertEqual(
            set(flags), {(defaults.pk, False, True, False), (changed.pk, True, False, False)}
        )
