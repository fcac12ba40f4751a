"""What changes in the Meta sandbox, kept in the database so every process serves the same
world: sign-in codes, tokens and shares (SandboxRecord rows of platform "meta")."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.meta.config import SANDBOX_APP_ID
from agencyaccess.platforms.meta.sandbox import errors, world
from agencyaccess.platforms.models import SandboxRecord

PLATFORM = "meta"
CODE_SECONDS = 10 * 60
SHORT_LIVED_SECONDS = 2 * 60 * 60
# What Meta answers for a long-lived token (docs/platforms/meta.md#sign-in).
LONG_LIVED_SECONDS = 5_183_944
EXPIRED_AGO_SECONDS = 24 * 60 * 60  # how long ago the tokens of an "expired" person died


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)


def _now() -> float:
    return timezone.now().timestamp()


# Sign-in codes ---------------------------------------------------------------------------------


def new_code(
    person: world.Person, redirect_uri: str, granted: Iterable[str], declined: Iterable[str]
) -> str:
    return sandbox_codes.issue(
        PLATFORM,
        "AQ" + secrets.token_urlsafe(32),
        person=person.key,
        redirect_uri=redirect_uri,
        lifetime=CODE_SECONDS,
        granted=sorted(granted),
        declined=sorted(declined),
    )


def redeem_code(code: str, redirect_uri: str) -> "Token":
    """A short-lived token for a code, once (facebook-login/guides/advanced/manual-flow)."""
    match sandbox_codes.redeem(PLATFORM, code, redirect_uri):
        case sandbox_codes.Code(person=person, data=data):
            return issue_token(
                world.PEOPLE[person], data["granted"], data["declined"], SHORT_LIVED_SECONDS
            )
        case sandbox_codes.Refused.UNKNOWN:
            raise errors.invalid_parameter("Invalid verification code format.")
        case sandbox_codes.Refused.USED:
            raise errors.GraphError(100, "This authorization code has been used.", subcode=36009)
        case sandbox_codes.Refused.REDIRECT_URI:
            raise errors.GraphError(
                100,
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                subcode=36008,
            )
        case _:
            raise errors.GraphError(100, "This authorization code has expired.", subcode=36007)


# Tokens ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    value: str
    person: world.Person
    granted: frozenset[str]
    declined: frozenset[str]  # asked for and unticked on the consent page
    issued: float
    expires: float | None  # None: a Page token, which does not expire
    page_id: str = ""  # set for a Page access token

    def expires_at(self) -> datetime | None:
        return datetime.fromtimestamp(self.expires, UTC) if self.expires is not None else None


def issue_token(
    person: world.Person, granted: Iterable[str], declined: Iterable[str], seconds: int
) -> Token:
    issued = _now()
    expires = (
        issued - EXPIRED_AGO_SECONDS
        if person.behaviour == world.Behaviour.EXPIRED
        else issued + seconds
    )
    value = "EAAsandbox" + secrets.token_urlsafe(40)
    data = {
        "person": person.key,
        "granted": sorted(granted),
        "declined": sorted(declined),
        "issued": issued,
        "expires": expires,
    }
    SandboxRecord.objects.create(platform=PLATFORM, kind="token", key=value, data=data)
    return _token(value, data)


def valid_token(value: str) -> Token:
    """The token, if it is one the sandbox issued and still honours; else Graph's error 190."""
    record = _records("token").filter(key=value).first()
    if record is None:
        raise errors.invalid_token()
    token = _token(value, record.data)
    if token.page_id:
        valid_token(record.data["parent"])  # a Page token dies with the person's sign-in
    elif token.expires is not None and token.expires < _now():
        expired_at = token.expires_at()
        raise errors.expired_token(f"{expired_at:%A, %d-%b-%y %H:%M:%S} UTC")
    return token


def page_token(user_token: Token, page_id: str) -> str:
    """The Page's access token for this sign-in: one per person token and Page, as Meta hands
    the same Page token out again for as long as the sign-in lasts."""
    value = "EAAsandboxPage" + hashlib.sha256(f"{user_token.value}:{page_id}".encode()).hexdigest()
    data = {
        "person": user_token.person.key,
        "granted": sorted(user_token.granted),
        "declined": sorted(user_token.declined),
        "issued": user_token.issued,
        "expires": None,
        "page": page_id,
        "parent": user_token.value,
    }
    SandboxRecord.objects.get_or_create(
        platform=PLATFORM, kind="token", key=value, defaults={"data": data}
    )
    return value


def forget_person(person: world.Person) -> None:
    """DELETE /me/permissions: the app loses every token of this person."""
    _records("token").filter(data__person=person.key).delete()


def _token(value: str, data: dict) -> Token:
    return Token(
        value=value,
        person=world.PEOPLE[data["person"]],
        granted=frozenset(data["granted"]),
        declined=frozenset(data["declined"]),
        issued=data["issued"],
        expires=data["expires"],
        page_id=data.get("page", ""),
    )


def issue_sandbox_tokens(person_key: str, *, declined: Iterable[str] = ()) -> TokenSet:
    """A long-lived sign-in of a fake person, as the connector would hold after the consent
    page: for tests and the demo seed. `declined` permissions are left unticked."""
    person = world.PEOPLE[person_key]
    granted = frozenset(world.PERMISSIONS) - frozenset(declined)
    token = issue_token(person, granted, declined, LONG_LIVED_SECONDS)
    return TokenSet(
        access_token=token.value,
        expires_at=token.expires_at(),
        scopes=granted | {world.ALWAYS_GRANTED},
        subject_id=person.id,
        name=person.name,
    )


# Shares of assets with partner businesses -----------------------------------------------------


@dataclass(frozen=True)
class Share:
    asset: world.FakeAsset
    business: world.Business
    # "PENDING" while the partner's own access request waits for the owner, else "CONFIRMED":
    # an owner's share is confirmed at once (docs/platforms/meta.md#sharing).
    access_status: str
    permitted_tasks: tuple[str, ...]
    requested: float
    updated: float
    # Asked for by the partner business (POST /{business}/client_ad_accounts or client_pages):
    # PENDING until the asset's owner approves; the other shares are the owner's own.
    agency_request: bool = False


def share_of(asset_id: str, business_id: str) -> Share | None:
    _seed()
    record = _records("share").filter(key=_share_key(asset_id, business_id)).first()
    return _share(record) if record else None


def shares(
    *,
    asset_id: str = "",
    business_id: str = "",
    status: str = "",
    agency_request: bool | None = None,
) -> list[Share]:
    _seed()
    records = _records("share").order_by("key")
    if asset_id:
        records = records.filter(data__asset=asset_id)
    if business_id:
        records = records.filter(data__business=business_id)
    if status:
        records = records.filter(data__access_status=status)
    found = [_share(record) for record in records]
    if agency_request is None:
        return found
    return [share for share in found if share.agency_request == agency_request]


def add_share(asset: world.FakeAsset, business_id: str, tasks: Iterable[str]) -> bool:
    """The owner shares the asset with a partner business; False when it already was. Sharing
    what the partner asked for (a pending request) grants it."""
    _seed()
    now = _now()
    data = {
        "asset": asset.id,
        "business": business_id,
        "access_status": "CONFIRMED",
        "permitted_tasks": list(tasks),
        "requested": now,
        "updated": now,
    }
    key = _share_key(asset.id, business_id)
    with transaction.atomic():
        record, created = SandboxRecord.objects.select_for_update().get_or_create(
            platform=PLATFORM, kind="share", key=key, defaults={"data": data}
        )
        if created or not record.data.get("agency_request"):
            return created
        record.data = data
        record.save(update_fields=["data"])
    return True


def request_access(asset: world.FakeAsset, business_id: str, tasks: Iterable[str]) -> bool:
    """The partner business asks the owner for access; False when it has it or asked already."""
    _seed()
    now = _now()
    _, created = SandboxRecord.objects.get_or_create(
        platform=PLATFORM,
        kind="share",
        key=_share_key(asset.id, business_id),
        defaults={
            "data": {
                "asset": asset.id,
                "business": business_id,
                "access_status": "PENDING",
                "permitted_tasks": list(tasks),
                "requested": now,
                "updated": now,
                "agency_request": True,
            }
        },
    )
    return created


def remove_share(asset_id: str, business_id: str) -> None:
    _seed()
    _records("share").filter(key=_share_key(asset_id, business_id)).delete()


def set_share_tasks(asset_id: str, business_id: str, tasks: Iterable[str]) -> bool:
    """Change a partner's tasks outside AgencyAccess, as the client can in Business Settings
    (a role lowered or raised); False when there is no such share. For drift tests."""
    record = _records("share").filter(key=_share_key(asset_id, business_id)).first()
    if record is None:
        return False
    record.data |= {"permitted_tasks": list(tasks), "updated": _now()}
    record.save(update_fields=["data"])
    return True


def _seed() -> None:
    """Put the world's initial shares in place once; a share removed later stays removed."""
    if _records("seeded").exists():
        return
    now = _now()
    SandboxRecord.objects.bulk_create(
        [
            SandboxRecord(platform=PLATFORM, kind="seeded", key=SANDBOX_APP_ID),
            *(
                SandboxRecord(
                    platform=PLATFORM,
                    kind="share",
                    key=_share_key(asset_id, business_id),
                    data={
                        "asset": asset_id,
                        "business": business_id,
                        "access_status": "CONFIRMED",
                        "permitted_tasks": list(tasks),
                        "requested": now,
                        "updated": now,
                    },
                )
                for asset_id, business_id, tasks in world.INITIAL_SHARES
            ),
        ],
        ignore_conflicts=True,  # another process seeding at the same moment
    )


def _share_key(asset_id: str, business_id: str) -> str:
    return f"{asset_id}:{business_id}"


def _share(record: SandboxRecord) -> Share:
    data = record.data
    return Share(
        asset=world.ASSETS[data["asset"]],
        business=world.BUSINESSES[data["business"]],
        access_status=data["access_status"],
        permitted_tasks=tuple(data["permitted_tasks"]),
        requested=data["requested"],
        updated=data["updated"],
        agency_request=data.get("agency_request", False),
    )
