"""The signed-in user's own notification e-mails: per agency they belong to and per kind,
immediately, in a daily digest, off, or the agency's default (notify/preferences.py)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from agencyaccess.accounts.access import agency_view
from agencyaccess.accounts.forms import OwnNotificationsForm
from agencyaccess.lib.tenancy import AgencyRequest
from agencyaccess.notify.preferences import Preferences


@agency_view()
@require_http_methods(["GET", "POST"])
def notifications(request: AgencyRequest) -> HttpResponse:
    memberships = request.memberships  # all the user's, whichever agency they work in now
    form = OwnNotificationsForm(
        memberships, Preferences.of_memberships(memberships), request.POST or None
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():  # every agency's choices, or none
            form.save()
        messages.success(request, "Your notification settings are saved.")
        return redirect("accounts-notifications")
    return render(
        request, "accounts/notifications.html", {"form": form}, status=400 if form.errors else 200
    )
