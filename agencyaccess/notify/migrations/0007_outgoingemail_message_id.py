# Each e-mail gets its Message-ID when it is queued, and every attempt sends it. The e-mails still
# to be sent get one of their own; those already sent went out with ids that were not kept.

from django.db import migrations, models

import agencyaccess.notify.models


def give_unsent_emails_their_own(apps, schema_editor):
    OutgoingEmail = apps.get_model("notify", "OutgoingEmail")
    OutgoingEmail.objects.exclude(status__in=["queued", "sending"]).update(message_id="")
    for email in OutgoingEmail.objects.filter(status__in=["queued", "sending"]).only("pk"):
        email.message_id = agencyaccess.notify.models.new_message_id()
        email.save(update_fields=["message_id"])


class Migration(migrations.Migration):
    dependencies = [("notify", "0006_event_body_sealed")]

    operations = [
        migrations.AddField(
            model_name="outgoingemail",
            name="message_id",
            field=models.CharField(
                default=agencyaccess.notify.models.new_message_id, editable=False, max_length=255
            ),
        ),
        migrations.RunPython(give_unsent_emails_their_own, migrations.RunPython.noop),
    ]
