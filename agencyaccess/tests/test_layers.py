"""The import contract of pyproject.toml ([tool.importlinter]): `make lint` checks it, and this
test too, so that `make test` fails when an import goes up the layers."""

import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


class LayersTests(SimpleTestCase):
    def test_imports_go_down_the_layers(self):
        lint_imports = Path(sys.executable).with_name("lint-imports")
        result = subprocess.run(
            [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, r"Contracts: [1-9]\d* kept, 0 broken")
