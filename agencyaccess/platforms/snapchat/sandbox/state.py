"""What changes in the Snapchat sandbox, kept in the database so every process serves the same
world (SandboxRecord rows of platform "snapchat"): sign-in codes, tokens, the members invited to
organizations and the roles given to them. The memberships people start with (world.py) are
read beside them, in the same shapes."""

import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.models import SandboxRecord
from agencyaccess.platforms.snapchat.config import MARKETING_SCOPE
from agencyaccess.platforms.snapchat.sandbox import world

PLATFORM = "snapchat"
SCOPES = (MARKETING_SCOPE,)
CODE_SECONDS = 10 * 60
ACCESS_SECONDS = 60 * 60  # the answer's expires_in; third parties report an hour
INVITED, MEMBER = "INVITED", "MEMBER"


class Refused(Exception):
    """A token the API does not take: 401."""


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)


def _now() -> float:
    return timezone.now().timestamp()


def _stamp() -> str:
    return timezone.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# Sign-in ---------------------------------------------------------------------------------------


def new_code(person: world.Person, redirect_uri: str, scopes: Iterable[str]) -> str:
    return sandbox_codes.issue(
        PLATFORM,
        secrets.token_urlsafe(24),
        person=person.key,
        redirect_uri=redirect_uri,
        lifetime=CODE_SECONDS,
        scopes=sorted(scopes),
    )


def redeem_code(code: str, redirect_uri: str) -> dict[str, Any] | sandbox_codes.Refused:
    issued = sandbox_codes.redeem(PLATFORM, code, redirect_uri)
    if isinstance(issued, sandbox_codes.Refused):
        return issued
    scopes = issued.data["scopes"]
    return issue_tokens(world.PEOPLE[issued.person], scopes, requested=scopes)


def issue_tokens(
    person: world.Person,
    scopes: Iterable[str],
    refresh: str | None = None,
    *,
    requested: Iterable[str],
) -> dict[str, Any]:
    """The token response; a refresh gives a new access token and keeps the refresh token
    (Snap documents none rotating). `scope` is left out when it is what was `requested`, as
    RFC 6749 (section 5.1) allows."""
    granted = sorted(set(scopes))
    lifetime = -ACCESS_SECONDS if person.behaviour == world.Behaviour.EXPIRED else ACCESS_SECONDS
    access = "snap-sandbox-" + secrets.token_urlsafe(40)
    data = {"person": person.key, "scopes": granted}
    SandboxRecord.objects.create(
        platform=PLATFORM, kind="token", key=access, data=data | {"expires": _now() + lifetime}
    )
    if refresh is None:
        refresh = "snap-sandbox-refresh-" + secrets.token_urlsafe(40)
        SandboxRecord.objects.create(platform=PLATFORM, kind="refresh", key=refresh, data=data)
    answer = {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_SECONDS,
        "refresh_token": refresh,
    }
    if granted != sorted(set(requested)):
        answer["scope"] = " ".join(granted)
    return answer


def refresh_tokens(refresh: str) -> dict[str, Any] | None:
    record = _records("refresh").filter(key=refresh).first()
    if record is None:
        return None
    scopes = record.data["scopes"]
    return issue_tokens(world.PEOPLE[record.data["person"]], scopes, refresh, requested=scopes)


def caller(access_token: str) -> world.Person:
    record = _records("token").filter(key=access_token).first()
    if record is None or record.data["expires"] < _now():
        raise Refused
    if MARKETING_SCOPE not in record.data["scopes"]:
        raise Refused
    return world.PEOPLE[record.data["person"]]


def issue_sandbox_tokens(person_key: str, *, declined: Iterable[str] = ()) -> TokenSet:
    """A sign-in of a fake person, as after the sign-in page: for tests and the demo seed."""
    person = world.PEOPLE[person_key]
    granted = [s for s in SCOPES if s not in set(declined)]
    answer = issue_tokens(person, granted, requested=SCOPES)
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_at=timezone.now() + timedelta(seconds=answer["expires_in"]),
        scopes=frozenset(granted),
        subject_id=person.id,
        email=person.email,
        name=person.display_name,
    )


# Members ---------------------------------------------------------------------------------------


def _fixed_members() -> list[dict[str, Any]]:
    return [
        {
            "id": membership.member_id,
            "email": person.email,
            "organization_id": membership.organization,
            "display_name": person.display_name,
            "member_status": MEMBER,
        }
        for person in world.PEOPLE.values()
        for membership in person.memberships
    ]


def members_of(organization: str) -> list[dict[str, Any]]:
    added = _records("member").filter(data__organization_id=organization).order_by("created")
    fixed = [m for m in _fixed_members() if m["organization_id"] == organization]
    return fixed + [r.data for r in added]


def member(member_id: str) -> dict[str, Any] | None:
    record = _records("member").filter(key=member_id).first()
    if record is not None:
        return record.data
    return next((m for m in _fixed_members() if m["id"] == member_id), None)


def invite(organization: str, email: str, display_name: str) -> dict[str, Any]:
    stamp = _stamp()
    invited = {
        "id": str(uuid.uuid4()),
        "updated_at": stamp,
        "created_at": stamp,
        "email": email,
        "organization_id": organization,
        "display_name": display_name,
        "member_status": INVITED,
    }
    SandboxRecord.objects.create(platform=PLATFORM, kind="member", key=invited["id"], data=invited)
    return invited


def accept(member_id: str) -> bool:
    """The invited person accepts from Snapchat's e-mail."""
    with transaction.atomic():
        record = _records("member").select_for_update().filter(key=member_id).first()
        if record is None:
            return False
        record.data |= {"member_status": MEMBER, "updated_at": _stamp()}
        record.save(update_fields=["data"])
    return True


def remove_member(member_id: str) -> bool:
    """A member leaves the organization, with their roles."""
    removed, _ = _records("member").filter(key=member_id).delete()
    _records("role").filter(data__member_id=member_id).delete()
    return bool(removed)


def organizations_of(person: world.Person) -> list[tuple[str, str]]:
    """(organization, member id) of the person's memberships, accepted invitations included."""
    fixed = [(m.organization, m.member_id) for m in person.memberships]
    joined = _records("member").filter(data__email=person.email, data__member_status=MEMBER)
    return fixed + [(r.data["organization_id"], r.key) for r in joined]


# Roles -----------------------------------------------------------------------------------------


def _role(member_id: str, organization: str, role_type: str, ad_account: str = "") -> dict:
    """A role as the API shows it; a fixed one gets an id derived from what it is."""
    container = ad_account or organization
    kind = "AdAccount" if ad_account else "Organizations"
    role = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{member_id}/{container}/{role_type}")),
        "container_kind": kind,
        "container_id": container,
        "member_id": member_id,
        "organization_id": organization,
        "type": role_type,
    }
    return role | ({"ad_account_id": ad_account} if ad_account else {})


def _fixed_roles() -> list[dict[str, Any]]:
    roles = []
    for person in world.PEOPLE.values():
        for m in person.memberships:
            roles += [_role(m.member_id, m.organization, t) for t in m.roles]
            roles += [
                _role(m.member_id, m.organization, t, account)
                for account, t in m.ad_account_roles.items()
            ]
    return roles


def roles_of(member_id: str) -> list[dict[str, Any]]:
    added = _records("role").filter(data__member_id=member_id).order_by("created")
    return [r for r in _fixed_roles() if r["member_id"] == member_id] + [r.data for r in added]


def add_role(member_id: str, organization: str, role_type: str, ad_account: str = "") -> dict:
    stamp = _stamp()
    role = _role(member_id, organization, role_type, ad_account) | {
        "id": str(uuid.uuid4()),
        "updated_at": stamp,
        "created_at": stamp,
    }
    SandboxRecord.objects.create(platform=PLATFORM, kind="role", key=role["id"], data=role)
    return role


def role(role_id: str) -> dict[str, Any] | None:
    record = _records("role").filter(key=role_id).first()
    return record.data if record else None


def remove_role(role_id: str) -> bool:
    removed, _ = _records("role").filter(key=role_id).delete()
    return bool(removed)
