"""schemathesis's command line on the OpenAPI document, against a live server: every operation of
the document, every check, every phase, the stateful one included (it follows the document's
links, so the ids that clients/create, links/create and hooks/subscribe return reach the other
operations). Seeded and bounded (schemathesis.toml), so it is deterministic and stays fast.

In a process of its own: in pytest's, importing schemathesis costs seconds more, since pytest
rewrites the asserts of every module of a package that offers a pytest plugin."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.test import override_settings

from agencyaccess.api import api
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.links.models import IntakeForm, IntakeQuestion
from agencyaccess.test import LiveServerBaseTestCase, without_proxies

CONFIG = Path(__file__).with_name("schemathesis.toml")


# Hundreds of requests a minute, with and without a key: fuzzing is not about the rate limit.
@override_settings(API_RATE_LIMIT_PER_MINUTE=1_000_000)
class FuzzTests(LiveServerBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        ApiKey.objects.update(rate_limit_per_minute=1_000_000)
        # A link may then ask for the intake form alone: links/create can succeed with the id
        # clients/create returned, and the stateful phase follow links/create's links.
        form = IntakeForm.objects.create(agency=self.agency_a, enabled=True)
        IntakeQuestion.objects.create(form=form, key="budget", type="short_text", labels={})

    def test_schemathesis_finds_nothing(self):
        har = Path(self.enterContext(tempfile.TemporaryDirectory())) / "requests.har"
        result = subprocess.run(
            [
                *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG)),
                *("--no-color", "run", f"{self.live_server_url}/api/openapi.json"),
                *("--workers", "1", "--header", f"X-Auth: {self.alice_key}"),
                *("--report", "har", "--report-har-path", str(har)),  # every request, answered
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env=without_proxies(),
            # Where pytest runs: hypothesis keeps its Unicode tables there, in .hypothesis/.
            cwd=Path(__file__).parents[2],
        )

        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
            self.assertRegex(result.stdout, rf"✅  {phase} \(")
        operations = sum(len(methods) for methods in api.get_openapi_schema()["paths"].values())
        self.assertIn(f"Tested: {operations}\n", result.stdout)
        # The ids clients/create and hooks/subscribe return, which no request could guess,
        # reached the operations their links lead to, and those succeeded.
        answered = answers(har)
        for operation in ("clients/retrieve", "clients/update", "hooks/unsubscribe"):
            self.assertIn(f"/api/{operation} 200", answered)


def answers(har: Path) -> set[str]:
    """The path and status ("/api/me 200") of every request in schemathesis's HAR report."""
    entries = json.loads(har.read_text())["log"]["entries"]
    return {f"{urlsplit(e['request']['url']).path} {e['response']['status']}" for e in entries}
