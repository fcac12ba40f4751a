"""The sandbox's sign-ins: one-time codes, access tokens, refresh tokens.

Tokens are stored by their SHA-256 only, as a real server would. An access token and the refresh
token issued with it share a `grant` id, so revoking either ends both (as Google does:
developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke).
"""

import hashlib
import secrets
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.google.sandbox import state, world
from agencyaccess.platforms.google.scopes import (
    IDENTITY,
    SERVICE_SCOPES,
    USERINFO_EMAIL,
    USERINFO_PROFILE,
)

ACCESS_SECONDS = 3599
CODE_SECONDS = 600
# Google reports the sign-in scopes under their long names.
LONG_NAMES = {"email": USERINFO_EMAIL, "profile": USERINFO_PROFILE}

# Every scope a Google service asks for: what a person who ticks everything grants.
EVERY_SCOPE = sorted({scope for needed in SERVICE_SCOPES.values() for scope in needed})


def granted_scopes(requested: Iterable[str]) -> list[str]:
    return sorted({LONG_NAMES.get(scope, scope) for scope in requested})


def new_code(data: dict[str, Any]) -> str:
    code = "4/" + secrets.token_urlsafe(32)
    state.put("code", _digest(code), data | {"created": time.time()})
    return code


def take_code(code: str) -> dict[str, Any] | None:
    """A code works once, and for 10 minutes."""
    data = state.take("code", _digest(code))
    if data is None or time.time() - data["created"] > CODE_SECONDS:
        return None
    return data


def mint(email: str, granted: list[str], *, offline: bool) -> dict[str, Any]:
    """A token response (RFC 6749 §5.1), in Google's shape."""
    grant = secrets.token_hex(8)
    answer = _access(email, granted, grant)
    if offline:  # Google issues refresh tokens only for access_type=offline
        refresh_token = "1//" + secrets.token_urlsafe(40)
        state.put(
            "refresh_token",
            _digest(refresh_token),
            {"email": email, "scopes": granted, "grant": grant},
        )
        answer["refresh_token"] = refresh_token
    return answer


def refreshed(refresh_token: str) -> dict[str, Any] | None:
    data = state.get("refresh_token", _digest(refresh_token))
    user = world.USERS_BY_EMAIL.get(data["email"]) if data else None
    if data is None or user is None or user.behaviour == world.Behaviour.EXPIRED:
        return None
    return _access(data["email"], data["scopes"], data["grant"])


def holder(access_token: str) -> dict[str, Any] | None:
    """The live access token's data (email, scopes), or None."""
    data = state.get("access_token", _digest(access_token))
    if data is None or data["expires"] < time.time():
        return None
    return data


def revoke(token: str) -> bool:
    digest = _digest(token)
    data = state.get("access_token", digest) or state.get("refresh_token", digest)
    if data is None:
        return False
    for kind in ("access_token", "refresh_token"):
        for key, _ in state.find(kind, grant=data["grant"]):
            state.delete(kind, key)
    return True


def issue_sandbox_tokens(email: str, scopes: Iterable[str] | None = None) -> TokenSet:
    """Sign a fake user in without a browser (for the demo seed and tests): every Google
    scope unless told otherwise."""
    user = world.USERS_BY_EMAIL[email]
    state.ensure_world()
    if scopes is None:
        scopes = EVERY_SCOPE
    granted = granted_scopes([*scopes, *IDENTITY])
    answer = mint(email, granted, offline=True)
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_at=datetime.fromtimestamp(time.time() + ACCESS_SECONDS, UTC),
        scopes=frozenset(granted),
        subject_id=user.sub,
        email=user.email,
        name=user.name,
    )


def _access(email: str, granted: list[str], grant: str) -> dict[str, Any]:
    access_token = "ya29." + secrets.token_urlsafe(48)
    state.put(
        "access_token",
        _digest(access_token),
        {
            "email": email,
            "scopes": granted,
            "grant": grant,
            "expires": time.time() + ACCESS_SECONDS,
        },
    )
    return {
        "access_token": access_token,
        "expires_in": ACCESS_SECONDS,
        "scope": " ".join(granted),
        "token_type": "Bearer",
    }


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
