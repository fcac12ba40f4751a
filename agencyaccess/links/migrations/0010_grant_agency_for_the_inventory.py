"""Each grant names its agency (copied from its link), indexed newest first: the access
inventory lists an agency's grants from that index instead of going through every link."""

import django.db.models.deletion
from django.db import migrations, models


def copy_agency_from_link(apps, schema_editor):
    Grant = apps.get_model("links", "Grant")
    Link = apps.get_model("links", "Link")
    Grant.objects.update(
        agency_id=models.Subquery(
            Link.objects.filter(pk=models.OuterRef("link_id")).values("agency_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_remove_membership_notify_flags"),
        ("links", "0009_link_template"),
    ]

    operations = [
        migrations.AddField(
            model_name="grant",
            name="agency",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.agency",
            ),
        ),
        migrations.RunPython(copy_agency_from_link, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="grant",
            name="agency",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.agency",
            ),
        ),
        migrations.AddIndex(
            model_name="grant",
            index=models.Index(fields=["agency", "-created", "-id"], name="grant_inventory"),
        ),
    ]
