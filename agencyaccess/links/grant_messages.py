"""A grant's message in each reader's language.

The connectors word a grant's message in the language active when they run, the client's
(they run on the client's pages, and the worker's checks run in the client's language). The
client reads it in that language, but the agency reads the same grant on the dashboard, in the
dashboard's. So a grant keeps the message as the code wrote it (the English msgid) and its
placeholders' values, and each reader renders it in their own language.

Rather than have every connector build its messages in two parts, the text a connector returns
is traced back to the message it came from: the catalogue of the language it was written in
says which msgid renders as that text, and with which values. A text no catalogue knows (a
platform's own error sentence, a note written in English) is kept as it is and shown as it is.
"""

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import translation

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Pattern:
    """How one msgid reads in one language, as a regular expression capturing its values."""

    msgid: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Catalogue:
    exact: dict[str, str]  # a translation without placeholders -> its msgid
    patterns: tuple[Pattern, ...]  # the others, the most specific (longest fixed text) first


def trace(text: str, language: str) -> tuple[str, dict[str, str]]:
    """The msgid and values that render as `text` in `language` (or in English, the code's
    own language, for a text written in it); else `text` itself, without values."""
    if not text:
        return "", {}
    for catalogue in (_catalogue(language), _catalogue(settings.LANGUAGE_CODE)):
        if text in catalogue.exact:
            return catalogue.exact[text], {}
        for pattern in catalogue.patterns:
            if match := pattern.regex.fullmatch(text):
                return pattern.msgid, match.groupdict()
    return text, {}


def render(msgid: str, params: dict[str, str]) -> str:
    """The message in the active language; in English if its translation does not fit the
    values (a catalogue with a placeholder misspelt)."""
    if not msgid:
        return ""
    text = translation.gettext(msgid)
    if not params:
        return text
    try:
        return text % params
    except (KeyError, ValueError, TypeError):
        return msgid % params


@lru_cache(maxsize=16)
def _catalogue(language: str) -> Catalogue:
    """The project's messages in `language` (msgid -> translation; identity for English),
    read once per process from the compiled catalogue in LOCALE_PATHS."""
    translations = _translations(language)
    exact: dict[str, str] = {}
    patterns: list[tuple[int, Pattern]] = []
    for msgid, translated in translations.items():
        if _PLACEHOLDER.search(translated):
            if regex := _regex(translated):
                fixed = len(_PLACEHOLDER.sub("", translated))
                patterns.append((fixed, Pattern(msgid, regex)))
        else:
            exact.setdefault(translated, msgid)
    patterns.sort(key=lambda pair: -pair[0])
    return Catalogue(exact, tuple(pattern for _, pattern in patterns))


def _translations(language: str) -> dict[str, str]:
    """msgid -> translation of the project's catalogue (singular messages only). English has
    no catalogue of its own: the msgids of any catalogue, each standing for itself."""
    languages = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    found: dict[str, str] = {}
    for code in [language] if language != settings.LANGUAGE_CODE else languages:
        for locale_path in settings.LOCALE_PATHS:
            mo = Path(locale_path) / translation.to_locale(code) / "LC_MESSAGES" / "django.mo"
            if not mo.exists():
                continue
            with mo.open("rb") as stream:
                # GNUTranslations keeps the parsed file as its _catalog: the one way the
                # standard library offers to read a .mo file's entries.
                entries = gettext.GNUTranslations(stream)._catalog  # type: ignore[attr-defined]
            for msgid, translated in entries.items():
                # Plural forms (tuples) and messages with a context (\x04) are never a
                # grant's message.
                if isinstance(msgid, str) and msgid and "\x04" not in msgid and translated:
                    found.setdefault(
                        msgid, translated if language != settings.LANGUAGE_CODE else msgid
                    )
    return found


def _regex(translated: str) -> re.Pattern[str] | None:
    """`translated` as a regular expression, each %(name)s a group; None when a placeholder is
    not of the %(name)s kind (such a message is not formatted with named values)."""
    if re.search(r"%(?!\(\w+\)s|%)", translated):
        return None
    parts: list[str] = []
    seen: set[str] = set()
    position = 0
    for match in _PLACEHOLDER.finditer(translated):
        parts.append(re.escape(translated[position : match.start()].replace("%%", "%")))
        name = match.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        position = match.end()
    parts.append(re.escape(translated[position:].replace("%%", "%")))
    return re.compile("".join(parts), re.DOTALL)
