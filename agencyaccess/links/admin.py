"""Django admin for the intake forms: each agency's questions, checked as the command line
checks them (links/intake_questions.py)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from agencyaccess.lib.errors import ActionError
from agencyaccess.links.intake_questions import QUESTION_FIELDS, clean_question
from agencyaccess.links.models import IntakeForm, IntakeQuestion


class IntakeQuestionForm(forms.ModelForm):
    class Meta:
        model = IntakeQuestion
        fields = ("position", *QUESTION_FIELDS)
        help_texts = {
            "labels": 'In each client language, "en" required: {"en": "…", "es": "…", "nl": "…"}',
            "choices": 'Single and multiple choice only: [{"key": "…", "labels": {"en": "…"}}]',
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data.update(
                clean_question({key: data.get(key) for key in QUESTION_FIELDS}, "this question")
            )
        except ActionError as e:
            raise ValidationError(e.message) from None
        return data


class IntakeQuestionInline(admin.StackedInline):
    model = IntakeQuestion
    form = IntakeQuestionForm
    extra = 0
    ordering = ("position", "id")


@admin.register(IntakeForm)
class IntakeFormAdmin(admin.ModelAdmin):
    list_display = ("agency", "enabled", "question_count")
    list_filter = ("enabled",)
    search_fields = ("agency__name",)
    list_select_related = ("agency",)
    raw_id_fields = ("agency",)
    inlines = (IntakeQuestionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[IntakeForm]:
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, form: IntakeForm) -> int:
        return form.question_total  # type: ignore[attr-defined]
