"""The audit log, and the database's own refusal to change it (docs/audit.md).

PostgreSQL: a trigger refuses every UPDATE, and every DELETE except of the entries of an agency
being deleted (audit/signals.py names it for that transaction). SQLite: a trigger refuses
every UPDATE; deletions are left to the model's refusal (SQLite has no per-transaction setting
to let an agency's deletion through)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

POSTGRES_CREATE = [
    """
    CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND OLD.agency_id::text =
                coalesce(current_setting('agencyaccess.erasing_agency', true), '') THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'audit entries are append-only: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
]
SQLITE_CREATE = [
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE ON audit_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE refused)'); END"
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_entry_append_only"]


def create_trigger(apps, schema_editor):
    statements = {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_trigger(apps, schema_editor):
    statements = {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0004_remove_membership_notify_flags'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('occurred', models.DateTimeField(default=django.utils.timezone.now)),
                ('action', models.CharField(max_length=50)),
                ('actor_kind', models.CharField(choices=[('teammate', 'Teammate'), ('api_key', 'API key'), ('client', 'Client'), ('worker', 'Worker'), ('command_line', 'Command line')], max_length=20)),
                ('actor_id', models.CharField(blank=True, max_length=64)),
                ('actor_name', models.CharField(blank=True, max_length=300)),
                ('target_type', models.CharField(blank=True, max_length=30)),
                ('target_id', models.CharField(blank=True, max_length=64)),
                ('target_name', models.CharField(blank=True, max_length=300)),
                ('address', models.GenericIPAddressField(blank=True, null=True)),
                ('details', models.JSONField(blank=True, default=dict)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.agency')),
            ],
            options={
                'verbose_name_plural': 'audit entries',
                'indexes': [models.Index(fields=['agency', '-occurred', '-id'], name='audit_by_time'), models.Index(fields=['agency', 'action', '-occurred', '-id'], name='audit_by_action'), models.Index(fields=['agency', 'actor_kind', 'actor_name', '-occurred', '-id'], name='audit_by_actor')],
            },
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
