"""The data directory: ./var of the directory the command runs in (or AGENCYACCESS_DATA_DIR),
however the package was installed, and what it holds readable by its owner only.

Each test runs the `agencyaccess` command in a directory of its own, on SQLite.
"""

import os
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import SkipTest

from django.test import SimpleTestCase

AGENCYACCESS = Path(sys.executable).with_name("agencyaccess")
PRINT_DATA_DIR = "from django.conf import settings; print(settings.DATA_DIR)"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class DataDirectoryTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        if not AGENCYACCESS.exists():
            raise SkipTest(f"{AGENCYACCESS} is not installed")

    def setUp(self) -> None:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.cwd = Path(directory.name).resolve()

    def run_here(self, *argv: str, **env: str) -> str:
        """`agencyaccess <argv>` run in self.cwd, with no settings in the environment but `env`,
        and the umask most systems start with (022: files readable by all unless made not)."""
        unset = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "AGENCYACCESS_DATA_DIR")
        environment = {k: v for k, v in os.environ.items() if k not in unset} | env
        result = subprocess.run(
            [str(AGENCYACCESS), *argv],
            cwd=self.cwd,
            env=environment,
            umask=0o022,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_it_is_var_in_the_directory_the_command_runs_in(self):
        self.assertEqual(
            self.run_here("shell", "-v0", "-c", PRINT_DATA_DIR), f"{self.cwd / 'var'}\n"
        )

    def test_the_environment_can_name_another(self):
        elsewhere = self.cwd / "elsewhere"
        printed = self.run_here(
            "shell", "-v0", "-c", PRINT_DATA_DIR, AGENCYACCESS_DATA_DIR=str(elsewhere)
        )
        self.assertEqual(printed, f"{elsewhere}\n")
        self.assertFalse((self.cwd / "var").exists())

    def test_the_directory_the_secret_key_and_the_database_are_the_owners_only(self):
        self.run_here("migrate", "--noinput", "-v0")

        data = self.cwd / "var"
        self.assertEqual(mode(data), 0o700)
        self.assertEqual(mode(data / "secret_key"), 0o600)
        database = data / "db.sqlite3"
        self.assertEqual(mode(database), 0o600)
        # SQLite's write-ahead log and shared-memory files, made while a connection writes.
        connection = sqlite3.connect(database)
        self.addCleanup(connection.close)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (x)")
        connection.commit()
        for suffix in ("-wal", "-shm"):
            self.assertEqual(mode(data / f"db.sqlite3{suffix}"), 0o600, suffix)
