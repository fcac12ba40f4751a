"""Grant messages were stored as worded for the client, in the client's language; they are now
kept as the code wrote them (the msgid) with their values, and rendered for each reader. Each
existing message is traced back through the client's language's catalogue; one no catalogue
knows (a platform's own sentence) stays as it was."""

from django.db import migrations, models

BATCH = 500


def trace_messages(apps, schema_editor):
    from agencyaccess.links.grant_messages import trace

    Grant = apps.get_model("links", "Grant")
    grants = (
        Grant.objects.exclude(message_id="")
        .select_related("link__client")
        .only("id", "message_id", "message_params", "link__client__language")
    )
    changed = []
    for grant in grants.iterator(chunk_size=BATCH):
        msgid, params = trace(grant.message_id, grant.link.client.language)
        if (msgid, params) != (grant.message_id, {}):
            grant.message_id, grant.message_params = msgid, params
            changed.append(grant)
        if len(changed) >= BATCH:
            Grant.objects.bulk_update(changed, ["message_id", "message_params"])
            changed = []
    Grant.objects.bulk_update(changed, ["message_id", "message_params"])


class Migration(migrations.Migration):
    dependencies = [
        ("links", "0007_grant_drift_and_access_until"),
    ]

    operations = [
        migrations.RenameField(model_name="grant", old_name="message", new_name="message_id"),
        migrations.AddField(
            model_name="grant",
            name="message_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(trace_messages, migrations.RunPython.noop, elidable=True),
    ]
