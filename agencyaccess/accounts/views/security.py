"""The signed-in user's own security: password, two-factor authentication, recovery codes."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencyaccess.accounts import actions, twofactor
from agencyaccess.accounts.access import agency_view
from agencyaccess.accounts.forms import (
    ChangePasswordForm,
    EnableTwoFactorForm,
    ReauthenticateForm,
    Reauthentication,
)
from agencyaccess.accounts.models import User
from agencyaccess.lib.tenancy import AgencyRequest

# The secret shown while the user sets up their app; saved on the user once a code matches.
SESSION_TOTP_SETUP = "totp_setup_secret"


def _user(request: AgencyRequest) -> User:
    return cast(User, request.user)  # agency_view has checked the login


def _password_check(request: AgencyRequest, prefix: str, data=None) -> ReauthenticateForm:
    """The password that confirms turning two-factor off or new recovery codes (the session
    already passed the code step)."""
    return ReauthenticateForm(request, _user(request), data, prefix=prefix, with_code=False)


def _security_page(request: AgencyRequest, **refused: Reauthentication) -> HttpResponse:
    """The security page, fresh; or with the form given refused (bound, showing its errors):
    400, or 429 with Retry-After while wrong passwords pause the checks and logging in."""
    user = _user(request)
    context = {
        "password_form": ChangePasswordForm(request, user),
        "disable_form": _password_check(request, "disable"),
        "codes_form": _password_check(request, "codes"),
        "codes_left": user.recovery_codes.filter(used__isnull=True).count(),
    }
    response = render(request, "accounts/security.html", context | refused, status=200)
    for form in refused.values():
        response.status_code = 429 if form.throttled_minutes else 400
        if form.throttled_minutes:
            response["Retry-After"] = str(form.throttled_minutes * 60)
    return response


@agency_view()
def security(request: AgencyRequest) -> HttpResponse:
    return _security_page(request)


@agency_view()
@require_POST
def change_password(request: AgencyRequest) -> HttpResponse:
    form = ChangePasswordForm(request, _user(request), request.POST)
    if not form.is_valid():
        return _security_page(request, password_form=form)
    form.save()
    update_session_auth_hash(request, form.user)  # stay logged in here, logged out elsewhere
    messages.success(request, "Your password is changed.")
    return redirect("accounts-security")


@agency_view()
def enable_two_factor(request: AgencyRequest) -> HttpResponse:
    """Show a new secret as a QR code; turn two-factor on once the app's code matches it."""
    user = _user(request)
    if user.has_two_factor:
        return redirect("accounts-security")
    secret = request.session.setdefault(SESSION_TOTP_SETUP, twofactor.new_secret())
    form = EnableTwoFactorForm(secret, request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = actions.enable_two_factor(user, secret, form.step)
        del request.session[SESSION_TOTP_SETUP]
        return _recovery_codes_page(request, codes, "Two-factor authentication is on.")
    uri = twofactor.setup_uri(secret, user.email)
    context = {
        "form": form,
        # In groups of four, as apps accept it, so that it can be typed without losing one's place.
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_code": twofactor.qr_code_svg(uri),
    }
    return _no_store(render(request, "accounts/enable_two_factor.html", context))


@agency_view()
@require_POST
def disable_two_factor(request: AgencyRequest) -> HttpResponse:
    form = _password_check(request, "disable", request.POST)
    if not form.is_valid():
        return _security_page(request, disable_form=form)
    actions.disable_two_factor(_user(request))
    messages.success(request, "Two-factor authentication is off.")
    return redirect("accounts-security")


@agency_view()
@require_POST
def renew_recovery_codes(request: AgencyRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_two_factor:
        return redirect("accounts-security")
    form = _password_check(request, "codes", request.POST)
    if not form.is_valid():
        return _security_page(request, codes_form=form)
    codes = actions.renew_recovery_codes(user)
    return _recovery_codes_page(request, codes, "Here are new recovery codes.")


def _recovery_codes_page(request: AgencyRequest, codes: list[str], heading: str) -> HttpResponse:
    # Shown once, in this response: only digests are kept, so no later page can show them.
    context = {"codes": codes, "heading": heading}
    return _no_store(render(request, "accounts/recovery_codes.html", context))


def _no_store(response: HttpResponse) -> HttpResponse:
    """Secrets on a page: no copy in the browser's cache or history."""
    response["Cache-Control"] = "no-store"
    return response
