"""Access pages, the reusable "static" links (reference-product.md §1.5, §2.9): the agency's
list and editor, and the public page where a visitor becomes a client with a new link.

A page keeps what its links ask for in the API's `requestedAccounts` shape, chosen with the
link pages' Requested Accounts Builder (links/builder.py) or pasted as JSON, and it is checked
by what checks the API (links.api's types, links.actions.parse_services), against a client of
the page's type: a page the editor accepts makes the links the API would make. Each visit
checks it again, since accounts can be disconnected and limits reached after it was saved.

Members edit access pages as they create links: no capability beyond membership.
"""

import json
from dataclasses import dataclass
from typing import Any

import pydantic
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agencyaccess.accounts.access import agency_view
from agencyaccess.catalog.requested_accounts import ServiceSpec
from agencyaccess.clients.models import Client, ClientType
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.schemas import validation_message
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.links.actions import (
    check_asks_something,
    has_enabled_intake_form,
    parse_services,
)
from agencyaccess.links.api import RequestedAccountsIn
from agencyaccess.links.builder import (
    RequestedAccounts,
    builder_for,
    requested_accounts_from,
)
from agencyaccess.links.link_templates import chosen_template, described, template_menu
from agencyaccess.links.models import AccessPage, LinkTemplate
from agencyaccess.links.validation import clean_redirect
from agencyaccess.platforms.models import ConnectedAccount

MAX_JSON = 50_000
REQUESTED_ACCOUNTS = pydantic.TypeAdapter(RequestedAccountsIn)


def public_url(page: AccessPage) -> str:
    return settings.SITE_URL + reverse("links-visit-access-page", args=[page.public_id])


def account_ids(requested_accounts: RequestedAccounts) -> set[str]:
    """The internalAccountIDs a requestedAccounts object names."""
    return {
        link.get("internalAccountID")
        for services in requested_accounts.values()
        for config in services.values()
        for link in config.get("requestedAccountLinks") or []
    }


def pages_naming(account: ConnectedAccount) -> list[AccessPage]:
    """The access pages of the account's agency whose links would give it access. An agency
    has a handful of pages: they are read whole rather than searched inside their JSON."""
    pages = AccessPage.objects.filter(agency_id=account.agency_id).order_by("name")
    return [page for page in pages if account.public_id in account_ids(page.requested_accounts)]


# -- Checking what a page asks for ----------------------------------------------------------------


def check_page(
    agency_id: int, client_type: str, requested_accounts: Any, *, intake_form: bool
) -> RequestedAccounts:
    """The page's requestedAccounts as its links would store them (canonical names and levels),
    or ActionError saying what the API would say about it."""
    try:
        typed = REQUESTED_ACCOUNTS.dump_python(
            REQUESTED_ACCOUNTS.validate_python(requested_accounts)
        )
    except pydantic.ValidationError as e:
        raise ActionError(shape_message(e)) from None
    client = Client(agency_id=agency_id, type=client_type)  # a stand-in: only its type counts
    specs = parse_services(agency_id, client, typed)
    check_asks_something(specs, intake_form=intake_form)
    if intake_form and not has_enabled_intake_form(agency_id):
        raise ActionError(
            "Your agency's intake form is disabled or has no questions: enable it on the "
            "Intake form page, or switch the intake form off here."
        )
    return requested_accounts_from_specs(specs)


def shape_message(error: pydantic.ValidationError) -> str:
    """The API's own sentences for a requestedAccounts of the wrong shape."""
    located = [
        {**e, "loc": ("body", "payload", "requestedAccounts", *e["loc"])} for e in error.errors()
    ]
    return validation_message(located)


def requested_accounts_from_specs(specs: list[ServiceSpec]) -> RequestedAccounts:
    requested: RequestedAccounts = {}
    for spec in specs:
        requested.setdefault(spec.service.platform.name, {})[spec.service.name] = {
            "accessLevel": spec.access_level,
            "requested": spec.requested,
            "requestedAccountLinks": [
                {"internalAccountID": link.account.public_id}
                | ({"googleAdsMCCAccountID": link.mcc_id} if link.mcc_id else {})
                for link in spec.account_links
            ],
        }
    return requested


def page_problem(page: AccessPage) -> str:
    """What visitors of a saved page would be told is wrong (for the agency's eyes), or ""."""
    try:
        check_page(
            page.agency_id,
            page.client_type,
            page.requested_accounts,
            intake_form=page.intake_form,
        )
    except ActionError as e:
        return e.message
    return ""


# -- The editor -----------------------------------------------------------------------------------


class AccessPageForm(forms.Form):
    """A page's settings. What its links ask for comes from the Requested Accounts Builder's
    fields (links/builder.py), which are not fields of this form, or from the pasted JSON."""

    name = forms.CharField(max_length=200, help_text="For your team; visitors do not see it.")
    client_type = forms.ChoiceField(
        choices=ClientType.choices,
        label="Visitors become",
        help_text="Prospects are asked for each service's most read-only level, whatever "
        "level is chosen below.",
    )
    intake_form = forms.BooleanField(required=False, label="Ask the intake form")
    thank_you_message = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown when the client has finished.",
    )
    redirect = forms.CharField(
        max_length=500,
        required=False,
        label="Redirect to",
        help_text="Your website to continue to when done, such as yourwebsite.com/thanks.",
    )
    enabled = forms.BooleanField(required=False, initial=True, label="Enabled")
    requested_json = forms.CharField(
        max_length=MAX_JSON,
        required=False,
        label="requestedAccounts JSON",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="As in the API. When filled, it is used instead of the choices above.",
    )

    def __init__(self, agency_id: int, data: QueryDict | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.agency_id = agency_id
        # The builder's choices as sent (unchecked), also to show them again after a mistake.
        # The level menus are read as they are; a prospect page's levels are made read-only by
        # parse_services, as the API does for a prospect's link.
        self.chosen = requested_accounts_from(data, prospect=False) if data is not None else {}

    def basic_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "client_type", "thank_you_message", "redirect")]

    def clean_redirect(self) -> str:
        try:
            return clean_redirect(self.cleaned_data["redirect"])
        except ValueError as e:
            raise ValidationError(f"Redirect {e}.") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        pasted = data["requested_json"].strip()
        try:
            wanted = parse_json(pasted) if pasted else self.chosen
            data["requested_accounts"] = check_page(
                self.agency_id, data["client_type"], wanted, intake_form=data["intake_form"]
            )
        except ActionError as e:
            # Beside the JSON when it was pasted; else above the builder (a non-field error).
            self.add_error("requested_json" if pasted else None, e.message)
        return data


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ActionError("The requestedAccounts JSON is not valid JSON.") from None


@dataclass(frozen=True)
class PageRow:
    page: AccessPage
    url: str
    services: list[str]  # "Google: Google Ads, Google Analytics"


@require_GET
@agency_view()
def access_pages(request: AgencyRequest) -> HttpResponse:
    pages = (
        AccessPage.objects.filter(agency_id=request.agency_id)
        .annotate(link_count=Count("links"))
        .order_by("name", "id")
    )
    rows = [
        PageRow(
            page,
            public_url(page),
            described(page.requested_accounts),
        )
        for page in pages
    ]
    return render(request, "links/access_pages.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@agency_view()
def create_access_page(request: AgencyRequest) -> HttpResponse:
    agency_id = request.agency_id
    form = AccessPageForm(agency_id, request.POST if request.method == "POST" else None)
    if form.is_valid():
        page = AccessPage(agency_id=agency_id)
        save_page(page, form.cleaned_data)
        messages.success(request, f"Access page {page.name} created: share {public_url(page)}")
        return redirect("links-access-pages")
    if request.method == "GET" and (template := chosen_template(request)):
        return editor(request, form, None, template.requested_accounts, template=template)
    return editor(request, form, None, form.chosen)


@require_http_methods(["GET", "POST"])
@agency_view()
def edit_access_page(request: AgencyRequest, page_id: str) -> HttpResponse:
    page = agency_object(request, AccessPage, "access page", public_id=page_id)
    if request.method == "POST":
        form = AccessPageForm(page.agency_id, request.POST)
        if form.is_valid():
            save_page(page, form.cleaned_data)
            messages.success(request, f"Access page {page.name} saved.")
            return redirect("links-access-pages")
        return editor(request, form, page, form.chosen)
    form = AccessPageForm(page.agency_id, initial={name: getattr(page, name) for name in FIELDS})
    if template := chosen_template(request):
        return editor(request, form, page, template.requested_accounts, template=template)
    return editor(request, form, page, page.requested_accounts, problem=page_problem(page))


def editor(
    request: AgencyRequest,
    form: AccessPageForm,
    page: AccessPage | None,
    shown: RequestedAccounts,
    problem: str = "",
    template: LinkTemplate | None = None,
) -> HttpResponse:
    """The editor, its builder showing `shown` (the API's requestedAccounts shape), taken from
    `template` when the agency chose to start from one."""
    context = {
        "form": form,
        "page": page,
        "url": public_url(page) if page else "",
        "problem": problem,
        "platforms": builder_for(form.agency_id, shown, prospect=False),
        "templates": template_menu(form.agency_id),
        "template": template,
    }
    return render(
        request,
        "links/access_page_form.html",
        context,
        status=400 if form.errors else 200,
    )


# The page's own settings, as the form names them.
FIELDS = ("name", "client_type", "intake_form", "thank_you_message", "redirect", "enabled")


def save_page(page: AccessPage, data: dict[str, Any]) -> None:
    for name in FIELDS:
        setattr(page, name, data[name])
    page.requested_accounts = data["requested_accounts"]
    page.save()


@require_http_methods(["GET", "POST"])
@agency_view()
def delete_access_page(request: AgencyRequest, page_id: str) -> HttpResponse:
    page = agency_object(request, AccessPage, "access page", public_id=page_id)
    if request.method == "POST":
        page.delete()
        messages.success(request, f"Access page {page.name} deleted.")
        return redirect("links-access-pages")
    return render(
        request,
        "links/access_page_delete.html",
        {"page": page, "link_count": page.links.count()},
    )


# -- The public page ------------------------------------------------------------------------------
