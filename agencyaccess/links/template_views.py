"""The dashboard's template pages: the list, and creating, editing and deleting a template with
the Requested Accounts Builder (links/builder.py).

A template is checked as an access page's requestedAccounts is (links.access_pages.check_page,
for a client rather than a prospect): it can only name the agency's own connected accounts.
Whoever may create links may manage templates (links:create), the owner and teammates alike.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agencyaccess.accounts.access import agency_view
from agencyaccess.apikeys.capabilities import LINKS_CREATE
from agencyaccess.clients.models import ClientType
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.links.access_pages import check_page
from agencyaccess.links.builder import (
    RequestedAccounts,
    builder_for,
    requested_accounts_from,
)
from agencyaccess.links.link_templates import described, template_menu
from agencyaccess.links.models import LinkTemplate


class LinkTemplateForm(forms.Form):
    """A template's name; its services come from the builder's fields, which are not fields of
    this form."""

    name = forms.CharField(
        max_length=200, help_text='For your team, such as "SEO package" or "Paid social".'
    )

    def __init__(
        self,
        agency_id: int,
        data: QueryDict | None = None,
        *,
        template: LinkTemplate | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        self.agency_id = agency_id
        self.template = template
        self.chosen = requested_accounts_from(data, prospect=False) if data is not None else {}

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = LinkTemplate.objects.filter(agency_id=self.agency_id, name=name)
        if self.template is not None:
            others = others.exclude(pk=self.template.pk)
        if others.exists():
            raise forms.ValidationError(f"Your agency already has a template named {name}.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            data["requested_accounts"] = check_page(
                self.agency_id, ClientType.CLIENT, self.chosen, intake_form=False
            )
        except ActionError as e:
            self.add_error(None, e.message)
        return data


@dataclass(frozen=True)
class TemplateRow:
    template: LinkTemplate
    services: list[str]


@require_GET
@agency_view(LINKS_CREATE)
def templates_list(request: AgencyRequest) -> HttpResponse:
    rows = [
        TemplateRow(template, described(template.requested_accounts))
        for template in template_menu(request.agency_id)
    ]
    return render(request, "links/templates.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@agency_view(LINKS_CREATE)
def templates_create(request: AgencyRequest) -> HttpResponse:
    form = LinkTemplateForm(request.agency_id, request.POST if request.method == "POST" else None)
    if form.is_valid():
        template = LinkTemplate(agency_id=request.agency_id)
        _save(template, form.cleaned_data)
        messages.success(request, f"Template {template.name} created.")
        return redirect("links-templates")
    return _editor(request, form, None, form.chosen)


@require_http_methods(["GET", "POST"])
@agency_view(LINKS_CREATE)
def templates_edit(request: AgencyRequest, template_id: str) -> HttpResponse:
    template = agency_object(request, LinkTemplate, "template", public_id=template_id)
    if request.method == "POST":
        form = LinkTemplateForm(request.agency_id, request.POST, template=template)
        if form.is_valid():
            _save(template, form.cleaned_data)
            messages.success(request, f"Template {template.name} saved.")
            return redirect("links-templates")
        return _editor(request, form, template, form.chosen)
    form = LinkTemplateForm(request.agency_id, template=template, initial={"name": template.name})
    return _editor(request, form, template, template.requested_accounts)


@require_http_methods(["GET", "POST"])
@agency_view(LINKS_CREATE)
def templates_delete(request: AgencyRequest, template_id: str) -> HttpResponse:
    template = agency_object(request, LinkTemplate, "template", public_id=template_id)
    if request.method == "POST":
        template.delete()
        messages.success(request, f"Template {template.name} deleted.")
        return redirect("links-templates")
    return render(request, "links/template_delete.html", {"template": template})


def _editor(
    request: AgencyRequest,
    form: LinkTemplateForm,
    template: LinkTemplate | None,
    shown: RequestedAccounts,
) -> HttpResponse:
    return render(
        request,
        "links/template_form.html",
        {
            "form": form,
            "template": template,
            "platforms": builder_for(request.agency_id, shown, prospect=False),
        },
        status=400 if form.errors else 200,
    )


def _save(template: LinkTemplate, data: dict[str, Any]) -> None:
    template.name = data["name"]
    template.requested_accounts = data["requested_accounts"]
    template.save()
