"""An agency's intake questions as the agency writes them (the command line, the admin):
checked here, each mistake one sentence naming the question and what to change.

A question is {"key", "type", "required", "labels": {"en", "es", ...}, "choices": [{"key",
"labels"}]}: `labels.en` is required (the client's language falls back to it), choices only for
the two choice types.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction

from agencyaccess.accounts.models import Agency
from agencyaccess.clients.models import Language
from agencyaccess.lib.errors import ActionError
from agencyaccess.links.models import IntakeForm, IntakeQuestion, QuestionType

MAX_QUESTIONS = 50
MAX_CHOICES = 50
MAX_KEY = 50
MAX_LABEL = 500
# The client languages (clients.models.Language), English first.
LANGUAGES = tuple(Language.values)
CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
QUESTION_FIELDS = ("key", "type", "required", "labels", "choices")


def parse_questions(data: Any) -> list[dict[str, Any]]:
    """The questions of a JSON document, checked; raises ActionError at the first mistake."""
    if not isinstance(data, list):
        raise ActionError("the questions must be a JSON list of objects.")
    if not data:
        raise ActionError("the list has no questions; use --disable to switch the form off.")
    if len(data) > MAX_QUESTIONS:
        raise ActionError(f"a form has at most {MAX_QUESTIONS} questions, not {len(data)}.")
    questions = [clean_question(raw, f"question {n}") for n, raw in enumerate(data, 1)]
    _check_unique([q["key"] for q in questions], "question keys")
    return questions


def clean_question(raw: Any, where: str) -> dict[str, Any]:
    """One question, normalised: the fields an IntakeQuestion row takes (but its position)."""
    if not isinstance(raw, Mapping):
        raise ActionError(f"{where} must be an object with key, type and labels.")
    unknown = sorted(set(raw) - set(QUESTION_FIELDS))
    if unknown:
        raise ActionError(
            f"{where} has unknown fields {', '.join(unknown)}; "
            f"a question has {', '.join(QUESTION_FIELDS)}."
        )
    key = _key(raw.get("key"), where)
    where = f'{where} ("{key}")'
    kind = raw.get("type")
    if kind not in QuestionType.values:
        raise ActionError(f"{where}: type must be one of {', '.join(QuestionType.values)}.")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise ActionError(f"{where}: required must be true or false.")
    return {
        "key": key,
        "type": kind,
        "required": required,
        "labels": _labels(raw.get("labels"), where),
        "choices": _choices(raw.get("choices"), kind, where),
    }


def replace_questions(
    agency: Agency, questions: Sequence[dict[str, Any]], *, enabled: bool
) -> IntakeForm:
    """The agency's form asks exactly these questions, in this order, from now on."""
    with transaction.atomic():
        form, _ = IntakeForm.objects.update_or_create(agency=agency, defaults={"enabled": enabled})
        form.questions.all().delete()
        IntakeQuestion.objects.bulk_create(
            IntakeQuestion(form=form, position=position, **question)
            for position, question in enumerate(questions)
        )
    return form


def _key(value: Any, where: str) -> str:
    try:
        if not isinstance(value, str) or len(value) > MAX_KEY:
            raise ValidationError("")
        validate_slug(value)
    except ValidationError:
        raise ActionError(
            f"{where}: key must be up to {MAX_KEY} letters, digits, _ or -, such as "
            '"monthly_budget" (Zapier shows the answer as client.intakeForm.<key>).'
        ) from None
    return value


def _labels(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping) or not isinstance(value.get("en"), str):
        raise ActionError(
            f'{where}: labels must be an object with at least "en", e.g. {{"en": "Your budget"}}.'
        )
    unknown = sorted(set(value) - set(LANGUAGES))
    if unknown:
        raise ActionError(
            f"{where}: labels has {', '.join(unknown)}; the languages are {', '.join(LANGUAGES)}."
        )
    labels = {}
    for language, label in value.items():
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
            raise ActionError(
                f"{where}: labels.{language} must be text of 1 to {MAX_LABEL} characters."
            )
        labels[language] = label.strip()
    return labels


def _choices(value: Any, kind: str, where: str) -> list[dict[str, Any]]:
    if kind not in CHOICE_TYPES:
        if value:
            raise ActionError(f"{where}: only {' and '.join(CHOICE_TYPES)} questions have choices.")
        return []
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_CHOICES:
        raise ActionError(f"{where}: choices must be a list of 1 to {MAX_CHOICES} choices.")
    choices: list[dict[str, Any]] = []
    for n, raw in enumerate(value, 1):
        here = f"{where}, choice {n}"
        if not isinstance(raw, Mapping) or set(raw) - {"key", "labels"}:
            raise ActionError(f"{here} must be an object with key and labels only.")
        choices.append(
            {"key": _key(raw.get("key"), here), "labels": _labels(raw.get("labels"), here)}
        )
    _check_unique([c["key"] for c in choices], f"{where}: choice keys")
    return choices


def _check_unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ActionError(f'{what} must be unique; "{key}" is there twice.')
        seen.add(key)
