from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from agencyaccess.settings import envbool


class EnvboolTests(SimpleTestCase):
    def read(self, value: str | None, default: bool = False) -> bool:
        environ = {} if value is None else {"SOME_SWITCH": value}
        with mock.patch.dict("os.environ", environ, clear=True):
            return envbool("SOME_SWITCH", default)

    def test_the_documented_words_in_any_case(self):
        for value in ("1", "true", "TRUE", "Yes", "on", " on "):
            with self.subTest(value):
                self.assertIs(self.read(value), True)
        for value in ("0", "false", "False", "NO", "off"):
            with self.subTest(value):
                self.assertIs(self.read(value, default=True), False)

    def test_unset_or_empty_is_the_default(self):
        for value in (None, "", "  "):
            with self.subTest(value):
                self.assertIs(self.read(value, default=True), True)
                self.assertIs(self.read(value, default=False), False)

    def test_an_unknown_word_stops_the_start_naming_the_variable(self):
        for value in ("ture", "2", "enabled", "y"):
            with (
                self.subTest(value),
                self.assertRaisesMessage(
                    ImproperlyConfigured, f"SOME_SWITCH={value!r} is neither on"
                ),
            ):
                self.read(value)
