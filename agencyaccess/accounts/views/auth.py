"""Signing up, and logging in with a password and, when it is on, a second factor."""

import time

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from agencyaccess.accounts import actions, throttle
from agencyaccess.accounts.forms import CodeForm, LoginForm, SignUpForm
from agencyaccess.accounts.models import User

# Between a right password and a right code: who, where to go next, and until when.
SESSION_PENDING_LOGIN = "pending_login"
PENDING_LOGIN_SECONDS = 5 * 60


def next_url(request: HttpRequest) -> str:
    """Where to go after logging in: the `next` asked for if it is on this site, else home."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(next_url(request))
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        assert user is not None  # a valid form has found the user
        if not user.has_two_factor:
            login(request, user)
            return redirect(next_url(request))
        request.session[SESSION_PENDING_LOGIN] = {
            "user": user.pk,
            "next": next_url(request),
            "until": time.time() + PENDING_LOGIN_SECONDS,
        }
        return redirect("accounts-verify-code")
    context = {"form": form, "next": next_url(request), "sign_up": settings.SIGNUP_ENABLED}
    return render(request, "accounts/login.html", context)


def verify_code(request: HttpRequest) -> HttpResponse:
    """The second step of a login, for users with two-factor authentication on."""
    pending = request.session.get(SESSION_PENDING_LOGIN) or {}
    user = None
    if pending.get("until", 0) > time.time():
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(SESSION_PENDING_LOGIN, None)
        messages.error(request, "Please log in again: the code was not entered in time.")
        return redirect("accounts-login")
    form = CodeForm(request, user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        del request.session[SESSION_PENDING_LOGIN]
        login(request, user)
        return redirect(pending["next"])
    return render(request, "accounts/verify_code.html", {"form": form})


def admin_login(request: HttpRequest) -> HttpResponse:
    """/admin/login/, in place of the admin's own form, which would log staff in with a password
    alone: no second factor, and no limit on failed attempts. Staff log in here like everyone,
    then go on to the admin."""
    if admin.site.has_permission(request):
        return redirect("admin:index")
    if request.user.is_authenticated:
        # Logged in but not staff: the admin's form would offer to log in as someone else.
        raise PermissionDenied
    return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or resolve_url("admin:index"))


@throttle.limit_posts_per_address("sign-up", throttle.SIGN_UPS_PER_ADDRESS)
def sign_up(request: HttpRequest) -> HttpResponse:
    """A new agency and its owner, logged in at once; unless the install has closed sign-up
    (SIGNUP_ENABLED), where people join by invitation only."""
    if not settings.SIGNUP_ENABLED:
        return render(request, "accounts/sign_up_closed.html", status=403)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.sign_up(
            agency_name=form.cleaned_data["agency_name"],
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        login(request, user)
        messages.success(request, f"Welcome! {form.cleaned_data['agency_name']} is ready.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/sign_up.html", {"form": form})
