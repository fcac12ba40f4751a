"""What changes in the Pinterest sandbox, kept in the database so every process serves the same
world: sign-in codes, tokens, partnerships, partners' asset permissions and partner invites
(SandboxRecord rows of platform "pinterest")."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.models import SandboxRecord
from agencyaccess.platforms.pinterest.config import SANDBOX_CLIENT_ID
from agencyaccess.platforms.pinterest.sandbox import world

PLATFORM = "pinterest"
CODE_SECONDS = 10 * 60  # an authorization code lives 10 minutes [unconfirmed]
ACCESS_SECONDS = 30 * 24 * 60 * 60  # 30 days
REFRESH_SECONDS = 60 * 24 * 60 * 60  # a continuous refresh token: 60 days, renewed each refresh
LEGACY_REFRESH_SECONDS = 365 * 24 * 60 * 60  # a legacy one: a year, never renewed


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)


def _now() -> float:
    return timezone.now().timestamp()


def _millis() -> int:
    return int(_now() * 1000)


# Sign-in ---------------------------------------------------------------------------------------


def new_code(person: world.Person, redirect_uri: str, scopes: Iterable[str]) -> str:
    return sandbox_codes.issue(
        PLATFORM,
        secrets.token_hex(20),
        person=person.key,
        redirect_uri=redirect_uri,
        lifetime=CODE_SECONDS,
        scopes=sorted(scopes),
    )


@dataclass(frozen=True)
class Token:
    value: str
    refresh: str
    person: world.Person
    scopes: frozenset[str]
    expires: float
    continuous: bool = True  # False: a legacy refresh token

    def answer(self, response_type: str) -> dict[str, Any]:
        """The token endpoint's answer (OauthAccessTokenResponseCode / …Refresh). A refresh
        of a legacy refresh token gives a new access token only."""
        now = _now()
        answer: dict[str, Any] = {
            "access_token": self.value,
            "response_type": response_type,
            "token_type": "bearer",
            "expires_in": max(0, int(self.expires - now)),
            "scope": ",".join(sorted(self.scopes)),
        }
        if self.continuous or response_type == "authorization_code":
            lifetime = REFRESH_SECONDS if self.continuous else LEGACY_REFRESH_SECONDS
            answer |= {
                "refresh_token": self.refresh,
                "refresh_token_expires_in": lifetime,
                "refresh_token_expires_at": int(now) + lifetime,
            }
        return answer


def redeem_code(code: str, redirect_uri: str, continuous: bool) -> Token | None:
    """A token for a code, once; None for a code that is unknown, used, expired or was issued
    for another redirect URI."""
    issued = sandbox_codes.redeem(PLATFORM, code, redirect_uri)
    if isinstance(issued, sandbox_codes.Refused):
        return None
    return issue_token(world.PEOPLE[issued.person], issued.data["scopes"], continuous=continuous)


def issue_token(
    person: world.Person, scopes: Iterable[str], *, continuous: bool = True, refresh: str = ""
) -> Token:
    """A new access token, with a new refresh token unless a legacy one is kept."""
    now = _now()
    expires = now - 60 if person.expired else now + ACCESS_SECONDS
    value = "pina_" + secrets.token_urlsafe(40)
    refresh = refresh or "pinr_" + secrets.token_urlsafe(40)
    data = {
        "person": person.key,
        "scopes": sorted(scopes),
        "expires": expires,
        "refresh": refresh,
        "continuous": continuous,
    }
    SandboxRecord.objects.create(platform=PLATFORM, kind="token", key=value, data=data)
    return Token(value, refresh, person, frozenset(scopes), expires, continuous)


def valid_token(value: str) -> Token | None:
    record = _records("token").filter(key=value).first()
    if record is None or record.data["expires"] < _now():
        return None
    return _token(record)


def refresh_token(refresh: str) -> Token | None:
    """A new access token and, for a continuous refresh token, a new refresh token; the old
    access token stops working, and a renewed refresh token too."""
    record = _records("token").filter(data__refresh=refresh).first()
    if record is None:
        return None
    old = _token(record)
    record.delete()
    if old.person.expired:
        return None
    kept = "" if old.continuous else old.refresh
    return issue_token(old.person, old.scopes, continuous=old.continuous, refresh=kept)


def _token(record: SandboxRecord) -> Token:
    data = record.data
    return Token(
        record.key,
        data["refresh"],
        world.PEOPLE[data["person"]],
        frozenset(data["scopes"]),
        data["expires"],
        data.get("continuous", True),
    )


def issue_sandbox_tokens(person_key: str, *, declined: Iterable[str] = ()) -> TokenSet:
    """A sign-in of a fake person, as held after the consent page: for tests and the demo
    seed. `declined` scopes are left out."""
    person = world.PEOPLE[person_key]
    scopes = frozenset(world.ALL_SCOPES) - frozenset(declined)
    token = issue_token(person, scopes)
    return TokenSet(
        access_token=token.value,
        refresh_token=token.refresh,
        expires_at=datetime.fromtimestamp(token.expires, UTC),
        scopes=scopes,
        subject_id=person.id,
        name=person.business_name or person.username,
    )


# Partnerships and asset permissions -------------------------------------------------------------


def partners_of(owner: str) -> list[str]:
    """The businesses `owner` shares assets with."""
    _seed()
    return sorted(r.data["partner"] for r in _records("partner").filter(data__owner=owner))


def is_partner(owner: str, partner: str) -> bool:
    return partner in partners_of(owner)


def add_partner(owner: str, partner: str) -> None:
    SandboxRecord.objects.get_or_create(
        platform=PLATFORM,
        kind="partner",
        key=f"{owner}:{partner}",
        defaults={"data": {"owner": owner, "partner": partner, "created": _millis()}},
    )


def accesses(*, owner: str = "", partner: str = "", asset: str = "") -> list[dict[str, Any]]:
    """{owner, partner, asset, permissions} rows, ordered."""
    _seed()
    records = _records("access").order_by("key")
    for field, value in (("owner", owner), ("partner", partner), ("asset", asset)):
        if value:
            records = records.filter(**{f"data__{field}": value})
    return [dict(r.data) for r in records]


def set_access(owner: str, partner: str, asset: str, permissions: list[str]) -> None:
    SandboxRecord.objects.update_or_create(
        platform=PLATFORM,
        kind="access",
        key=f"{owner}:{partner}:{asset}",
        defaults={
            "data": {"owner": owner, "partner": partner, "asset": asset, "permissions": permissions}
        },
    )


def remove_access(owner: str, partner: str, asset: str) -> dict[str, Any] | None:
    _seed()
    record = _records("access").filter(key=f"{owner}:{partner}:{asset}").first()
    if record is None:
        return None
    record.delete()
    return dict(record.data)


# Partner invites -------------------------------------------------------------------------------


def create_invite(business: str, partner: str, invite_type: str, creator: world.Person) -> str:
    invite_id = str(secrets.randbelow(9 * 10**17) + 10**17)
    now = _millis()
    SandboxRecord.objects.create(
        platform=PLATFORM,
        kind="invite",
        key=invite_id,
        data={
            "business": business,
            "partner": partner,
            "type": invite_type,
            "status": "PENDING",
            "assets": {},
            "sent_at": now,
            "updated": now,
            "expiration": now + world.INVITE_DAYS * 86_400_000,
            "created_by": creator.key,
        },
    )
    return invite_id


def invite(invite_id: str) -> dict[str, Any] | None:
    record = _records("invite").filter(key=invite_id).first()
    if record is None:
        return None
    data = dict(record.data)
    if data["status"] == "PENDING" and data["expiration"] < _millis():
        data["status"] = "EXPIRED"
    return data | {"id": invite_id}


def invites_of(business: str) -> list[dict[str, Any]]:
    """The invites a business sent or received, newest first."""
    found = [
        invite(r.key)
        for r in _records("invite").order_by("-created", "-key")
        if business in (r.data["business"], r.data["partner"])
    ]
    return [i for i in found if i is not None]


def update_invite(invite_id: str, **changes: Any) -> None:
    record = _records("invite").get(key=invite_id)
    record.data = record.data | changes | {"updated": _millis()}
    record.save(update_fields=["data"])


def accept_invite(invite_id: str) -> None:
    """The partner accepts: the partnership starts with the invite's asset permissions."""
    found = invite(invite_id)
    assert found is not None
    add_partner(found["business"], found["partner"])
    for asset, permissions in found["assets"].items():
        set_access(found["business"], found["partner"], asset, permissions)
    update_invite(invite_id, status="ACCEPTED")


def _seed() -> None:
    """Put the world's initial partnerships in place once; one removed later stays removed."""
    if _records("seeded").exists():
        return
    rows = [SandboxRecord(platform=PLATFORM, kind="seeded", key=SANDBOX_CLIENT_ID)]
    for owner, partner, asset, permissions in world.INITIAL_ACCESS:
        rows += [
            SandboxRecord(
                platform=PLATFORM,
                kind="partner",
                key=f"{owner}:{partner}",
                data={"owner": owner, "partner": partner, "created": _millis()},
            ),
            SandboxRecord(
                platform=PLATFORM,
                kind="access",
                key=f"{owner}:{partner}:{asset}",
                data={
                    "owner": owner,
                    "partner": partner,
                    "asset": asset,
                    "permissions": list(permissions),
                },
            ),
        ]
    SandboxRecord.objects.bulk_create(rows, ignore_conflicts=True)  # another process seeding too
