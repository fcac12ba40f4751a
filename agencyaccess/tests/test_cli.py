"""The `agencyaccess` command as a user runs it: a real process, its stdout, stderr and exit code.

It runs on a SQLite database of its own in a temporary directory, never the developer's.
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import SkipTest

from django.test import SimpleTestCase

from agencyaccess.lib.ids import looks_like_public_id

AGENCYACCESS = Path(sys.executable).with_name("agencyaccess")
KEY = re.compile(r"^aak_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}$")


class CliProcessTests(SimpleTestCase):
    data_dir: tempfile.TemporaryDirectory
    env: dict[str, str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        if not AGENCYACCESS.exists():
            raise SkipTest(f"{AGENCYACCESS} is not installed")
        # Memory-backed where there is one: migrating a fresh SQLite file there takes a third
        # of the time.
        shm = Path("/dev/shm")  # noqa: S108 (a TemporaryDirectory of our own is made inside)
        cls.data_dir = tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None)
        cls.addClassCleanup(cls.data_dir.cleanup)
        cls.env = {
            name: value
            for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "REDIS_URL")
        } | {"AGENCYACCESS_DATA_DIR": cls.data_dir.name, "SECRET_KEY": "cli-test-secret"}

    @classmethod
    def run_cli(cls, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(AGENCYACCESS), *argv], env=cls.env, capture_output=True, text=True, timeout=60
        )

    def assertOneLineError(self, result: subprocess.CompletedProcess, message: str) -> None:
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, "")
        self.assertEqual(result.stderr, f"CommandError: {message}\n")

    def test_an_agency_then_its_key_each_print_only_their_value(self):
        migrate = self.run_cli("migrate", "--noinput", "-v0")
        self.assertEqual(migrate.returncode, 0, migrate.stderr)

        agency = self.run_cli(
            "create_agency", "--name", "Dana Digital", "--email", "dana@example.org"
        )
        self.assertEqual((agency.returncode, agency.stderr), (0, ""))
        self.assertTrue(looks_like_public_id(agency.stdout.removesuffix("\n")), agency.stdout)

        key = self.run_cli(
            "create_api_key",
            "--agency",
            "dana@example.org",
            "--name",
            "Zapier",
            "--capabilities",
            "all",
        )
        self.assertEqual((key.returncode, key.stderr), (0, ""))
        self.assertRegex(key.stdout.removesuffix("\n"), KEY)

    def test_an_argument_error_is_one_line_on_stderr(self):
        self.assertOneLineError(
            self.run_cli("create_api_key", "--agency", "x", "--name", "y"),
            "the following arguments are required: --capabilities",
        )

    def test_a_bad_value_is_one_line_on_stderr(self):
        self.assertOneLineError(
            self.run_cli("create_agency", "--name", "Dana Digital", "--email", "dana"),
            "The owner's e-mail address must be a valid e-mail address, such as jane@example.com.",
        )
