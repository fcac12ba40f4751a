"""The Zapier app (integrations/zapier) against a live server: its own live test, which runs the
app's triggers, creates and search as Zapier would, over HTTP, with Alice's key."""

import re
import shutil
import subprocess
import unittest
from pathlib import Path

from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link
from agencyaccess.test import LiveServerBaseTestCase, without_proxies

ZAPIER_APP = Path(__file__).resolve().parents[2] / "integrations" / "zapier"
NODE = shutil.which("node")


@unittest.skipUnless(
    (ZAPIER_APP / "node_modules").is_dir() and NODE,
    "the Zapier app's packages are not installed (integrations/zapier/node_modules): "
    "`make test` installs them, or `npm ci` in integrations/zapier (Node 20)",
)
class ZapierAppTests(LiveServerBaseTestCase):
    def test_the_apps_live_test_passes_against_this_server(self):
        assert NODE is not None
        result = subprocess.run(
            [NODE, "--test", "--test-reporter=tap", "test/live.test.js"],
            cwd=ZAPIER_APP,
            capture_output=True,
            text=True,
            timeout=120,
            env={
                **without_proxies(),
                "AGENCYACCESS_URL": self.live_server_url,
                "AGENCYACCESS_API_KEY": self.alice_key,
                "AGENCYACCESS_GOOGLE_ACCOUNT_ID": self.google_a.public_id,
            },
        )

        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        # Node's closing lines: every test ran (none skipped for want of a setting) and passed.
        counts = dict(re.findall(r"^# (tests|pass|fail|skipped) (\d+)$", result.stdout, re.M))
        self.assertEqual(counts["fail"], "0", result.stdout)
        self.assertEqual(counts["skipped"], "0", result.stdout)
        self.assertGreater(int(counts["pass"]), 0)
        self.assertEqual(counts["pass"], counts["tests"])
        # What its steps created landed in Alice's agency.
        self.assertEqual(
            Client.objects.filter(agency=self.agency_a, email__startswith="zapier-live-").count(), 2
        )
        self.assertEqual(
            Link.objects.filter(
                agency=self.agency_a, client__email__startswith="zapier-live-link-"
            ).count(),
            1,
        )
