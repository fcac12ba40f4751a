from django.db import migrations


def set_unlogged(apps, schema_editor):
    """Rate-limit counters are rewritten on every API request and worthless after a crash: on
    PostgreSQL they skip the write-ahead log, so counting a request costs no disk flush."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE apikeys_ratelimitcounter SET UNLOGGED")


def set_logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE apikeys_ratelimitcounter SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("apikeys", "0001_initial")]

    operations = [migrations.RunPython(set_unlogged, set_logged)]
