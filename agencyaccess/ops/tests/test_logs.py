"""LOG_FORMAT=json: every line a JSON object with the time, level, logger, message and the
exception if any; nothing else of the record."""

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from agencyaccess.ops.logs import JsonFormatter

AGENCYACCESS = Path(sys.executable).with_name("agencyaccess")
LOGS_AN_ERROR = """
import logging
logger = logging.getLogger("agencyaccess.example")
logger.info("worker %s started", "w1")
try:
    {}["missing"]
except KeyError:
    logger.exception("job failed\\nbadly")
"""


class JsonFormatterTests(SimpleTestCase):
    def record(self, **extra) -> dict:
        logger = logging.getLogger("agencyaccess.example")
        try:
            raise ValueError("no such link")
        except ValueError:
            record = logger.makeRecord(
                logger.name,
                logging.ERROR,
                __file__,
                1,
                "link %s: %s",
                ("L1", "gone"),
                sys.exc_info(),
                extra=extra,
            )
        line = JsonFormatter().format(record)
        self.assertNotIn("\n", line)
        return json.loads(line)

    def test_an_entry_is_one_line_with_its_exception(self):
        entry = self.record()
        self.assertEqual(set(entry), {"time", "level", "logger", "message", "exception"})
        self.assertEqual(
            (entry["level"], entry["logger"], entry["message"]),
            ("ERROR", "agencyaccess.example", "link L1: gone"),
        )
        self.assertRegex(entry["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")
        self.assertIn("Traceback", entry["exception"])
        self.assertIn("ValueError: no such link", entry["exception"])

    def test_what_callers_attach_stays_out(self):
        # Django's request logger attaches the request, with its cookies and headers.
        entry = self.record(request="Cookie: sessionid=secret", status_code=500)
        self.assertNotIn("secret", json.dumps(entry))


class LogFormatSettingTests(SimpleTestCase):
    def run_cli(self, log_format: str, *argv: str) -> subprocess.CompletedProcess:
        with tempfile.TemporaryDirectory() as data_dir:
            env = os.environ | {
                "AGENCYACCESS_DATA_DIR": data_dir,
                "SECRET_KEY": "log-test-secret",
                "LOG_FORMAT": log_format,
            }
            return subprocess.run(
                [str(AGENCYACCESS), *argv],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )

    def test_json_logs_are_one_object_a_line(self):
        result = self.run_cli("json", "shell", "-c", LOGS_AN_ERROR)
        self.assertEqual(result.returncode, 0, result.stderr)
        entries = [json.loads(line) for line in result.stderr.splitlines()]
        self.assertEqual(
            [(e["level"], e["message"]) for e in entries],
            [("INFO", "worker w1 started"), ("ERROR", "job failed\nbadly")],
        )
        self.assertIn("KeyError: 'missing'", entries[1]["exception"])

    def test_plain_logs_are_lines_for_a_person(self):
        result = self.run_cli("plain", "shell", "-c", LOGS_AN_ERROR)
        self.assertRegex(result.stderr, r"INFO agencyaccess.example worker w1 started\n")

    def test_another_format_is_refused_by_name(self):
        result = self.run_cli("xml", "check")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LOG_FORMAT must be plain or json, not 'xml'.", result.stderr)
