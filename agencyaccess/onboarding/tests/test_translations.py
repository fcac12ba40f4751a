"""Every client language's catalogue is complete and current (locale/README.md).

Fails when `make messages` would change a committed .po file (a string was added or changed
without updating the catalogues), when a message has no translation or a fuzzy one (listing
them), and when a committed .mo file is not the compilation of its .po file.
"""

import gettext
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase, override_settings

PACKAGE = Path(settings.BASE_DIR)
# Every client language but English, the language of the code.
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES if code != "en")
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

    def test_make_messages_covers_every_client_language(self):
        makefile = (PACKAGE.parent / "Makefile").read_text()
        listed = re.search(r"^MESSAGE_LANGUAGES := (.*)$", makefile, re.MULTILINE)
        assert listed is not None, "the Makefile has no MESSAGE_LANGUAGES"
        self.assertEqual(sorted(listed[1].split()), sorted(LANGUAGES))

    def test_every_message_has_a_translation(self):
        for language in LANGUAGES:
            with self.subTest(language=language):
                po = catalogue(PACKAGE / "locale", language, "po")
                result = subprocess.run(
                    [self.msgfmt, "--check", "-o", "/dev/null", po], capture_output=True, text=True
                )
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(self.msgids(po, "--untranslated"), [], "untranslated")
                self.assertEqual(self.msgids(po, "--only-fuzzy"), [], "fuzzy")

    def msgids(self, po: Path, which: str) -> list[str]:
        """The msgids of the catalogue's untranslated or fuzzy messages (msgattrib's choice)."""
        msgattrib = Path(self.msgfmt).with_name("msgattrib")
        selected = subprocess.run(
            [msgattrib, which, "--no-obsolete", "--no-wrap", po],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        # The header (msgid "") is no message; msgctxt and plurals show as their msgid.
        return [m for m in re.findall(r'^msgid "(.*)"$', selected, re.MULTILINE) if m]

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
