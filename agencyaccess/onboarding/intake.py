"""The intake form (product.md §3.4): the agency's questions, answered on the link.

Answers are saved as the client types (intake.js posts the whole form to `save` after a
pause), so a reload loses nothing; without the script the form works by its normal submit.
Both go through one validation: a valid answer is stored cleaned; an invalid one is still kept
as typed when it is text of an allowed size (a half-typed e-mail address survives a reload),
and never when it is a choice that was not offered. Submitting also requires the required
answers and valid formats, then marks the intake completed, once.

Answers are stored in Link.intake_answers by question key: text, e-mail, URL and number as
strings (numbers normalised, "12.5"), yes/no as "yes" or "no", a single choice as the choice
key, multiple choices as a list of keys. An empty answer is not stored.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from agencyaccess.links.actions import intake_completed
from agencyaccess.links.models import IntakeQuestion, Link, QuestionType
from agencyaccess.onboarding.journey import journey_of
from agencyaccess.onboarding.pages import not_found, render_page
from agencyaccess.onboarding.views import client_page

# The longest answer kept for each kind typed as text.
TEXT_LIMITS = {
    QuestionType.SHORT_TEXT: 500,
    QuestionType.LONG_TEXT: 5000,
    QuestionType.EMAIL: 254,
    QuestionType.URL: 2000,
    QuestionType.NUMBER: 40,
}
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


@require_http_methods(["GET", "POST"])
@client_page
def form(request: HttpRequest, link: Link) -> HttpResponse:
    """GET: the questions, prefilled; POST: the submit (the save without the script, too)."""
    if not link.intake_form_requested:
        return not_found(request)
    questions = _questions(link)
    if link.intake_completed is not None:
        return render_page(
            request, link, "onboarding/intake.html", {"summary": _summary(questions, link)}
        )
    errors: dict[str, str] = {}
    if request.method == "POST":
        answers, errors = _check(questions, request.POST, link.intake_answers, final=True)
        if not errors:
            _complete(link, answers)
            return HttpResponseRedirect(journey_of(link).next_url())
        _store_draft(link, answers)
        link.intake_answers = answers
    fields = [
        _field(question, link.intake_answers, errors.get(question.key, ""))
        for question in questions
    ]
    return render_page(
        request,
        link,
        "onboarding/intake.html",
        {"fields": fields, "has_errors": bool(errors), "journey": journey_of(link)},
        status=400 if errors else 200,
    )


@require_POST
@client_page
def save(request: HttpRequest, link: Link) -> HttpResponse:
    """The script's save as the client types. 200 when every answer was valid; 400 with the
    reasons by question key when some were not (the rest is saved all the same); 409 once the
    answers have been sent."""
    if not link.intake_form_requested:
        return not_found(request)
    answers, errors = _check(_questions(link), request.POST, link.intake_answers, final=False)
    if link.intake_completed is not None or not _store_draft(link, answers):
        return JsonResponse(
            {"saved": False, "message": _("Your answers have already been sent.")}, status=409
        )
    return JsonResponse({"saved": True, "errors": errors}, status=400 if errors else 200)


def _questions(link: Link) -> list[IntakeQuestion]:
    """The agency's questions. A link that asked for the intake keeps showing them even if the
    agency has since disabled its form: disabling only stops new links from asking."""
    return list(
        IntakeQuestion.objects.filter(form__agency_id=link.agency_id).order_by("position", "id")
    )


def _check(
    questions: Sequence[IntakeQuestion], data: Any, previous: dict[str, Any], *, final: bool
) -> tuple[dict[str, Any], dict[str, str]]:
    """The answers to keep and, by question key, why some are not acceptable (yet)."""
    checker = forms.Form(data)
    checker.fields = {q.key: _validator(q, required=final and q.required) for q in questions}
    checker.is_valid()
    # Answers to questions the agency has since removed stay: the client gave them.
    answers = {key: value for key, value in previous.items() if key not in checker.fields}
    for question in questions:
        key = question.key
        if key in checker.errors:
            value = _draft(question, data.get(key, ""), previous.get(key))
        else:
            value = _stored(checker.cleaned_data.get(key))
        if value not in (None, "", []):
            answers[key] = value
    return answers, {key: str(messages[0]) for key, messages in checker.errors.items()}


def _validator(question: IntakeQuestion, *, required: bool) -> forms.Field:
    kind = question.type
    limit = TEXT_LIMITS.get(QuestionType(kind))
    if kind in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        return forms.CharField(required=required, max_length=limit)
    if kind == QuestionType.EMAIL:
        return forms.EmailField(required=required, max_length=limit)
    if kind == QuestionType.URL:
        return forms.URLField(
            required=required,
            max_length=limit,
            assume_scheme="https",
            validators=[URLValidator(schemes=["http", "https"])],
        )
    if kind == QuestionType.NUMBER:
        return LocalDecimalField(required=required, max_digits=30)
    if kind == QuestionType.YES_NO:
        return forms.ChoiceField(required=required, choices=YES_NO)
    choices = _choices(question)
    if kind == QuestionType.SINGLE_CHOICE:
        return forms.ChoiceField(required=required, choices=choices)
    return forms.MultipleChoiceField(required=required, choices=choices)


# Marks that group digits in threes, besides the language's own (Django's formats): spaces of any
# kind (Django's French and Spanish use a no-break space, a phone's keyboard types a plain one),
# and the point or comma that is not the decimal separator ("1.500,50" is as common in Spain as
# the "1 500,50" of the RAE).
_SPACES = (" ", "\xa0", "\u202f")
_OTHER_MARK = {",": ".", ".": ","}


class LocalDecimalField(forms.DecimalField):
    """A number written the way the client's language writes it: "1.500,50" in Spanish, German,
    Dutch, Italian and Portuguese, "1 500,50" in French and Polish, "1,500.50" in English.

    Django's localized field drops thousand separators only with USE_THOUSAND_SEPARATOR, which
    would also group every number the templates print (ids in addresses among them), and only
    the language's one separator; this field reads them itself, and only where they group the
    digits in threes, so a Spanish "12.5" (a phone's keypad offers the point) stays twelve and
    a half, not a hundred and twenty-five.
    """

    # Any: django-stubs types DecimalField.to_python as IntegerField's, returning int.
    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = plain_number(value)
        return super().to_python(value)


def plain_number(text: str) -> str:
    """ "1.500,50" in Spanish -> "1500.50"; text that is no number comes back to be refused."""
    decimal = formats.get_format("DECIMAL_SEPARATOR")
    groups = {formats.get_format("THOUSAND_SEPARATOR"), *_SPACES, _OTHER_MARK.get(decimal, "")}
    group = "|".join(re.escape(mark) for mark in groups - {decimal, ""})
    text = text.strip()
    grouped = rf"[+-]?\d{{1,3}}(?:(?:{group})\d{{3}})+(?:{re.escape(decimal)}\d*)?"
    if re.fullmatch(grouped, text):
        text = re.sub(group, "", text)
    return text.replace(decimal, ".")


def _draft(question: IntakeQuestion, raw: str, previous: Any) -> Any:
    """What to keep of an answer that is not valid: text as typed, within its size; otherwise
    (an oversized text, a choice that was not offered, text holding a NUL byte, which
    PostgreSQL cannot store) the answer saved before."""
    limit = TEXT_LIMITS.get(QuestionType(question.type))
    if limit is not None and isinstance(raw, str) and len(raw) <= limit and "\x00" not in raw:
        return raw
    return previous


def _stored(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # "1e3" -> "1000": plain digits for whoever reads it
    if isinstance(value, list):
        return list(dict.fromkeys(value))  # each choice once, in the order sent
    return value


def _store_draft(link: Link, answers: dict[str, Any]) -> bool:
    """Save the answers unless the intake was completed meanwhile (then they are final)."""
    return bool(
        Link.objects.filter(pk=link.pk, intake_completed__isnull=True).update(
            intake_answers=answers
        )
    )


def _complete(link: Link, answers: dict[str, Any]) -> None:
    """Mark the intake completed with its answers, exactly once (a second submit, say from
    another tab, changes nothing); the event carries the answers as they were sent."""
    now = timezone.now()
    with transaction.atomic():
        done = Link.objects.filter(pk=link.pk, intake_completed__isnull=True).update(
            intake_answers=answers, intake_completed=now
        )
        if not done:
            return
        link.intake_answers = answers
        link.intake_completed = now
        intake_completed(link)


@dataclass(frozen=True)
class Field:
    """One question as the page shows it, in the client's language."""

    key: str
    type: str
    label: str
    required: bool
    value: str  # what the input shows
    chosen: frozenset[str]  # the choice keys picked
    choices: Sequence[tuple[str, str]]
    limit: int | None
    error: str


def _field(question: IntakeQuestion, answers: dict[str, Any], error: str) -> Field:
    answer = answers.get(question.key)
    choices = YES_NO if question.type == QuestionType.YES_NO else _choices(question)
    picked = answer if isinstance(answer, list) else [answer] if answer else []
    return Field(
        key=question.key,
        type=question.type,
        label=_label(question.labels, question.key),
        required=question.required,
        value=_shown(question, answer),
        chosen=frozenset(str(key) for key in picked),
        choices=[(key, str(label)) for key, label in choices],
        limit=TEXT_LIMITS.get(QuestionType(question.type)),
        error=error,
    )


def _shown(question: IntakeQuestion, answer: Any) -> str:
    """A stored number in the client's notation ("12,5" in Dutch); anything else as kept."""
    if not isinstance(answer, str):
        return ""
    if question.type == QuestionType.NUMBER:
        try:
            number = Decimal(answer)
        except InvalidOperation:
            return answer  # a draft that is not a number yet
        # NaN and Infinity parse but are no number to show: the form refuses them, the draft
        # keeps them as typed.
        if not number.is_finite():
            return answer
        try:
            return formats.localize_input(number)
        except InvalidOperation:
            return answer  # an exponent too large to write out
    return answer


def _choices(question: IntakeQuestion) -> list[tuple[str, str]]:
    return [(choice["key"], _label(choice["labels"], choice["key"])) for choice in question.choices]


def _label(labels: dict[str, str], fallback: str) -> str:
    """The label in the client's language, else in English."""
    return labels.get(translation.get_language() or "en") or labels.get("en") or fallback


def _summary(questions: Iterable[IntakeQuestion], link: Link) -> list[tuple[str, str]]:
    """The sent answers, as the client reads them."""
    rows = []
    for question in questions:
        field = _field(question, link.intake_answers, "")
        if field.chosen and field.choices:
            shown = ", ".join(label for key, label in field.choices if key in field.chosen)
        else:
            shown = field.value
        rows.append((field.label, shown))
    return rows
