"""Substring search over clients' name, e-mail and company that does not read every row.

`LIKE '%smith%'` cannot use a B-tree index, so at 100,000 clients a search read them all
(measured: 100-250 ms on either database). Each database gets its own trigram index instead:

- PostgreSQL: pg_trgm GIN indexes on UPPER(column), the expression Django's `icontains` uses, so
  the ORM's plain `icontains` filters are served by them (a bitmap OR of the three).
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+), kept in step with the client
  table by triggers; clients.search queries it with MATCH.

Django remakes a SQLite table (copy, drop, rename) for many later schema changes, which drops its
triggers: a migration that alters clients_client must run SQLITE_TRIGGERS again. The search tests
create, rename and delete clients through the dashboard, so a lost trigger fails them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

SEARCHED = ("name", "email", "company")

POSTGRES_INDEXES = [
    f"CREATE INDEX IF NOT EXISTS clients_client_{column}_trgm "
    f"ON clients_client USING gin (UPPER({column}) gin_trgm_ops)"
    for column in SEARCHED
]

SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE clients_client_search USING fts5("
    "name, email, company, content='clients_client', content_rowid='id', tokenize='trigram')"
)
_NEW = "new.id, new.name, new.email, new.company"
_OLD = "'delete', old.id, old.name, old.email, old.company"
SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS clients_client_search_insert AFTER INSERT ON clients_client BEGIN "
    f"INSERT INTO clients_client_search(rowid, name, email, company) VALUES ({_NEW}); END",
    "CREATE TRIGGER IF NOT EXISTS clients_client_search_delete AFTER DELETE ON clients_client BEGIN "
    "INSERT INTO clients_client_search(clients_client_search, rowid, name, email, company) "
    f"VALUES ({_OLD}); END",
    "CREATE TRIGGER IF NOT EXISTS clients_client_search_update "
    "AFTER UPDATE OF name, email, company ON clients_client BEGIN "
    "INSERT INTO clients_client_search(clients_client_search, rowid, name, email, company) "
    f"VALUES ({_OLD}); "
    f"INSERT INTO clients_client_search(rowid, name, email, company) VALUES ({_NEW}); END",
]
SQLITE_REBUILD = "INSERT INTO clients_client_search(clients_client_search) VALUES ('rebuild')"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_INDEXES
    elif vendor == "sqlite":
        statements = [SQLITE_TABLE, *SQLITE_TRIGGERS, SQLITE_REBUILD]
    else:
        return
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for column in SEARCHED:
            schema_editor.execute(f"DROP INDEX IF EXISTS clients_client_{column}_trgm")
    elif vendor == "sqlite":
        for trigger in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS clients_client_search_{trigger}")
        schema_editor.execute("DROP TABLE IF EXISTS clients_client_search")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_list_indexes"),
    ]

    operations = [
        TrigramExtension(),  # PostgreSQL only; a no-op elsewhere
        migrations.RunPython(create, drop),
    ]
