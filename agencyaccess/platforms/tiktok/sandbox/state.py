"""What changes in the TikTok sandbox, kept in the database so every process serves the same
world: authorization codes, tokens and partner shares (SandboxRecord rows of platform "tiktok")."""

import secrets

from django.db.models import QuerySet

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.models import SandboxRecord
from agencyaccess.platforms.tiktok.sandbox import world

PLATFORM = "tiktok"
SCOPES = (1, 2, 4, 10)  # what the sandbox app was approved for (ids as TikTok returns them)
CODE_SECONDS = 60 * 60  # an auth_code is good for one hour, once (docs/platforms/tiktok.md#sign-in)


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)


def new_code(person: world.Person, redirect_uri: str) -> str:
    return sandbox_codes.issue(
        PLATFORM,
        secrets.token_hex(20),
        person=person.key,
        redirect_uri=redirect_uri,
        lifetime=CODE_SECONDS,
    )


def redeem_code(code: str) -> str | None:
    """The access token for a code, once; None for a code unknown, used or expired (TikTok's
    exchange sends no redirect URI)."""
    issued = sandbox_codes.redeem(PLATFORM, code, redirect_uri=None)
    if isinstance(issued, sandbox_codes.Refused):
        return None
    return issue_token(world.PEOPLE[issued.person])


def issue_token(person: world.Person) -> str:
    value = secrets.token_hex(20)
    SandboxRecord.objects.create(
        platform=PLATFORM, kind="token", key=value, data={"person": person.key}
    )
    return value


def person_of(token: str) -> world.Person | None:
    record = _records("token").filter(key=token).first()
    return world.PEOPLE[record.data["person"]] if record else None


def revoke_token(token: str) -> bool:
    return _records("token").filter(key=token).delete()[0] > 0


def issue_sandbox_tokens(person_key: str) -> TokenSet:
    """A sandbox person signed in without a browser (the demo seed, tests)."""
    person = world.PEOPLE[person_key]
    return TokenSet(
        access_token=issue_token(person),
        scopes=frozenset(str(scope) for scope in SCOPES),
        subject_id=person.key,
        email=person.email,
        name=person.display_name,
    )


# Partner shares: one record per (sharing BC, partner BC, asset) -------------------------------


def _share_key(bc_id: str, partner_id: str, asset_id: str) -> str:
    return f"{bc_id}:{partner_id}:{asset_id}"


def add_share(
    bc_id: str, partner_id: str, asset: world.FakeAsset, role: str, status: str = "BOUND"
) -> None:
    """A share in force (BOUND), or PENDING until the partner accepts (tests set that)."""
    SandboxRecord.objects.update_or_create(
        platform=PLATFORM,
        kind="share",
        key=_share_key(bc_id, partner_id, asset.asset_id),
        defaults={"data": {"asset_type": asset.asset_type, "role": role, "status": status}},
    )


def shared_assets(bc_id: str, partner_id: str, asset_type: str) -> list[tuple[str, str]]:
    """(asset id, role) of what one Business Center shares with a partner."""
    prefix = f"{bc_id}:{partner_id}:"
    return [
        (record.key.removeprefix(prefix), record.data["role"])
        for record in _records("share").filter(key__startswith=prefix).order_by("key")
        if record.data["asset_type"] == asset_type
    ]


def received_assets(partner_id: str, asset_type: str) -> list[tuple[str, str, str, str]]:
    """(sharing BC id, asset id, role, status) of what partners share with one Business
    Center."""
    received = []
    for record in _records("share").filter(key__contains=f":{partner_id}:").order_by("key"):
        bc_id, partner, asset_id = record.key.split(":")
        if partner == partner_id and record.data["asset_type"] == asset_type:
            status = record.data.get("status", "BOUND")  # rows made before statuses were kept
            received.append((bc_id, asset_id, record.data["role"], status))
    return received


def remove_share(bc_id: str, partner_id: str, asset_id: str) -> None:
    _records("share").filter(key=_share_key(bc_id, partner_id, asset_id)).delete()
