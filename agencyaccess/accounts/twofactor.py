"""Two-factor login: TOTP codes from an authenticator app (RFC 6238), or single-use recovery codes.

The TOTP secret is stored encrypted (lib/crypto); recovery codes only as HMAC digests. Both kinds
of code are refused a second time: a recovery code is marked used, and a TOTP code's time step
must be later than the last one accepted (User.totp_last_step: logging in, re-authenticating and
the code that turned two-factor on all count).
"""

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from django.utils import timezone
from django.utils.crypto import salted_hmac

from agencyaccess.accounts.models import RecoveryCode, User
from agencyaccess.lib import crypto

ISSUER = "AgencyAccess"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are read off paper and typed by hand.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def setup_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The QR code as an inline <svg> element: no script and no image request (CSP)."""
    return segno.make(uri, error="m").svg_inline(
        scale=4, light="#fff", title="QR code for your authenticator app"
    )


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step whose code this is, allowing one step (30 s) of clock drift either way."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now or timezone.now())
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def new_recovery_codes() -> list[str]:
    """Codes such as 'k7dm2-x9qpa': 50 random bits each, in two halves for reading."""
    return [
        "-".join("".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def recovery_digest(code: str) -> str:
    # Codes are typed back with any case, spaces or dash: compare their letters only.
    letters = "".join(c for c in code.lower() if c.isalnum())
    return salted_hmac("agencyaccess.recovery-code", letters, algorithm="sha256").hexdigest()


def verify(user: User, code: str) -> bool:
    """Whether `code` (six digits from the app, or a recovery code) lets `user` in; uses it up."""
    code = code.strip().replace(" ", "")
    if code.isdigit() and len(code) == 6:
        return _use_app_code(user, code)
    return _use_recovery_code(user, code)


# Both are conditional updates, so that of two requests racing with one code only one passes.
def _use_app_code(user: User, code: str) -> bool:
    step = matching_step(crypto.decrypt(user.totp_secret), code)
    if step is None:
        return False
    later = User.objects.filter(pk=user.pk, totp_last_step__lt=step)
    return later.update(totp_last_step=step) == 1


def _use_recovery_code(user: User, code: str) -> bool:
    unused = RecoveryCode.objects.filter(user=user, digest=recovery_digest(code), used__isnull=True)
    return unused.update(used=timezone.now()) == 1
