"""Failed logins, counted per e-mail address and per client address in every process.

Only failures count: a wrong password, or a wrong code at the two-factor step. The e-mail
limit stops guessing one account's password; the address limit, higher because an office shares
one address, stops trying one common password on many accounts.
"""

import hashlib
import math

from django.http import HttpRequest

from agencyaccess.apikeys import ratelimit

WINDOW_SECONDS = 15 * 60
FAILURES_PER_EMAIL = 5
FAILURES_PER_ADDRESS = 20


def _buckets(request: HttpRequest, email: str) -> list[tuple[str, int]]:
    # Hashed so that the counter table holds no addresses, and fits its column whatever the length.
    email_digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [
        (f"login:email:{email_digest}", FAILURES_PER_EMAIL),
        (f"login:ip:{request.META.get('REMOTE_ADDR', '')}", FAILURES_PER_ADDRESS),
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
