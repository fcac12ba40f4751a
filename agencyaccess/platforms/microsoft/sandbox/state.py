"""What changes in the Microsoft Advertising sandbox, kept in the database so every process
serves the same world (SandboxRecord rows of platform "microsoft"): sign-in codes, tokens,
client links, user invitations and the roles accepted invitations give."""

import base64
import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.microsoft.config import MANAGE_SCOPE, OFFLINE_SCOPE
from agencyaccess.platforms.microsoft.sandbox import world
from agencyaccess.platforms.microsoft.sandbox.faults import (
    CALL_RATE_EXCEEDED,
    INVALID_CREDENTIALS,
    TOKEN_EXPIRED,
    Fault,
    OAuthError,
)
from agencyaccess.platforms.models import SandboxRecord

PLATFORM = "microsoft"
SCOPES = (MANAGE_SCOPE, OFFLINE_SCOPE)
CODE_SECONDS = 10 * 60
ACCESS_SECONDS = 60 * 60  # the identity platform's usual access token lifetime
INVITATION_DAYS = 30  # invitations expire after 30 days (userinvitation)
LINK_DAYS = 30  # a pending link request expires after 30 days (clientlinkstatus)
LINK_LONGS = frozenset({"ClientEntityId", "ManagingCustomerId", "LastModifiedByUserId"})


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)


def _now() -> float:
    return timezone.now().timestamp()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# Sign-in ---------------------------------------------------------------------------------------


def new_code(person: world.Person, redirect_uri: str, scopes: Iterable[str], challenge: str) -> str:
    return sandbox_codes.issue(
        PLATFORM,
        "M.C5" + secrets.token_urlsafe(32),
        person=person.key,
        redirect_uri=redirect_uri,
        lifetime=CODE_SECONDS,
        scopes=sorted(scopes),
        challenge=challenge,
    )


def redeem_code(code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
    """Tokens for a code, once, with the PKCE verifier when the sign-in sent a challenge."""
    issued = sandbox_codes.redeem(PLATFORM, code, redirect_uri)
    if issued is sandbox_codes.Refused.REDIRECT_URI:
        raise OAuthError(
            "invalid_grant", "AADSTS50148: The redirect_uri does not match the one used."
        )
    if isinstance(issued, sandbox_codes.Refused):
        raise OAuthError(
            "invalid_grant", "AADSTS70008: The provided authorization code has expired."
        )
    if issued.data["challenge"] and issued.data["challenge"] != _s256(verifier):
        raise OAuthError("invalid_grant", "AADSTS501481: The Code_Verifier does not match.")
    return issue_tokens(world.PEOPLE[issued.person], issued.data["scopes"])


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_tokens(person: world.Person, scopes: Iterable[str]) -> dict[str, Any]:
    """The token response: a refresh token only when offline_access was granted."""
    granted = sorted(set(scopes))
    expires = _now() + (
        -ACCESS_SECONDS if person.behaviour == world.Behaviour.EXPIRED else ACCESS_SECONDS
    )
    access = "EwBsandbox" + secrets.token_urlsafe(40)
    SandboxRecord.objects.create(
        platform=PLATFORM,
        kind="token",
        key=access,
        data={"person": person.key, "scopes": granted, "expires": expires},
    )
    answer: dict[str, Any] = {
        "token_type": "Bearer",
        "scope": " ".join(s for s in granted if s != OFFLINE_SCOPE),
        "expires_in": ACCESS_SECONDS,
        "access_token": access,
    }
    if OFFLINE_SCOPE in granted:
        refresh = "M.R3sandbox" + secrets.token_urlsafe(40)
        SandboxRecord.objects.create(
            platform=PLATFORM,
            kind="refresh",
            key=refresh,
            data={"person": person.key, "scopes": granted},
        )
        answer["refresh_token"] = refresh
    return answer


def refresh_tokens(refresh: str) -> dict[str, Any]:
    """A new pair; the old refresh token is spent (they rotate)."""
    with transaction.atomic():
        record = _records("refresh").select_for_update().filter(key=refresh).first()
        if record is None:
            raise OAuthError("invalid_grant", "AADSTS70000: The provided grant is invalid.")
        record.delete()
    return issue_tokens(world.PEOPLE[record.data["person"]], record.data["scopes"])


def caller(access_token: str, developer_token: str, expected_developer_token: str) -> world.Person:
    """Who makes a call, or the fault the API answers (code 105 for a token or a developer
    token it does not know, 109 for an expired token, 117 over the call limit)."""
    record = _records("token").filter(key=access_token).first()
    if record is None or developer_token != expected_developer_token:
        raise Fault.of(INVALID_CREDENTIALS, status=401, detail=True)
    if record.data["expires"] < _now():
        raise Fault.of(TOKEN_EXPIRED, status=401, detail=True)
    if MANAGE_SCOPE not in record.data["scopes"]:
        raise Fault.of(INVALID_CREDENTIALS, status=401, detail=True)
    person = world.PEOPLE[record.data["person"]]
    if person.behaviour == world.Behaviour.RATE_LIMITED:
        raise Fault.of(CALL_RATE_EXCEEDED, detail=True)
    return person


def issue_sandbox_tokens(person_key: str, *, declined: Iterable[str] = ()) -> TokenSet:
    """A sign-in of a fake person, as the client holds after the consent page: for tests and
    the demo seed. `declined` scopes are left out."""
    person = world.PEOPLE[person_key]
    answer = issue_tokens(person, [s for s in SCOPES if s not in set(declined)])
    return TokenSet(
        access_token=answer["access_token"],
        refresh_token=answer.get("refresh_token"),
        expires_at=timezone.now() + timedelta(seconds=answer["expires_in"]),
        scopes=frozenset(answer["scope"].split()),
        subject_id=str(person.user_id),
        email=person.email,
        name=person.name,
    )


# Roles -----------------------------------------------------------------------------------------


def roles_of(person: world.Person) -> list[world.Role]:
    """The person's fixed roles and those accepted invitations gave them."""
    added = [
        world.Role(r.data["CustomerId"], r.data["RoleId"], _ids(r.data["AccountIds"]))
        for r in _records("role").filter(data__person=person.key)
    ]
    return [*person.roles, *added]


def _ids(values: list[int] | None) -> tuple[int, ...] | None:
    return None if values is None else tuple(values)


def take_back_role(
    person: world.Person, customer_id: int, role_id: object, accounts: set[int] | None
) -> None:
    """UpdateUserRoles' deletion: the role from the customer (`accounts` None) or from some of
    its accounts. A customer-level role keeps every account (updateuserroles, Remarks)."""
    record = (
        _records("role").filter(key=f"{person.key}:{customer_id}", data__RoleId=role_id).first()
    )
    if record is None or (accounts is not None and record.data["AccountIds"] is None):
        return
    remaining = (
        [] if accounts is None else [a for a in record.data["AccountIds"] if a not in accounts]
    )
    if remaining:
        record.data["AccountIds"] = remaining
        record.save(update_fields=["data"])
    else:
        record.delete()


# Client links ----------------------------------------------------------------------------------


def link_of(managing: int, account: int) -> dict[str, Any] | None:
    """The most recent link of the pair, after what Microsoft does on its own: an accepted
    link becomes Active and an unlink request Inactive by the next read (the sandbox finishes
    at once what takes minutes), a request left pending 30 days expires."""
    record = _records("link").filter(key=f"{managing}:{account}").first()
    if record is None:
        return None
    link = record.data
    moved = {"LinkAccepted": "Active", "UnlinkRequested": "Inactive"}.get(link["Status"])
    if link["Status"] == "LinkPending" and link["_requested"] + LINK_DAYS * 86400 < _now():
        moved = "LinkExpired"
    if moved:
        link = save_link(link | {"Status": moved})
    return link


def public(link: dict[str, Any]) -> dict[str, Any]:
    """A ClientLink as the API shows it, without the sandbox's own bookkeeping, its longs as
    JSON strings as the REST API writes them."""
    return {
        key: str(value) if key in LINK_LONGS and value is not None else value
        for key, value in link.items()
        if not key.startswith("_")
    }


def save_link(link: dict[str, Any]) -> dict[str, Any]:
    """Store a link with a new Timestamp (the API's stamp of its last change)."""
    link = link | {
        "Timestamp": secrets.token_hex(8),
        "LastModifiedDateTime": _iso(timezone.now()),
    }
    link.setdefault("_requested", _now())
    SandboxRecord.objects.update_or_create(
        platform=PLATFORM,
        kind="link",
        key=f"{link['ManagingCustomerId']}:{link['ClientEntityId']}",
        defaults={"data": link},
    )
    return link


def links_of_account(account: int) -> list[dict[str, Any]]:
    return [
        link
        for link in (
            link_of(r.data["ManagingCustomerId"], account)
            for r in _records("link").filter(data__ClientEntityId=account)
        )
        if link
    ]


# User invitations ------------------------------------------------------------------------------


def add_invitation(invitation: dict[str, Any]) -> int:
    with transaction.atomic():
        number = _records("invitation").select_for_update().count() + 1
        expires = timezone.now() + timedelta(days=INVITATION_DAYS)
        SandboxRecord.objects.create(
            platform=PLATFORM,
            kind="invitation",
            key=str(number),
            data=invitation | {"Id": number, "ExpirationDate": _iso(expires)},
        )
    return number


def invitations_of(customer_id: int) -> list[dict[str, Any]]:
    return [
        r.data
        for r in _records("invitation").filter(data__CustomerId=customer_id).order_by("created")
    ]


def accept_invitation(number: int, person: world.Person) -> bool:
    """The invitee accepts from the e-mail: the invitation leaves the list, its role is theirs."""
    record = _records("invitation").filter(key=str(number)).first()
    if record is None:
        return False
    invitation = record.data
    SandboxRecord.objects.update_or_create(
        platform=PLATFORM,
        kind="role",
        key=f"{person.key}:{invitation['CustomerId']}",
        defaults={
            "data": {
                "person": person.key,
                "CustomerId": invitation["CustomerId"],
                "RoleId": invitation["RoleId"],
                "AccountIds": invitation["AccountIds"],
            }
        },
    )
    record.delete()
    return True


def expire_invitation(number: int) -> bool:
    """Test hook: the invitation's 30 days are over."""
    record = _records("invitation").filter(key=str(number)).first()
    if record is None:
        return False
    record.data["ExpirationDate"] = _iso(timezone.now() - timedelta(days=1))
    record.save(update_fields=["data"])
    return True
