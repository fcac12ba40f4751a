"""Public ids: opaque, random, never a database key."""

import secrets
import string

from django.db import models

ALPHABET = string.ascii_letters + string.digits
PUBLIC_ID_LENGTH = 20
API_KEY_LOOKUP_LENGTH = 12  # the part of an API key that names it: aak_<lookup>_<secret>


def new_public_id() -> str:
    """20 random characters of [A-Za-z0-9]: about 119 bits, unguessable."""
    return "".join(secrets.choice(ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def looks_like_public_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == PUBLIC_ID_LENGTH
        and all(c in ALPHABET for c in value)
    )


class PublicIdConverter:
    """`<public_id:name>` in a URL: only what new_public_id makes matches, so anything else is a
    404 before any query (PostgreSQL answers a NUL byte in a lookup with an error, a 500)."""

    regex = f"[{ALPHABET}]{{{PUBLIC_ID_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class KeyLookupConverter(PublicIdConverter):
    """`<key_lookup:name>`: an API key's lookup id, the part of the key the dashboard shows."""

    regex = f"[{ALPHABET}]{{{API_KEY_LOOKUP_LENGTH}}}"


class PublicIdField(models.CharField):
    """The id the API and URLs show for a row; the integer primary key stays internal."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", PUBLIC_ID_LENGTH)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("default", new_public_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
