"""The client's eight languages: the switcher offers them all, each page reads in the client's
language, and Django's own messages (the form errors a client can see) speak in our voice."""

import gettext
import re
from pathlib import Path

import django
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from agencyaccess.onboarding.django_messages import CLIENT_VISIBLE
from agencyaccess.onboarding.tests.fake_platform import FlowTestCase


def catalogue(code: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES" / "django.po"


# The link page's greeting of Jane, as each catalogue writes it.
GREETINGS = {
    "en": "Hello Jane Doe",
    "es": "Hola, Jane Doe",
    "nl": "Hallo Jane Doe",
    "de": "Hallo Jane Doe",
    "fr": "Bonjour Jane Doe",
    "pt": "Olá, Jane Doe",
    "it": "Ciao Jane Doe",
    "pl": "Cześć Jane Doe",
}
# Django's "Enter a number." in our voice: Spanish "tú" (Django's says "Introduzca", usted),
# Brazilian Portuguese (Django's "pt" is European: "Introduza"), German "Sie".
ENTER_A_NUMBER = {
    "en": "Enter a number.",
    "es": "Escribe un número.",
    "nl": "Voer een getal in.",
    "de": "Bitte geben Sie eine Zahl ein.",
    "fr": "Saisissez un nombre.",
    "pt": "Digite um número.",
    "it": "Inserisci un numero.",
    "pl": "Wpisz liczbę.",
}


class SwitcherTests(FlowTestCase):
    def test_the_switcher_lists_the_eight_languages_each_named_in_itself(self):
        r = self.client.get(self.url())
        for code, name in [
            ("en", "English"),
            ("es", "Español"),
            ("nl", "Nederlands"),
            ("de", "Deutsch"),
            ("fr", "Français"),
            ("pt", "Português"),
            ("it", "Italiano"),
            ("pl", "Polski"),
        ]:
            with self.subTest(code):
                self.assertContains(r, f'value="{code}" lang="{code}" class="quiet"')
                self.assertContains(r, f">{name}</button>")

    def test_each_language_reads_the_link_page_in_it(self):
        for code, greeting in GREETINGS.items():
            with self.subTest(code):
                self.jane.language = code
                self.jane.save()
                r = self.client.get(self.url())
                self.assertContains(r, f'<html lang="{code}"')
                self.assertContains(r, greeting)

    def test_switching_to_each_language_is_remembered(self):
        for code, greeting in GREETINGS.items():
            with self.subTest(code):
                self.client.post(self.url("language/"), {"language": code})
                self.assertContains(self.client.get(self.url()), greeting)


class DjangoMessagesTests(FlowTestCase):
    def test_djangos_own_errors_speak_in_our_voice(self):
        for code, message in ENTER_A_NUMBER.items():
            with self.subTest(code), translation.override(code):
                with self.assertRaises(ValidationError) as raised:
                    forms.DecimalField().clean("a lot")
                self.assertEqual(raised.exception.messages, [message])

    def test_each_repeated_message_is_djangos_word_for_word(self):
        # A msgid Django does not have (reworded in a new version) would translate nothing:
        # Django's own voice would come back. Ours are read from the catalogue makemessages
        # wrote from django_messages.py; Django's from its bundled French catalogue.
        ours = re.findall(
            r'^#: onboarding/django_messages\.py\n(?:#.*\n)*msgid "(.*)"$',
            catalogue("es").read_text(),
            re.MULTILINE,
        )
        self.assertEqual(len(ours), len(CLIENT_VISIBLE))
        django_locale = Path(django.__file__).parent / "conf" / "locale"
        bundled = gettext.translation("django", django_locale, languages=["fr"])
        known = {
            key[0] if isinstance(key, tuple) else key
            for key in bundled._catalog  # type: ignore[attr-defined]
        }
        for msgid in ours:
            with self.subTest(msgid):
                self.assertIn(msgid, known)

    def test_every_client_language_has_a_catalogue(self):
        for code, _name in settings.LANGUAGES:
            if code != "en":
                with self.subTest(code):
                    self.assertTrue(catalogue(code).exists())
