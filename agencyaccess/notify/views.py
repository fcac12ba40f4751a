"""The public event catalogue: every event type, when it fires, the JSON Schema of its data and
an example body, generated from notify/events.py's CATALOGUE, which also builds and checks the
bodies sent. No login: integrators read it before they have an account."""

import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencyaccess.notify.events import API_VERSION, CATALOGUE


@require_safe
def event_catalogue(request: HttpRequest) -> HttpResponse:
    types = [
        {
            "type": event_type,
            "label": spec.event_type.label,
            # Text and `code` in turn: the odd parts are the ones between backticks.
            "when": re.split(r"`([^`]*)`", spec.when),
            "schema": _pretty(spec.json_schema()),
            "example": _pretty(spec.example_envelope()),
        }
        for event_type, spec in CATALOGUE.items()
    ]
    return render(
        request, "notify/event_catalogue.html", {"types": types, "api_version": API_VERSION}
    )


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
