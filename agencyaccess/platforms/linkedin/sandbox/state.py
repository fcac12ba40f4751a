"""What changes in the LinkedIn sandbox, kept in the database so every process serves the same
world: sign-in codes, tokens, ad account users and organization roles (SandboxRecord rows of
platform "linkedin")."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils import timezone

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.linkedin.config import SANDBOX_CLIENT_ID
from agencyaccess.platforms.linkedin.sandbox import world
from agencyaccess.platforms.models import SandboxRecord

PLATFORM = "linkedin"
CODE_SECONDS = 30 * 60  # an authorization code lives 30 minutes
ACCESS_SECONDS = 60 * 24 * 60 * 60  # 60 days
REFRESH_SECONDS = 365 * 24 * 60 * 60  # approved partners only; the sandbox app is one


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)


def _now() -> float:
    return timezone.now().timestamp()


# Sign-in ---------------------------------------------------------------------------------------


def new_code(person: world.Person, redirect_uri: str, scopes: Iterable[str]) -> str:
    return sandbox_codes.issue(
        PLATFORM,
        "AQT" + secrets.token_urlsafe(32),
        person=person.key,
        redirect_uri=redirect_uri,
        lifetime=CODE_SECONDS,
        scopes=sorted(scopes),
    )


def redeem_code(code: str, redirect_uri: str) -> "Token | None":
    """A token for a code, once; None for a code that is unknown, used, expired or was issued
    for another redirect URI (LinkedIn answers all of them alike)."""
    issued = sandbox_codes.redeem(PLATFORM, code, redirect_uri)
    if isinstance(issued, sandbox_codes.Refused):
        return None
    return issue_token(world.PEOPLE[issued.person], issued.data["scopes"])


@dataclass(frozen=True)
class Token:
    value: str
    refresh: str
    person: world.Person
    scopes: frozenset[str]
    expires: float

    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires, UTC)


def issue_token(person: world.Person, scopes: Iterable[str]) -> Token:
    now = _now()
    expires = now - 60 if person.expired else now + ACCESS_SECONDS
    value, refresh = (
        "AQVsandbox" + secrets.token_urlsafe(40),
        "AQXsandbox" + secrets.token_urlsafe(40),
    )
    data = {"person": person.key, "scopes": sorted(scopes), "expires": expires, "refresh": refresh}
    SandboxRecord.objects.create(platform=PLATFORM, kind="token", key=value, data=data)
    return Token(value, refresh, person, frozenset(scopes), expires)


def valid_token(value: str) -> Token | None:
    record = _records("token").filter(key=value).first()
    if record is None or record.data["expires"] < _now():
        return None
    return _token(record)


def refresh_token(refresh: str) -> Token | None:
    """A new access token for a refresh token; the refresh token itself stays as it was."""
    record = _records("token").filter(data__refresh=refresh).first()
    if record is None:
        return None
    old = _token(record)
    if old.person.expired:
        return None
    return issue_token(old.person, old.scopes)


def revoke(value: str) -> None:
    _records("token").filter(key=value).delete()


def _token(record: SandboxRecord) -> Token:
    data = record.data
    return Token(
        record.key,
        data["refresh"],
        world.PEOPLE[data["person"]],
        frozenset(data["scopes"]),
        data["expires"],
    )


def issue_sandbox_tokens(person_key: str, *, declined: Iterable[str] = ()) -> TokenSet:
    """A sign-in of a fake member, as the client would hold after the consent page: for tests
    and the demo seed. `declined` scopes are left out (an app without that product)."""
    person = world.PEOPLE[person_key]
    scopes = frozenset(world.SCOPES) - frozenset(declined)
    token = issue_token(person, scopes)
    return TokenSet(
        access_token=token.value,
        refresh_token=token.refresh,
        expires_at=token.expires_at(),
        scopes=scopes,
        subject_id=person.id,
        email=person.email,
        name=person.name,
    )


# Ad account users ------------------------------------------------------------------------------


def account_role(account_id: str, person_id: str) -> str:
    _seed()
    record = _records("account_user").filter(key=f"{account_id}:{person_id}").first()
    return record.data["role"] if record else ""


def account_users(*, person_id: str = "", account_id: str = "") -> list[tuple[str, str, str]]:
    """(account id, person id, role), ordered."""
    _seed()
    records = _records("account_user").order_by("key")
    if person_id:
        records = records.filter(data__person=person_id)
    if account_id:
        records = records.filter(data__account=account_id)
    return [(r.data["account"], r.data["person"], r.data["role"]) for r in records]


def set_account_role(account_id: str, person_id: str, role: str) -> None:
    _seed()
    SandboxRecord.objects.update_or_create(
        platform=PLATFORM,
        kind="account_user",
        key=f"{account_id}:{person_id}",
        defaults={"data": {"account": account_id, "person": person_id, "role": role}},
    )


def remove_account_user(account_id: str, person_id: str) -> bool:
    _seed()
    deleted, _ = _records("account_user").filter(key=f"{account_id}:{person_id}").delete()
    return bool(deleted)


# Organization roles ----------------------------------------------------------------------------


def organization_acls(
    *, organization_id: str = "", person_id: str = "", role: str = "", state: str = ""
) -> list[dict[str, str]]:
    """{organization, role, person, state} rows, ordered."""
    _seed()
    records = _records("org_acl").order_by("key")
    for field, value in (
        ("organization", organization_id),
        ("person", person_id),
        ("role", role),
        ("state", state),
    ):
        if value:
            records = records.filter(**{f"data__{field}": value})
    return [dict(r.data) for r in records]


def set_organization_role(organization_id: str, role: str, person_id: str, state: str) -> None:
    _seed()
    SandboxRecord.objects.update_or_create(
        platform=PLATFORM,
        kind="org_acl",
        key=f"{organization_id}:{role}:{person_id}",
        defaults={
            "data": {
                "organization": organization_id,
                "role": role,
                "person": person_id,
                "state": state,
            }
        },
    )


def _seed() -> None:
    """Put the world's initial roles in place once; a role removed later stays removed."""
    if _records("seeded").exists():
        return
    rows = [SandboxRecord(platform=PLATFORM, kind="seeded", key=SANDBOX_CLIENT_ID)]
    for account_id, person_key, role in world.INITIAL_ACCOUNT_USERS:
        person_id = world.PEOPLE[person_key].id
        rows.append(
            SandboxRecord(
                platform=PLATFORM,
                kind="account_user",
                key=f"{account_id}:{person_id}",
                data={"account": account_id, "person": person_id, "role": role},
            )
        )
    for organization_id, role, person_key in world.INITIAL_ORGANIZATION_ROLES:
        person_id = world.PEOPLE[person_key].id
        rows.append(
            SandboxRecord(
                platform=PLATFORM,
                kind="org_acl",
                key=f"{organization_id}:{role}:{person_id}",
                data={
                    "organization": organization_id,
                    "role": role,
                    "person": person_id,
                    "state": "APPROVED",
                },
            )
        )
    SandboxRecord.objects.bulk_create(rows, ignore_conflicts=True)  # another process seeding too
