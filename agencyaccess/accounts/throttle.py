"""Attempts counted per client address (and, for logins, per e-mail address) in 15-minute
windows, in the shared rate-limit counter, so every process sees the same counts.

Logins count only failures: a wrong password, or a wrong code at the two-factor step. The e-mail
limit stops guessing one account's password; the address limit, higher because an office shares
one address, stops trying one common password on many accounts.

Sign-ups and password-reset requests count every submission from an address: each can create
an account or send an e-mail, and each answer tells something about an address typed.
"""

import hashlib
import math
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from agencyaccess.apikeys import ratelimit
from agencyaccess.lib.addresses import client_address

WINDOW_SECONDS = 15 * 60
FAILURES_PER_EMAIL = 5
FAILURES_PER_ADDRESS = 20
SIGN_UPS_PER_ADDRESS = 10
RESETS_PER_ADDRESS = 10


def _address_bucket(request: HttpRequest, action: str) -> str:
    return f"{action}:ip:{client_address(request)}"


def _buckets(request: HttpRequest, email: str) -> list[tuple[str, int]]:
    # Hashed so that the counter table holds no addresses, and fits its column whatever the length.
    email_digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [
        (f"login:email:{email_digest}", FAILURES_PER_EMAIL),
        (_address_bucket(request, "login"), FAILURES_PER_ADDRESS),
    ]


def minutes_until_allowed(request: HttpRequest, email: str) -> int:
    """0 when this login may be tried, else the minutes until the window with too many failures
    ends."""
    waits = [
        usage.retry_after()
        for bucket, limit in _buckets(request, email)
        if (usage := ratelimit.peek(bucket, limit, WINDOW_SECONDS)).remaining == 0
    ]
    return math.ceil(max(waits) / 60) if waits else 0


def record_failure(request: HttpRequest, email: str) -> None:
    for bucket, limit in _buckets(request, email):
        ratelimit.hit(bucket, limit, WINDOW_SECONDS)


def in_minutes(minutes: int) -> str:
    """ "1 minute", "15 minutes"."""
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def limit_posts_per_address(action: str, limit: int) -> Callable:
    """A view decorator: every POST counts for the client's address; over `limit` in a window,
    the view does not run and the person is told how long to wait (429 with Retry-After)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def throttled(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                usage = ratelimit.hit(_address_bucket(request, action), limit, WINDOW_SECONDS)
                if usage.exceeded:
                    return _too_many(request, usage.retry_after())
            return view(request, *args, **kwargs)

        return throttled

    return decorator


def _too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    wait = in_minutes(math.ceil(seconds / 60))
    response = render(request, "accounts/too_many.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(seconds)
    return response
