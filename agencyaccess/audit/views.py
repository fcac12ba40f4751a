"""The owners' audit page (/audit/) and its CSV, with the same filters."""

import json
from datetime import UTC

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencyaccess.accounts.access import agency_view
from agencyaccess.apikeys.capabilities import AUDIT_VIEW
from agencyaccess.audit.filters import AuditFilterForm
from agencyaccess.audit.log import Action
from agencyaccess.audit.models import AuditEntry
from agencyaccess.lib.csv_export import csv_response
from agencyaccess.lib.pages import page_number, paginate
from agencyaccess.lib.tenancy import AgencyRequest

CSV_CHUNK = 2000
CSV_HEADER = (
    "When (UTC)",
    "Action",
    "Done by",
    "Actor id",
    "Actor",
    "Target type",
    "Target id",
    "Target",
    "Address",
    "Details",
)


@agency_view(AUDIT_VIEW)
@require_GET
def audit_log(request: AgencyRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "page": None}, status=400)
    page = paginate(form.entries(request.agency_id), page_number(request.GET.get("page")))
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "rows": [Shown(entry) for entry in page.items]},
    )


@agency_view(AUDIT_VIEW)
@require_GET
def audit_csv(request: AgencyRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/log.html", {"form": form, "page": None}, status=400)
    entries = form.entries(request.agency_id).iterator(chunk_size=CSV_CHUNK)
    return csv_response(
        f"audit-{timezone.now():%Y%m%d}.csv", CSV_HEADER, (csv_row(entry) for entry in entries)
    )


class Shown:
    """An entry as the page reads it."""

    def __init__(self, entry: AuditEntry) -> None:
        self.entry = entry

    @property
    def action(self) -> str:
        return _action_label(self.entry.action)

    @property
    def details(self) -> str:
        return ", ".join(f"{key}: {_text(value)}" for key, value in self.entry.details.items())


def csv_row(entry: AuditEntry) -> tuple[str, ...]:
    return (
        entry.occurred.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        entry.action,
        entry.get_actor_kind_display(),
        entry.actor_id,
        entry.actor_name,
        entry.target_type,
        entry.target_id,
        entry.target_name,
        entry.address or "",
        json.dumps(entry.details, sort_keys=True) if entry.details else "",
    )


def _action_label(action: str) -> str:
    """The action's name; an action this version does not know (written by a newer one) as
    stored."""
    try:
        return str(Action(action).label)
    except ValueError:
        return action


def _text(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
