"""Checks of client fields shared by the API and the dashboard. Each raises ValueError with
the rest of a sentence that starts with the field's name ("email" + " must be …")."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from agencyaccess.clients.models import ClientType, Language

METADATA_MAX_KEYS = 50
METADATA_MAX_KEY_LENGTH = 40
METADATA_MAX_VALUE_LENGTH = 500

# '"English", "Spanish", ... or "Polish"', for the error message.
LANGUAGE_NAMES = (
    ", ".join(f'"{name}"' for name in Language.labels[:-1]) + f' or "{Language.labels[-1]}"'
)

_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


def clean_email(value: str) -> str:
    value = value.strip()
    try:
        _email(value)
    except ValidationError:
        raise ValueError("must be a valid e-mail address, such as jane@example.com") from None
    return value


def clean_language(value: str) -> str:
    language = Language.from_name(value)
    if language is None:
        raise ValueError(f"must be one of {LANGUAGE_NAMES}")
    return language.value


def clean_client_type(value: str) -> str:
    wanted = value.strip().casefold()
    for client_type in ClientType:
        if client_type.value.casefold() == wanted:
            return client_type.value
    raise ValueError('must be "Client" or "Prospect"')


def clean_website(value: str) -> str:
    """A web address with or without its scheme; kept as typed, less surrounding spaces."""
    value = value.strip()
    if not value:
        return ""
    with_scheme = value if "://" in value else f"https://{value}"
    try:
        _url(with_scheme)
    except ValidationError:
        raise ValueError("must be a web address, such as https://example.com") from None
    return value


def clean_metadata(value: dict[str, Any], *, allow_null: bool = False) -> dict[str, Any]:
    """String keys to string values, within limits; `None` values (removals) when updating."""
    if len(value) > METADATA_MAX_KEYS:
        raise ValueError(f"may hold at most {METADATA_MAX_KEYS} keys")
    for key, item in value.items():
        if not key or len(key) > METADATA_MAX_KEY_LENGTH:
            raise ValueError(f"keys must be 1 to {METADATA_MAX_KEY_LENGTH} characters long")
        if item is None and allow_null:
            continue
        if not isinstance(item, str):
            what = "a string, or null to remove the key" if allow_null else "a string"
            raise ValueError(f'values must be strings: "{key}" must be {what}')
        if len(item) > METADATA_MAX_VALUE_LENGTH:
            raise ValueError(
                f'values must be at most {METADATA_MAX_VALUE_LENGTH} characters: "{key}" is longer'
            )
    return value


def merge_metadata(current: dict[str, str], changes: dict[str, str | None]) -> dict[str, str]:
    """Keys sent are set, keys sent as null are removed, others stay."""
    merged = {**current, **{k: v for k, v in changes.items() if v is not None}}
    for key, item in changes.items():
        if item is None:
            merged.pop(key, None)
    if len(merged) > METADATA_MAX_KEYS:
        raise ValueError(f"may hold at most {METADATA_MAX_KEYS} keys after the update")
    return merged
