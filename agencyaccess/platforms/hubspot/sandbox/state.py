"""What changes in the HubSpot sandbox, kept in the database so every process serves the same
world (SandboxRecord rows of platform "hubspot"): sign-in codes, tokens, and the users added
to each account."""

import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.hubspot.config import INSTALL_SCOPES
from agencyaccess.platforms.hubspot.sandbox import world
from agencyaccess.platforms.models import SandboxRecord

PLATFORM = "hubspot"
CODE_SECONDS = 10 * 60
ACCESS_SECONDS = 30 * 60  # HubSpot's access tokens last 30 minutes
FIRST_ADDED_USER_ID = 5000001


class OAuthError(Exception):
    """A refusal of the token endpoints. HubSpot documents two shapes: RFC 6749's `error` with
    its older `status` beside it (its changelog), and its envelope with `category` and
    `subCategory` (the 2026-03 reference). Which refusal comes in which is unconfirmed, so the
    sandbox answers both: those given a `sub_category` in the envelope."""

    def __init__(
        self,
        error: str,
        status: str,
        description: str,
        http_status: int = 400,
        *,
        sub_category: str = "",
    ):
        super().__init__(description)
        self.error, self.status, self.description = error, status, description
        self.http_status, self.sub_category = http_status, sub_category

    def body(self) -> dict[str, str]:
        if self.sub_category:
            return {
                "category": "VALIDATION_ERROR",
                "subCategory": self.sub_category,
                "message": self.description,
                "correlationId": str(uuid.uuid4()),
            }
        return {
            "error": self.error,
            "error_description": self.description,
            "status": self.status,
            "message": self.description,
        }


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)


def _now() -> float:
    return timezone.now().timestamp()


# Sign-in ---------------------------------------------------------------------------------------


def new_code(person: world.Person, redirect_uri: str, scopes: Iterable[str]) -> str:
    return sandbox_codes.issue(
        PLATFORM,
        "na1-" + secrets.token_hex(16),
        person=person.key,
        redirect_uri=redirect_uri,
        lifetime=CODE_SECONDS,
        scopes=sorted(scopes),
    )


def redeem_code(code: str, redirect_uri: str) -> dict[str, Any]:
    issued = sandbox_codes.redeem(PLATFORM, code, redirect_uri)
    if isinstance(issued, sandbox_codes.Refused):
        raise OAuthError(
            "invalid_grant",
            "BAD_AUTH_CODE",
            "auth code is invalid, expired or already used",
            sub_category="INVALID_TOKEN",
        )
    return issue_tokens(world.PEOPLE[issued.person], issued.data["scopes"])


def issue_tokens(person: world.Person, scopes: Iterable[str], refresh: str = "") -> dict[str, Any]:
    """The token response of the dated OAuth API: the account (hub) and user come with it."""
    granted = sorted(set(scopes))
    born_expired = person.behaviour == world.Behaviour.EXPIRED
    access = "CJSP" + secrets.token_urlsafe(48)
    SandboxRecord.objects.create(
        platform=PLATFORM,
        kind="token",
        key=access,
        data={
            "person": person.key,
            "scopes": granted,
            "expires": _now() + (-ACCESS_SECONDS if born_expired else ACCESS_SECONDS),
        },
    )
    if not refresh:
        refresh = "na1-" + secrets.token_hex(4) + "-" + secrets.token_hex(16)
        SandboxRecord.objects.create(
            platform=PLATFORM,
            kind="refresh",
            key=refresh,
            data={"person": person.key, "scopes": granted},
        )
    return {
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": ACCESS_SECONDS,
        "token_type": "bearer",
        "token_use": "access_token",
        "hub_id": person.hub_id,
        "user_id": person.user_id,
        "scopes": granted,
    }


def refresh_tokens(refresh: str) -> dict[str, Any]:
    """A new access token; HubSpot's refresh tokens do not rotate."""
    record = _records("refresh").filter(key=refresh).first()
    if record is None:
        raise OAuthError(
            "invalid_grant", "BAD_REFRESH_TOKEN", "refresh token is invalid, expired or revoked"
        )
    return issue_tokens(world.PEOPLE[record.data["person"]], record.data["scopes"], refresh)


def revoke_refresh(refresh: str) -> None:
    _records("refresh").filter(key=refresh).delete()


def token_of(access: str) -> dict[str, Any] | None:
    record = _records("token").filter(key=access).first()
    return (
        None if record is None else record.data | {"seconds_left": record.data["expires"] - _now()}
    )


def issue_sandbox_tokens(person_key: str, *, declined: Iterable[str] = ()) -> TokenSet:
    """A sign-in of a fake person, as the client holds after the install page: for tests and
    the demo seed. `declined` scopes are left out."""
    person = world.PEOPLE[person_key]
    answer = issue_tokens(person, [s for s in INSTALL_SCOPES if s not in set(declined)])
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_at=timezone.now() + timedelta(seconds=answer["expires_in"]),
        scopes=frozenset(answer["scopes"]),
        subject_id=str(person.user_id),
        email=person.email,
    )


# Users -----------------------------------------------------------------------------------------


def users_of(hub_id: int) -> list[dict[str, Any]]:
    """The account's users: the fake people whose account it is (Super Admins), then those
    added through the API."""
    owners = [
        public_user(person.user_id, person.email, super_admin=True)
        for person in world.PEOPLE.values()
        if person.hub_id == hub_id
    ]
    added = [r.data for r in _records("user").filter(data__hub=hub_id).order_by("created")]
    return owners + [{k: v for k, v in user.items() if k != "hub"} for user in added]


def public_user(
    user_id: int, email: str, *, role_id: str = "", super_admin: bool = False
) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": str(user_id),
        "email": email,
        "roleIds": [role_id] if role_id else [],
        "superAdmin": super_admin,
        "secondaryTeamIds": [],
    }
    if role_id:
        user["roleId"] = role_id
    return user


def find_user(hub_id: int, key: str, *, by_email: bool) -> dict[str, Any] | None:
    field = "email" if by_email else "id"
    wanted = key.casefold() if by_email else key
    return next(
        (
            user
            for user in users_of(hub_id)
            if (user[field].casefold() if by_email else user[field]) == wanted
        ),
        None,
    )


def add_user(hub_id: int, email: str, role_id: str) -> dict[str, Any]:
    with transaction.atomic():
        user_id = FIRST_ADDED_USER_ID + _records("user").select_for_update().count()
        user = public_user(user_id, email, role_id=role_id)
        SandboxRecord.objects.create(
            platform=PLATFORM, kind="user", key=f"{hub_id}:{user_id}", data=user | {"hub": hub_id}
        )
    return user


def make_super_admin(hub_id: int, user_id: str) -> None:
    """What a Super Admin does by hand in HubSpot's users page; the fixed people already are."""
    record = _records("user").filter(key=f"{hub_id}:{user_id}").first()
    if record is not None:
        record.data["superAdmin"] = True
        record.save(update_fields=["data"])


def remove_user(hub_id: int, user_id: str) -> bool:
    return bool(_records("user").filter(key=f"{hub_id}:{user_id}").delete()[0])
