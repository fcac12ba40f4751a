# Keys are now recorded in the create's own transaction, so a record without an answer is never
# committed. The ones already there were left by requests that died: each would answer 409 "still
# being processed" for a day. They go, and a retry with the key creates.

from django.db import migrations


def forget_unanswered(apps, schema_editor):
    apps.get_model("apikeys", "IdempotentRequest").objects.filter(response__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("apikeys", "0002_unlogged_rate_limit_counters")]

    operations = [migrations.RunPython(forget_unanswered, migrations.RunPython.noop)]
