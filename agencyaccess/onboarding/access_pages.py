"""The public page of an access page (links/access_pages.py has the agency's editor): at
/p/<page id>/ a visitor says who they are and is sent on to a new link of their own, made by
links.actions.welcome. Outside the dashboard, like the client's /l/<link>/, and translated."""

import logging

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from agencyaccess.apikeys import ratelimit
from agencyaccess.lib.addresses import client_address
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.lib.text import OneLineField
from agencyaccess.links.actions import welcome
from agencyaccess.links.models import AccessPage
from agencyaccess.onboarding.pages import LANGUAGES, branding, not_found, remember_language

logger = logging.getLogger(__name__)

# Visitors' submissions a minute from one address: a person sends one, a bot many.
VISITS_PER_MINUTE = 10


class VisitorForm(forms.Form):
    name = OneLineField(max_length=200, label=gettext_lazy("Your name"))
    email = forms.EmailField(max_length=254, label=gettext_lazy("Your e-mail address"))
    company = forms.CharField(max_length=200, required=False, label=gettext_lazy("Company"))
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=gettext_lazy("Language"))
    # Left empty by people, who never see it; filled by bots that fill every field.
    extra = forms.CharField(required=False)


@require_http_methods(["GET", "POST"])
def visit(request: HttpRequest, page_id: str) -> HttpResponse:
    """GET /p/<page id>/: a visitor enters who they are, and is sent on to a new link."""
    # Anything that cannot be an id is not looked up (PostgreSQL refuses a NUL byte outright).
    page = (
        AccessPage.objects.select_related("agency").filter(public_id=page_id).first()
        if looks_like_public_id(page_id)
        else None
    )
    if page is None or not page.enabled:
        return not_found(request)
    language = request.POST.get("language") or request.GET.get("language")
    if language in LANGUAGES:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    problem = ""
    if request.method == "POST":
        usage = ratelimit.hit(f"access-page:{client_address(request)}", VISITS_PER_MINUTE)
        if usage.exceeded:
            response = render(request, "onboarding/too_many.html", status=429)
            response["Retry-After"] = str(usage.retry_after())
            return response
        form = VisitorForm(request.POST)
        if form.is_valid() and not form.cleaned_data["extra"]:
            try:
                link = welcome(page, form.cleaned_data)
            except ActionError as e:
                logger.warning("access page %s refused a visitor: %s", page.public_id, e.message)
                problem = _(
                    "This page cannot take new requests right now. Please try again later, or "
                    "get in touch with the agency that shared it."
                )
            else:
                remember_language(request, link, form.cleaned_data["language"])
                return HttpResponseRedirect(link.url)
    else:
        form = VisitorForm(initial={"language": translation.get_language()})
    return render(
        request,
        "links/access_page_public.html",
        {
            **branding(page.agency),
            "page": page,
            "form": form,
            "problem": problem,
            "platforms": list(page.requested_accounts),
        },
        status=409 if problem else 400 if request.method == "POST" else 200,
    )
