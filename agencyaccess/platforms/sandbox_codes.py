"""The authorization codes of the sandboxes' sign-in pages, shared by every platform's sandbox.

Each platform's real sign-in hands back a code that can be exchanged once, for a short while,
with the redirect URI it was issued for. The sandboxes keep codes in the database
(`SandboxRecord`, kind "code") so every web process serves the same sign-ins; each sandbox
answers a refused code with its own vendor's error, so this module says why a code was refused
and leaves the wording to the sandbox.
"""

from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.db import transaction
from django.utils import timezone

from agencyaccess.platforms.models import SandboxRecord

KIND = "code"


class Refused(Enum):
    UNKNOWN = "unknown"
    USED = "used"
    REDIRECT_URI = "redirect_uri"  # exchanged with another redirect URI than it was issued for
    EXPIRED = "expired"


@dataclass(frozen=True)
class Code:
    """What a code was issued for: the sandbox person who signed in and what the sandbox noted."""

    person: str
    data: dict[str, Any]


def issue(
    platform: str, code: str, *, person: str, redirect_uri: str, lifetime: float, **data: Any
) -> str:
    """Keep `code` (made by the sandbox, in its vendor's format) for `lifetime` seconds."""
    SandboxRecord.objects.create(
        platform=platform,
        kind=KIND,
        key=code,
        data=data
        | {
            "person": person,
            "redirect_uri": redirect_uri,
            "expires": timezone.now().timestamp() + lifetime,
            "used": False,
        },
    )
    return code


def redeem(platform: str, code: str, redirect_uri: str | None) -> Code | Refused:
    """The code's sign-in, once; why not otherwise (checked in the order vendors report it).
    `redirect_uri` None: the platform's exchange does not send it (TikTok)."""
    with transaction.atomic():
        record = (
            SandboxRecord.objects.select_for_update()
            .filter(platform=platform, kind=KIND, key=code)
            .first()
        )
        if record is None:
            return Refused.UNKNOWN
        data = dict(record.data)
        if data["used"]:
            return Refused.USED
        if redirect_uri is not None and data["redirect_uri"] != redirect_uri:
            return Refused.REDIRECT_URI
        if data["expires"] < timezone.now().timestamp():
            return Refused.EXPIRED
        record.data["used"] = True
        record.save(update_fields=["data"])
    return Code(person=data.pop("person"), data=data)
