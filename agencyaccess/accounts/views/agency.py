"""The agency's own pages: settings, branding and its logo, and choosing or starting an agency."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from agencyaccess.accounts import actions
from agencyaccess.accounts.access import SESSION_AGENCY, agency_view
from agencyaccess.accounts.forms import (
    LOGO_CONTENT_TYPES,
    AgencyNameForm,
    BrandingForm,
    NotificationDefaultsForm,
    SettingsForm,
)
from agencyaccess.accounts.models import Agency, Membership, User
from agencyaccess.apikeys.capabilities import SETTINGS_MANAGE
from agencyaccess.audit.log import Action, record_changes
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.lib.tenancy import AgencyRequest
from agencyaccess.notify.preferences import Preferences


@agency_view(SETTINGS_MANAGE)
def agency_settings(request: AgencyRequest) -> HttpResponse:
    agency = request.agency
    form = SettingsForm(request.POST or None, instance=agency)
    notifications = NotificationDefaultsForm(
        agency, Preferences.of_agencies([agency.pk]), request.POST or None
    )
    # A list, not `and`: both forms are checked, so both show their errors.
    if request.method == "POST" and all([form.is_valid(), notifications.is_valid()]):
        with transaction.atomic():
            form.save()
            notifications.save()
            record_changes(request, Action.SETTINGS_CHANGED, form, notifications)
        messages.success(request, "Settings saved.")
        return redirect("accounts-settings")
    context = {"form": form, "notifications": notifications}
    invalid = form.errors or notifications.errors
    return render(request, "accounts/settings.html", context, status=400 if invalid else 200)


def _brand(agency: Agency) -> dict[str, str]:
    """The branding as the client's pages read it (onboarding/pages.py)."""
    return {
        "name": agency.shown_name,
        "color": agency.brand_color,
        "theme": agency.theme,
        "logo_url": agency.logo.url if agency.logo else "",
    }


@agency_view(SETTINGS_MANAGE)
def branding(request: AgencyRequest) -> HttpResponse:
    agency = request.agency
    form = BrandingForm(request.POST or None, request.FILES or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if logo := form.cleaned_data["logo"]:
                actions.set_logo(agency, logo, form.logo_extension)
            record_changes(request, Action.BRANDING_CHANGED, form)
        messages.success(request, "Branding saved. Your clients see it on their next page.")
        return redirect("accounts-branding")
    context = {"form": form, "brand": _brand(agency)}
    return render(request, "accounts/branding.html", context, status=400 if form.errors else 200)


@agency_view(SETTINGS_MANAGE)
@require_POST
def preview_branding(request: AgencyRequest) -> HttpResponse:
    """The preview for the values being typed (htmx), saving nothing; a value that is not valid
    yet shows the saved one."""
    agency = request.agency
    BrandingForm(request.POST, instance=agency).is_valid()  # sets the valid values on `agency`
    return render(request, "accounts/_brand_preview.html", {"brand": _brand(agency)})


@agency_view(SETTINGS_MANAGE)
@require_POST
def remove_logo(request: AgencyRequest) -> HttpResponse:
    with transaction.atomic():
        actions.remove_logo(request.agency)
        record_changes(request, Action.BRANDING_CHANGED, fields=["logo"])
    messages.success(request, "The logo is removed: clients see your name's first letter.")
    return redirect("accounts-branding")


@require_safe
def serve_logo(request: HttpRequest, agency_id: str, filename: str) -> HttpResponseBase:
    """An agency's current logo, for anyone (clients see it); uploads are not served otherwise."""
    # Anything that cannot be an id is not looked up (PostgreSQL refuses a NUL byte outright).
    if not looks_like_public_id(agency_id):
        raise Http404
    agency = Agency.objects.filter(public_id=agency_id).only("logo").first()
    if agency is None or agency.logo.name != f"logos/{agency_id}/{filename}":
        raise Http404
    try:
        file = agency.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = LOGO_CONTENT_TYPES[filename.rpartition(".")[2]]
    response = FileResponse(file, content_type=content_type)
    # A new logo gets a new name, so this one never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    # Checked to be an image when uploaded; should a file still hide a document, it runs nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def switch_agency(request: HttpRequest) -> HttpResponse:
    """Work in another of the user's agencies, for this session."""
    chosen = request.POST.get("agency", "")
    # Anything that cannot be an id is not looked up (PostgreSQL refuses a NUL byte outright).
    membership = (
        Membership.objects.select_related("agency")
        .filter(user=cast(User, request.user), agency__public_id=chosen)
        .first()
        if looks_like_public_id(chosen)
        else None
    )
    if membership is None:
        raise Http404
    request.session[SESSION_AGENCY] = membership.agency.public_id
    messages.success(request, f"You are working in {membership.agency.name}.")
    return redirect(settings.LOGIN_REDIRECT_URL)


@login_required
def no_agency(request: HttpRequest) -> HttpResponse:
    """For a user in no agency (removed from their team, say): start one."""
    user = cast(User, request.user)
    if user.memberships.exists():
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = AgencyNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agency = actions.start_agency(user, form.cleaned_data["name"])
        request.session[SESSION_AGENCY] = agency.public_id
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/no_agency.html", {"form": form})
