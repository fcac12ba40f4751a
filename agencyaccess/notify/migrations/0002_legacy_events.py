# The events recorded before webhooks existed move aside (0003 copies them into the new outbox
# table and drops this one). Their foreign keys' indexes go first: they keep the names of the
# old table, which the new one's indexes take.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notify', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex('event', 'notify_even_agency__ff182f_idx'),
        migrations.AlterField(
            'event',
            'agency',
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name='+',
                to='accounts.agency',
            ),
        ),
        migrations.AlterField(
            'event',
            'link',
            models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name='+',
                to='links.link',
            ),
        ),
        migrations.RenameModel('Event', 'LegacyEvent'),
    ]
