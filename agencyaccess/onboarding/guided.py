"""Guided steps for the services without an API (product.md §3.3).

GET shows short, exact steps in the client's language, with the agency's ids filled in and the
access level named as the platform names it; "Done" (POST) records what the client did: a
grant per receiving account, waiting on the agency (accept the invitation, or request access
with what the client typed), and the service counts as granted.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_http_methods

from agencyaccess.lib.addresses import client_address
from agencyaccess.links.actions import (
    ReceiverNotAllowed,
    answer_service,
    audit_grant,
    receiving_accounts,
)
from agencyaccess.links.models import Grant, Link, RequestedService, ServiceStatus
from agencyaccess.onboarding.journey import journey_of
from agencyaccess.onboarding.pages import not_found, render_page
from agencyaccess.onboarding.steps import FIELD_LABELS, GUIDES, Guide
from agencyaccess.onboarding.views import client_page
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.models import ConnectedAccount


@require_http_methods(["GET", "POST"])
@client_page
def steps(request: HttpRequest, link: Link, service: str) -> HttpResponse:
    requested = link.services.filter(service_key=service, requested=True).first()
    if requested is None:
        return not_found(request)
    if registry.connector_for(requested.service_key) is not None:
        # Services with an API are granted by signing in, from the link page.
        return redirect("onboarding-link", link.public_id)
    try:
        accounts = [row.connected_account for row in receiving_accounts(link, requested)]
    except ReceiverNotAllowed:
        return not_found(request)
    guide = GUIDES[requested.service_key]
    form = guide.form(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        record_done(link, requested, accounts, guide, form.answer(), client_address(request))
        return HttpResponseRedirect(journey_of(link).next_url())
    context = _steps_context(link, requested, accounts, guide) | {
        "form": form,
        "journey": journey_of(link),
    }
    return render_page(
        request, link, "onboarding/steps/page.html", context, status=400 if form.is_bound else 200
    )


def record_done(
    link: Link,
    requested: RequestedService,
    accounts: Iterable[ConnectedAccount],
    guide: Guide,
    answer: str,
    address: str,
) -> None:
    """The client (at `address`) says they followed the steps. Pressing "Done" again replaces
    what was recorded (a new collaborator code, say), and is logged again. The grants are not
    re-checked later: there is no API to ask, so they have no next check."""
    now = timezone.now()
    role = _english(guide, requested.access_level)
    service = requested.service
    with transaction.atomic():
        for account in accounts:
            receiver = ", ".join(_values(account, guide.receiver))
            note = guide.agency_note.format(
                receiver=receiver, role=role, service=service.name, answer=answer
            )
            grant, _ = Grant.objects.update_or_create(
                link=link,
                service_key=requested.service_key,
                connected_account=account,
                defaults={
                    "asset_id": answer,
                    # What the client's page lists the grant as: who receives the access.
                    "asset_name": receiver,
                    "access_level": requested.access_level,
                    "native_role": role,
                    "state": GrantState.PENDING_AGENCY,
                    **Grant.worded(note),
                    "next_action_url": "",
                    "updated": now,
                    "next_check": None,
                    "checks": 0,
                },
            )
            audit_grant(grant, actor=link.client, address=address)
        if requested.status != ServiceStatus.GRANTED:
            answer_service(link, requested, ServiceStatus.GRANTED)


def _english(guide: Guide, level: str) -> str:
    """The platform's name of the level, in English: the agency's note is read in English."""
    with translation.override("en"):
        return str(guide.roles[level])


def _steps_context(
    link: Link, requested: RequestedService, accounts: Sequence[ConnectedAccount], guide: Guide
) -> dict[str, Any]:
    service = requested.service
    platform = service.platform
    # The agency's ids a client may need; others (Google Ads manager ids) stay out of the way.
    fields = [field.key for field in platform.account_fields if field.key in FIELD_LABELS]
    return {
        "service": service,
        "steps_template": f"onboarding/steps/{platform.key}/{service.key}.html",
        "start_url": guide.url_for(link.client),
        "role": format_html("<strong>{}</strong>", guide.roles[requested.access_level]),
        "person": _shown(account.name or account.email for account in accounts),
        # Each of the agency's ids by field key, for the steps' sentences ("Enter {{ email }}").
        **{key: _shown(v for a in accounts for v in _values(a, key)) for key in fields},
        "receivers": [
            [(FIELD_LABELS[key], value) for key in fields for value in _values(account, key)]
            for account in accounts
        ],
    }


def _values(account: ConnectedAccount, key: str) -> list[str]:
    """A field of the agency's account as the client types it: X handles with their @."""
    value = account.field_value(key)
    if not value:
        return []
    text = str(value).strip()
    return ["@" + text.lstrip("@")] if key == "handle" else [text]


def _shown(values: Iterable[str]) -> SafeString:
    return format_html_join(", ", '<strong class="copy">{}</strong>', ((v,) for v in values))
