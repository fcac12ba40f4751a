"""The signed-in user's own security: password, two-factor authentication, recovery codes."""

from typing import cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencyaccess.accounts import actions, twofactor
from agencyaccess.accounts.access import agency_view
from agencyaccess.accounts.forms import EnableTwoFactorForm, PasswordConfirmForm
from agencyaccess.accounts.models import User

# The secret shown while the user sets up their app; saved on the user once a code matches.
SESSION_TOTP_SETUP = "totp_setup_secret"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # agency_view has checked the login


def _security_page(request: HttpRequest, status: int = 200, **forms) -> HttpResponse:
    """The security page, with the forms given (bound, showing their errors) and fresh others."""
    user = _user(request)
    context = {
        "password_form": PasswordChangeForm(user),
        "disable_form": PasswordConfirmForm(user, prefix="disable"),
        "codes_form": PasswordConfirmForm(user, prefix="codes"),
        "codes_left": user.recovery_codes.filter(used__isnull=True).count(),
    }
    return render(request, "accounts/security.html", context | forms, status=status)


@agency_view()
def security(request: HttpRequest) -> HttpResponse:
    return _security_page(request)


@agency_view()
@require_POST
def change_password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(_user(request), request.POST)
    if not form.is_valid():
        return _security_page(request, status=400, password_form=form)
    form.save()
    update_session_auth_hash(request, form.user)  # stay logged in here, logged out elsewhere
    messages.success(request, "Your password is changed.")
    return redirect("accounts-security")


@agency_view()
def enable_two_factor(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code; turn two-factor on once the app's code matches it."""
    user = _user(request)
    if user.has_two_factor:
        return redirect("accounts-security")
    secret = request.session.setdefault(SESSION_TOTP_SETUP, twofactor.new_secret())
    form = EnableTwoFactorForm(secret, request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = actions.enable_two_factor(user, secret)
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
def disable_two_factor(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(_user(request), request.POST, prefix="disable")
    if not form.is_valid():
        return _security_page(request, status=400, disable_form=form)
    actions.disable_two_factor(_user(request))
    messages.success(request, "Two-factor authentication is off.")
    return redirect("accounts-security")


@agency_view()
@require_POST
def renew_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.has_two_factor:
        return redirect("accounts-security")
    form = PasswordConfirmForm(user, request.POST, prefix="codes")
    if not form.is_valid():
        return _security_page(request, status=400, codes_form=form)
    codes = actions.renew_recovery_codes(user)
    return _recovery_codes_page(request, codes, "Here are new recovery codes.")


def _recovery_codes_page(request: HttpRequest, codes: list[str], heading: str) -> HttpResponse:
    # Shown once, in this response: only digests are kept, so no later page can show them.
    context = {"codes": codes, "heading": heading}
    return _no_store(render(request, "accounts/recovery_codes.html", context))


def _no_store(response: HttpResponse) -> HttpResponse:
    """Secrets on a page: no copy in the browser's cache or history."""
    response["Cache-Control"] = "no-store"
    return response
