"""Opening a team invitation's link: join at once, or log in, or sign up with the invited address."""

from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from agencyaccess.accounts import actions
from agencyaccess.accounts.access import SESSION_AGENCY
from agencyaccess.accounts.forms import InvitedSignUpForm
from agencyaccess.accounts.models import Invitation, User
from agencyaccess.lib.addresses import client_address
from agencyaccess.lib.errors import ActionError


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = Invitation.objects.for_token(token)
    if invitation is None or invitation.expired:
        # Used, revoked, mistyped or too old: the same advice for all.
        status = 410 if invitation else 404
        return render(request, "accounts/invitation_invalid.html", status=status)
    if request.user.is_authenticated:
        return _join_as_current_user(request, invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        messages.info(request, f"Log in as {invitation.email} to join {invitation.agency.name}.")
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts-login')}?{query}")
    return _sign_up_and_join(request, invitation)


def _join_as_current_user(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    user = cast(User, request.user)
    if user.email.lower() != invitation.email:
        context = {"invitation": invitation}
        return render(request, "accounts/invitation_other_user.html", context, status=403)
    if request.method != "POST":
        return render(request, "accounts/invitation_join.html", {"invitation": invitation})
    try:
        actions.join_agency(invitation, user, client_address(request))
    except ActionError as e:  # opened twice, and the other one joined first
        messages.error(request, e.message)
        return redirect(settings.LOGIN_REDIRECT_URL)
    return _joined(request, invitation)


def _sign_up_and_join(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = InvitedSignUpForm(invitation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.sign_up_by_invitation(
                invitation,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
                address=client_address(request),
            )
        except ActionError:  # used meanwhile, in another tab: nothing was created
            return render(request, "accounts/invitation_invalid.html", status=410)
        login(request, user)
        return _joined(request, invitation)
    context = {"form": form, "invitation": invitation}
    return render(request, "accounts/invitation_sign_up.html", context)


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    request.session[SESSION_AGENCY] = invitation.agency.public_id
    messages.success(request, f"Welcome to the {invitation.agency.name} team.")
    return redirect(settings.LOGIN_REDIRECT_URL)
