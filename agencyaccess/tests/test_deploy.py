"""What deploying reads, kept true without Docker (CI has no Docker engine; hadolint lints the
Dockerfile in `make lint`): every variable the settings read is in the README's table, and the
Dockerfile and compose.yaml run commands that exist with variables that are read."""

import re
from pathlib import Path
from unittest import mock

import yaml
from django.core.management import get_commands
from django.test import SimpleTestCase

from agencyaccess.management.commands.serve import gunicorn_command
from agencyaccess.test import CommandResult, run_command

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_READ = re.compile(r'\benv(?:bool|int)?\(\s*"([A-Z0-9_]+)"')
ENVIRON_READ = re.compile(r'os\.environ\.get\("([A-Z0-9_]+)"')


def configuration_table() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]


def variables_read() -> set[str]:
    settings = (ROOT / "agencyaccess/settings.py").read_text()
    gunicorn = (ROOT / "agencyaccess/ops/gunicorn_conf.py").read_text()
    return set(SETTINGS_READ.findall(settings)) | set(ENVIRON_READ.findall(gunicorn))


class DeployFilesTests(SimpleTestCase):
    def test_the_readme_names_every_variable_read(self):
        table = configuration_table()
        missing = sorted(name for name in variables_read() if f"`{name}`" not in table)
        self.assertEqual(missing, [])

    def test_compose_runs_commands_that_exist_with_variables_that_are_read(self):
        compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
        app = {name: service for name, service in compose["services"].items() if "build" in service}
        self.assertEqual(set(app), {"migrate", "web", "worker"})
        for name, service in app.items():
            with self.subTest(name):
                program, command, *_ = service["command"]
                self.assertEqual(program, "agencyaccess")
                self.assertIn(command, get_commands())
                self.assertLessEqual(set(service["environment"]), variables_read())

    def test_the_image_runs_a_command_that_exists_as_no_root(self):
        dockerfile = (ROOT / "Dockerfile").read_text()
        program, command = re.findall(r'^CMD \["(\w+)", "(\w+)"', dockerfile, re.M)[0]
        self.assertEqual(program, "agencyaccess")
        self.assertIn(command, get_commands())
        self.assertRegex(dockerfile, r"(?m)^USER 10001:10001$")
        self.assertRegex(dockerfile, r"(?m)^HEALTHCHECK .*\n.*/healthz")


class WebCommandTests(SimpleTestCase):
    def test_it_prepares_then_becomes_the_server_serve_starts(self):
        with (
            mock.patch("agencyaccess.management.commands.web.prepare") as prepare,
            mock.patch("agencyaccess.management.commands.web.os.execv") as execv,
        ):
            result = run_command("web", "--host", "10.0.0.7", "--port", "9000", "--workers", "3")
        self.assertEqual(result, CommandResult(0, "", ""))
        prepare.assert_called_once_with()
        server = gunicorn_command("10.0.0.7", 9000, 3)
        execv.assert_called_once_with(server[0], server)
        self.assertIn("python:agencyaccess.ops.gunicorn_conf", server)
