"""`agencyaccess backup` and `agencyaccess restore`.

The round trips run the command as a user does, in processes of their own, on a database of
their own (a SQLite file in a temporary data directory; on PostgreSQL, a scratch database next
to the test database): data is made, backed up, wiped, restored, and is back; an API key still
works, since the secret key that keys its digest came back too. The refusals run here, on the
test database.
"""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from unittest import SkipTest, mock
from urllib.parse import quote

from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase

from agencyaccess.accounts.models import Agency
from agencyaccess.backups import DATABASE_FILES
from agencyaccess.test import BaseTestCase, run_command

AGENCYACCESS = Path(sys.executable).with_name("agencyaccess")
# What the install holds: its agencies, and its answer to an API key (a known key gets past
# authentication to "no such client", a 404; an unknown one is a 401).
STATE = """\
from django.test import Client
from agencyaccess.accounts.models import Agency
answer = Client().get("/api/clients/retrieve", {"id": "x"}, headers={"X-Auth": "%s"})
print(sorted(Agency.objects.values_list("name", flat=True)), answer.status_code)
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class RoundTrip(SimpleTestCase):
    """Backup, wipe, restore and check, through the command in a process of its own. The
    database's own parts (its environment, how to wipe it) are the subclass's."""

    __test__ = False  # run through the subclasses

    def setUp(self) -> None:
        if not AGENCYACCESS.exists():
            raise SkipTest(f"{AGENCYACCESS} is not installed")
        # Memory-backed where there is one: migrating a SQLite file there is three times faster.
        shm = Path("/dev/shm")  # noqa: S108 (a TemporaryDirectory of our own is made inside)
        directory = tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None)
        self.addCleanup(directory.cleanup)
        self.home = Path(directory.name)
        self.data = self.home / "var"

    def database_environment(self) -> dict[str, str]:
        raise NotImplementedError

    def wipe_database(self) -> None:
        raise NotImplementedError

    def cli(self, *argv: str, ok: bool = True) -> subprocess.CompletedProcess:
        unset = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ENCRYPTION_KEYS")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env |= {"AGENCYACCESS_DATA_DIR": str(self.data)} | self.database_environment()
        result = subprocess.run(
            [str(AGENCYACCESS), *argv],
            cwd=self.home,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if ok:
            self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def test_data_backed_up_wiped_and_restored_is_back(self):
        self.cli("migrate", "--noinput", "-v0")
        self.cli("create_agency", "--name", "Dana Digital", "--email", "dana@example.org")
        key = self.cli(
            "create_api_key",
            "--agency",
            "dana@example.org",
            "--name",
            "CRM",
            "--capabilities",
            "all",
        ).stdout.strip()
        logo = self.data / "media" / "logos" / "x" / "logo.png"
        logo.parent.mkdir(parents=True)
        logo.write_bytes(b"a logo")
        secret_key = (self.data / "secret_key").read_text()

        archive = Path(self.cli("backup", "--output", "dana.tar.gz").stdout.removesuffix("\n"))

        self.assertEqual(archive, self.home / "dana.tar.gz")
        self.assertEqual(mode(archive), 0o600)
        # Over data, only when told.
        refused = self.cli("restore", str(archive), ok=False)
        self.assertEqual(
            refused.stderr,
            "CommandError: The database is not empty: the restore replaces everything in it. "
            "Run again with --yes to go ahead.\n",
        )

        # A new install: a new data directory, an empty database, migrated as `serve` does.
        self.wipe_database()
        shutil.rmtree(self.data)
        self.cli("migrate", "--noinput", "-v0")
        self.assertEqual(self.cli("shell", "-v0", "-c", STATE % key).stdout, "[] 401\n")
        restored = self.cli("restore", str(archive))

        self.assertEqual((restored.stdout, restored.stderr), ("", ""))
        self.assertEqual(
            self.cli("shell", "-v0", "-c", STATE % key).stdout, "['Dana Digital'] 404\n"
        )
        self.assertEqual((self.data / "secret_key").read_text(), secret_key)
        self.assertEqual(mode(self.data / "secret_key"), 0o600)
        self.assertEqual(logo.read_bytes(), b"a logo")
        # Again, over the restored data, when told.
        self.cli("restore", str(archive), "--yes")
        self.assertEqual(
            self.cli("shell", "-v0", "-c", STATE % key).stdout, "['Dana Digital'] 404\n"
        )


class SqliteRoundTripTests(RoundTrip):
    __test__ = True

    def setUp(self) -> None:
        if connection.vendor != "sqlite":
            raise SkipTest("the suite's run on SQLite covers it")
        super().setUp()

    def database_environment(self) -> dict[str, str]:
        return {}  # SQLite in the data directory

    def wipe_database(self) -> None:
        pass  # the file goes with the data directory

    def test_a_database_in_use_is_not_replaced(self):
        archive = self.cli("backup", "--output", "empty.tar.gz").stdout.strip()
        # A server's connection, in WAL mode as the app opens it.
        server = sqlite3.connect(self.data / "db.sqlite3")
        self.addCleanup(server.close)
        server.execute("PRAGMA journal_mode=WAL")
        server.execute("CREATE TABLE t (x)")

        refused = self.cli("restore", archive, ok=False)

        self.assertIn("is in use: stop the server and the worker", refused.stderr)


class PostgresqlRoundTripTests(RoundTrip):
    """On a scratch database next to the test database, on the same server."""

    __test__ = True

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            raise SkipTest("DATABASE_URL does not point to PostgreSQL")
        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            raise SkipTest("pg_dump and pg_restore are not on PATH (postgresql-client)")
        super().setUp()
        self.scratch = f"{connection.settings_dict['NAME']}_backup"
        self.create_scratch()
        self.addCleanup(self.admin, f'DROP DATABASE IF EXISTS "{self.scratch}"')

    def admin(self, sql: str) -> None:
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            password=settings["PASSWORD"],
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute(sql)  # type: ignore[arg-type]

    def create_scratch(self) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{self.scratch}"')
        self.admin(f'CREATE DATABASE "{self.scratch}"')

    def database_environment(self) -> dict[str, str]:
        s = connection.settings_dict
        credentials = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
        url = f"postgres://{credentials}@{s['HOST']}:{s['PORT'] or 5432}/{self.scratch}"
        return {"DATABASE_URL": url}

    def wipe_database(self) -> None:
        self.create_scratch()


class RefusalTests(BaseTestCase):
    """What restore refuses, before it changes anything."""

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.home = Path(directory.name)

    def archive(self, **manifest_changes) -> Path:
        """An archive as backup writes it, of this test database's vendor, changed."""
        manifest = {
            "format": 1,
            "agencyaccess": "0.1.0",
            "database": connection.vendor,
            "created": "2026-01-01T00:00:00+00:00",
            "migrations": ["accounts.0001_initial"],
            "secret_key": False,
        } | manifest_changes
        path = self.home / "backup.tar.gz"
        (self.home / "manifest.json").write_text(json.dumps(manifest))
        (self.home / "database").write_bytes(b"")
        with tarfile.open(path, "w:gz") as tar:
            tar.add(self.home / "manifest.json", "manifest.json")
            tar.add(self.home / "database", DATABASE_FILES[connection.vendor])
        return path

    def assertRefused(self, archive: Path, message: str, *argv: str) -> None:
        result = run_command("restore", str(archive), *argv)
        self.assertEqual((result.code, result.stdout), (1, ""))
        self.assertEqual(result.stderr, f"CommandError: {message}\n")
        self.assertTrue(Agency.objects.filter(name="Alice & Co").exists())

    def test_a_database_with_data_is_replaced_only_when_told(self):
        self.assertRefused(
            self.archive(),
            "The database is not empty: the restore replaces everything in it. "
            "Run again with --yes to go ahead.",
        )

    def test_an_archive_of_another_database_vendor_is_refused(self):
        other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        archive = self.archive(database=other)
        self.assertRefused(
            archive,
            f"{archive} holds a {names[other]} database and this install uses "
            f"{names[connection.vendor]}: restore it where DATABASE_URL points to "
            f"{names[other]}.",
            "--yes",
        )

    def test_an_archive_of_a_newer_version_is_refused(self):
        archive = self.archive(agencyaccess="9.0", migrations=["links.9999_from_the_future"])
        self.assertRefused(
            archive,
            f"{archive} comes from a newer AgencyAccess (9.0; migration "
            f"links.9999_from_the_future is unknown here): restore it with that version.",
            "--yes",
        )

    def test_a_file_that_is_no_backup_is_refused(self):
        for content in (b"not an archive", b""):
            with self.subTest(content=content):
                path = self.home / "notes.tar.gz"
                path.write_bytes(content)
                self.assertRefused(
                    path, f"{path} is not a backup made by `agencyaccess backup`.", "--yes"
                )
        missing = self.home / "missing.tar.gz"
        self.assertRefused(
            missing, f"{missing} is not a backup made by `agencyaccess backup`.", "--yes"
        )


class BackupTests(TransactionTestCase):
    """Committed data, as the command sees it in production (pg_dump reads from a session of
    its own; SQLite's backup waits for the test's transaction to end)."""

    def test_the_archive_holds_the_database_the_manifest_and_the_uploads_and_only_its_path_is_printed(
        self,
    ):
        if connection.vendor == "postgresql" and shutil.which("pg_dump") is None:
            self.skipTest("pg_dump is not on PATH (postgresql-client)")
        Agency.objects.create(name="Dana Digital")
        with tempfile.TemporaryDirectory() as directory:
            output = Path(directory) / "b.tar.gz"
            media = Path(directory) / "media"
            (media / "logos").mkdir(parents=True)
            (media / "logos" / "a.png").write_bytes(b"png")
            with self.settings(MEDIA_ROOT=media):
                result = run_command("backup", "--output", str(output))

            self.assertEqual((result.code, result.stderr), (0, ""))
            self.assertEqual(result.stdout, f"{output}\n")
            self.assertEqual(mode(output), 0o600)
            with tarfile.open(output) as tar:
                names = set(tar.getnames())
                manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
                if connection.vendor == "sqlite":
                    tar.extract("database.sqlite3", directory, filter="data")
                    copy = sqlite3.connect(Path(directory) / "database.sqlite3")
                    agencies = copy.execute("SELECT name FROM accounts_agency").fetchall()
                    copy.close()
                    self.assertEqual(agencies, [("Dana Digital",)])
                    os.remove(Path(directory) / "database.sqlite3")
            self.assertLessEqual(
                {"manifest.json", DATABASE_FILES[connection.vendor], "media/logos/a.png"}, names
            )
            self.assertEqual(manifest["database"], connection.vendor)
            self.assertIn("accounts.0001_initial", manifest["migrations"])
            self.assertEqual(sorted(os.listdir(directory)), ["b.tar.gz", "media"])


class PgDumpMissingTests(BaseTestCase):
    def test_without_pg_dump_the_error_says_what_to_install(self):
        if connection.vendor != "postgresql":
            self.skipTest("pg_dump is PostgreSQL's")
        with mock.patch("agencyaccess.backups.shutil.which", return_value=None):
            result = run_command("backup", "--output", "/tmp/never.tar.gz")  # noqa: S108
        self.assertEqual(result.code, 1)
        self.assertIn("pg_dump was not found on PATH", result.stderr)
        self.assertIn("postgresql-client", result.stderr)
        self.assertFalse(Path("/tmp/never.tar.gz").exists())  # noqa: S108
