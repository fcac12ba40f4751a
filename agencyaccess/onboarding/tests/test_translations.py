"""The Spanish and Dutch catalogues are complete and current (DESIGN.md, convention 12).

Fails when `make messages` would change a committed .po file (a string was added or changed
without updating the catalogues), when a message has no translation or a fuzzy one, and when a
committed .mo file is not the compilation of its .po file.
"""

import gettext
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings

PACKAGE = Path(settings.BASE_DIR)
LANGUAGES = ("es", "nl")
# The options of `make messages`: keep them the same.
MAKEMESSAGES = {"add_location": "file", "no_obsolete": True, "no_wrap": True, "verbosity": 0}


def catalogue(locale_dir: Path, language: str, suffix: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"django.{suffix}"


def without_creation_date(path: Path) -> list[str]:
    """The catalogue's lines but the one that changes on every run."""
    return [line for line in path.read_text().splitlines() if "POT-Creation-Date" not in line]


class CataloguesTests(SimpleTestCase):
    def setUp(self):
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            # .ci/run installs it; on a developer's machine without it the check is skipped.
            self.skipTest("GNU gettext is needed to check the translations (apt install gettext).")
        self.msgfmt = msgfmt
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.tmp = Path(directory.name)

    def test_makemessages_would_change_nothing(self):
        # A copy of the code, so makemessages writes its catalogues there, not here.
        copy = self.tmp / "agencyaccess"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        cwd = Path.cwd()
        try:
            os.chdir(copy)
            with override_settings(LOCALE_PATHS=[copy / "locale"]):
                call_command("makemessages", locale=list(LANGUAGES), **MAKEMESSAGES)
        finally:
            os.chdir(cwd)
        for language in LANGUAGES:
            with self.subTest(language=language):
                self.assertEqual(
                    without_creation_date(catalogue(PACKAGE / "locale", language, "po")),
                    without_creation_date(catalogue(copy / "locale", language, "po")),
                    "the catalogue is not current: run `make messages` and translate what is new",
                )

    def test_every_message_has_a_translation(self):
        for language in LANGUAGES:
            with self.subTest(language=language):
                result = subprocess.run(
                    [
                        self.msgfmt,
                        "--check",
                        "--statistics",
                        "-o",
                        "/dev/null",
                        catalogue(PACKAGE / "locale", language, "po"),
                    ],
                    capture_output=True,
                    text=True,
                )
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertNotIn("untranslated", result.stderr)
                self.assertNotIn("fuzzy", result.stderr)

    def test_the_compiled_catalogues_are_current(self):
        for language in LANGUAGES:
            with self.subTest(language=language):
                fresh = self.tmp / f"{language}.mo"
                subprocess.run(
                    [self.msgfmt, "-o", fresh, catalogue(PACKAGE / "locale", language, "po")],
                    check=True,
                )
                committed = catalogue(PACKAGE / "locale", language, "mo")
                with fresh.open("rb") as a, committed.open("rb") as b:
                    self.assertEqual(
                        gettext.GNUTranslations(a)._catalog,  # type: ignore[attr-defined]
                        gettext.GNUTranslations(b)._catalog,  # type: ignore[attr-defined]
                        "run `make messages` to compile the catalogues",
                    )
