"""The intake form editor (reference-product.md §1.8): the agency's questions with their keys,
types, required flags, order and labels in each client language; the form on or off.

Every change builds the whole new list of questions and goes through links/intake_questions.py,
the checks the command line and the admin use, then its replace_questions: the form always
holds a valid list. Members edit it: it is agency data their links ask, like the links
themselves (the owner-only pages are the team, settings, branding and API keys).
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencyaccess.accounts.access import agency_view
from agencyaccess.clients.models import Language
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.tenancy import AgencyRequest
from agencyaccess.links.intake_questions import (
    LANGUAGES,
    MAX_CHOICES,
    MAX_KEY,
    MAX_LABEL,
    QUESTION_FIELDS,
    clean_question,
    parse_questions,
    replace_questions,
)
from agencyaccess.links.models import IntakeForm, QuestionType

Question = dict[str, Any]


def form_of(request: AgencyRequest) -> IntakeForm | None:
    return IntakeForm.objects.filter(agency_id=request.agency_id).first()


def questions_of(form: IntakeForm | None) -> list[Question]:
    """The questions in their order, in the shape intake_questions checks."""
    if form is None:
        return []
    return [
        {name: getattr(question, name) for name in QUESTION_FIELDS}
        for question in form.questions.order_by("position", "id")
    ]


def save_questions(
    request: AgencyRequest, form: IntakeForm | None, questions: list[Question]
) -> None:
    """The form asks exactly these from now on; ActionError when they are not a valid form."""
    checked = parse_questions(questions) if questions else []
    enabled = form.enabled if form is not None else True
    replace_questions(request.agency, checked, enabled=enabled)


def index_of(questions: list[Question], key: str) -> int:
    for index, question in enumerate(questions):
        if question["key"] == key:
            return index
    raise Http404("Your intake form has no question with this key.")


def back_to(key: str = "", *, focus: str = "") -> HttpResponse:
    """To the editor, at the question; `focus` names the button to focus there (autofocus,
    which htmx honours in what it swaps in too), so a keyboard user keeps their place."""
    query = f"?{urlencode({'focus': focus})}" if focus else ""
    return redirect(reverse("links-intake-form") + query + (f"#question-{key}" if key else ""))


@require_GET
@agency_view()
def intake_form(request: AgencyRequest) -> HttpResponse:
    form = form_of(request)
    questions = questions_of(form)
    return render(
        request,
        "links/intake_editor.html",
        {
            "enabled": form is None or form.enabled,  # a new form starts enabled
            "questions": [
                QuestionRow(question, focus_in(request.GET.get("focus", ""), index, questions))
                for index, question in enumerate(questions)
            ],
        },
    )


def focus_in(focus: str, index: int, questions: list[Question]) -> str:
    """Which move button of this question gets the focus: "up" or "down" (the other one when
    the question reached an end, where that button is disabled), or ""."""
    direction, _sep, key = focus.partition(":")
    if key != questions[index]["key"] or direction not in ("up", "down"):
        return ""
    if direction == "up" and index == 0:
        return "down" if len(questions) > 1 else ""
    if direction == "down" and index == len(questions) - 1:
        return "up" if len(questions) > 1 else ""
    return direction


@dataclass(frozen=True)
class QuestionRow:
    question: Question
    focus: str = ""  # the move button to focus: "up", "down" or ""

    @property
    def type_label(self) -> str:
        return QuestionType(self.question["type"]).label

    @property
    def translations(self) -> list[tuple[str, str, str]]:
        """(language code, its name, the label in it or "") besides English."""
        labels = self.question["labels"]
        return [(code, Language(code).label, labels.get(code, "")) for code in LANGUAGES[1:]]


@require_POST
@agency_view()
def enable_intake(request: AgencyRequest) -> HttpResponse:
    enabled = request.POST.get("enabled") == "on"
    IntakeForm.objects.update_or_create(
        agency_id=request.agency_id,
        defaults={"enabled": enabled},
    )
    if enabled:
        messages.success(request, "The intake form is enabled: new links can ask for it.")
    else:
        messages.success(
            request,
            "The intake form is disabled: new links cannot ask for it. Links that already do "
            "keep it.",
        )
    return back_to()


# "key | English | Spanish | Dutch | ...": a choice's line in the editor.
CHOICE_PARTS = " | ".join(["key", *(str(Language(code).label) for code in LANGUAGES)])


def translated_label(language: Language) -> forms.CharField:
    """The question's optional text in one client language other than English."""
    return forms.CharField(
        max_length=MAX_LABEL,
        required=False,
        label=f"Question in {language.label}",
        help_text=f"Left empty, {language.label}-speaking clients read the English.",
    )


class QuestionForm(forms.Form):
    key = forms.CharField(
        max_length=MAX_KEY,
        help_text="Letters, digits, _ or -, such as monthly_budget. Zapier shows the answer as "
        "client.intakeForm.<key>; answers already given stay under the key they had.",
    )
    type = forms.ChoiceField(choices=QuestionType.choices)
    required = forms.BooleanField(required=False, label="Required")
    label_en = forms.CharField(max_length=MAX_LABEL, label="Question in English")
    choices = forms.CharField(
        required=False,
        max_length=MAX_CHOICES * (MAX_KEY + len(LANGUAGES) * (MAX_LABEL + 3)),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        label="Choices",
        help_text=f"Single and multiple choice only. One a line: {CHOICE_PARTS}, such as: "
        "small | Under 1,000 | Menos de 1.000 | Minder dan 1.000 (languages left out at the end "
        "read the English)",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in LANGUAGES[1:]:
            self.fields[f"label_{code}"] = translated_label(Language(code))
        self.order_fields(["key", "type", "required", *(f"label_{c}" for c in LANGUAGES)])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        raw = {
            "key": data["key"].strip(),
            "type": data["type"],
            "required": data["required"],
            "labels": {code: data[f"label_{code}"] for code in LANGUAGES if data[f"label_{code}"]},
            "choices": choice_lines(data["choices"]),
        }
        try:
            data["question"] = clean_question(raw, "This question")
        except ActionError as e:
            raise ValidationError(e.message) from None
        return data


def choice_lines(text: str) -> list[dict[str, Any]]:
    """'key | English | Spanish | Dutch | ...' lines -> choices, for clean_question to check."""
    choices = []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), 1):
        key, *labels = (part.strip() for part in line.split("|"))
        if len(labels) > len(LANGUAGES):
            raise ValidationError(
                f"Choice {number} has {len(labels) + 1} parts; a choice is {CHOICE_PARTS}."
            )
        languages = zip(LANGUAGES, labels, strict=False)
        choices.append({"key": key, "labels": {code: label for code, label in languages if label}})
    return choices


def initial_of(question: Question) -> dict[str, Any]:
    labels = question["labels"]
    return {
        "key": question["key"],
        "type": question["type"],
        "required": question["required"],
        **{f"label_{code}": labels.get(code, "") for code in LANGUAGES},
        "choices": "\n".join(
            " | ".join(
                [choice["key"], *(choice["labels"].get(code, "") for code in LANGUAGES)]
            ).rstrip(" |")
            for choice in question["choices"]
        ),
    }


@require_http_methods(["GET", "POST"])
@agency_view()
def add_question(request: AgencyRequest) -> HttpResponse:
    return edit(request, None)


@require_http_methods(["GET", "POST"])
@agency_view()
def edit_question(request: AgencyRequest, key: str) -> HttpResponse:
    return edit(request, key)


def edit(request: AgencyRequest, key: str | None) -> HttpResponse:
    """Add a question at the end (key None), or change one in place."""
    form = form_of(request)
    questions = questions_of(form)
    index = len(questions) if key is None else index_of(questions, key)
    if request.method == "POST":
        question_form = QuestionForm(request.POST)
    elif key is None:
        question_form = QuestionForm(initial={"type": QuestionType.SHORT_TEXT})
    else:
        question_form = QuestionForm(initial=initial_of(questions[index]))
    if question_form.is_valid():
        question = question_form.cleaned_data["question"]
        changed = [*questions[:index], question, *questions[index + 1 :]]
        try:
            save_questions(request, form, changed)
        except ActionError as e:
            question_form.add_error(None, e.message)
        else:
            messages.success(request, f"Question {question['key']} saved.")
            return back_to(question["key"])
    return render(
        request,
        "links/intake_question.html",
        {"question_form": question_form, "key": key},
        status=400 if question_form.errors else 200,
    )


@require_POST
@agency_view()
def move_question(request: AgencyRequest, key: str) -> HttpResponse:
    """One place up or down (htmx swaps the list in place; without it the page reloads)."""
    form = form_of(request)
    questions = questions_of(form)
    index = index_of(questions, key)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
        save_questions(request, form, questions)
    return back_to(key, focus=f"{direction}:{key}")


@require_http_methods(["GET", "POST"])
@agency_view()
def delete_question(request: AgencyRequest, key: str) -> HttpResponse:
    form = form_of(request)
    questions = questions_of(form)
    index = index_of(questions, key)
    if request.method == "POST":
        save_questions(request, form, [*questions[:index], *questions[index + 1 :]])
        messages.success(request, f"Question {key} removed.")
        return back_to()
    return render(
        request,
        "links/intake_question_delete.html",
        {"question": questions[index], "last": len(questions) == 1},
    )
