"""The audit page's filters: what happened, who did it, between which days (UTC)."""

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from agencyaccess.audit.log import Action
from agencyaccess.audit.models import ActorKind, AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *Action.choices]
    )
    by = forms.ChoiceField(
        label=_("Done by"), required=False, choices=[("", _("Anyone")), *ActorKind.choices]
    )
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=300,
        help_text=_("Part of an e-mail address, a key's or a client's name"),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the range comes before its start."))
        return cleaned

    @property
    def filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())

    def entries(self, agency_id: int) -> QuerySet[AuditEntry]:
        """The agency's entries that pass, newest first; call once is_valid()."""
        entries = AuditEntry.objects.filter(agency_id=agency_id)
        data = self.cleaned_data
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["by"]:
            entries = entries.filter(actor_kind=data["by"])
        if data["actor"]:
            entries = entries.filter(actor_name__icontains=data["actor"])
        if data["since"]:
            entries = entries.filter(occurred__gte=_start_of(data["since"]))
        if data["until"]:
            entries = entries.filter(occurred__lt=_start_of(data["until"] + timedelta(days=1)))
        return entries.order_by("-occurred", "-id")


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
