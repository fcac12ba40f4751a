"""Offboarding: removing the agency's access, through the platforms' APIs (docs/lifecycle.md).

`offboard()` records what to remove (one Revocation per grant) in one transaction; the worker's
`revoke_due` asks each grant's connector to revoke it, with the client's sign-in when one is
held. A platform that answers "done" makes the grant revoked (`grant.revoked`); one that has no
API for it, or needs the client to sign in, leaves steps to follow by hand; a passing failure is
tried again later (REVOKE_DELAYS), and after the last try is shown as failed, never as done.
Once nothing is left to try, the offboarding is settled: `client.offboarded` fires and the
client is e-mailed the dated confirmation, also a page (views.confirmation).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencyaccess.audit import log as audit
from agencyaccess.audit.models import ActorKind
from agencyaccess.catalog import service_by_key
from agencyaccess.clients.models import Client
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.timestamps import epoch_ms
from agencyaccess.lifecycle.models import (
    Offboarding,
    Reason,
    Revocation,
    RevocationStatus,
)
from agencyaccess.links.jobs import grant_ref
from agencyaccess.links.models import Grant, Link
from agencyaccess.notify import emails, payloads
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import EventType
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import ConnectorError, GrantOutcome, GrantState, TokenSet
from agencyaccess.platforms.models import PlatformToken

# After the n-th failed try the next waits REVOKE_DELAYS[n-1]; after the last, it has failed.
REVOKE_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=24),
)
LEASE = timedelta(minutes=10)
BATCH = 50
# What an offboarding removes: whatever the agency may hold or be about to hold.
REMOVABLE_STATES = [
    GrantState.ACTIVE,
    GrantState.PENDING_CLIENT,
    GrantState.PENDING_AGENCY,
    GrantState.PENDING_REVIEW,
    GrantState.MANUAL_REQUIRED,
]
# Confirmation e-mails and events list this many grants at most.
MAX_LISTED = 50


class NothingToRemove(ActionError):
    pass


def removable_grants(client: Client, *, link: Link | None = None, service_key: str = ""):
    """The client's grants an offboarding of this scope removes, less those being removed."""
    grants = Grant.objects.filter(link__client=client, state__in=REMOVABLE_STATES).exclude(
        revocations__status=RevocationStatus.QUEUED
    )
    if link is not None:
        grants = grants.filter(link=link)
    if service_key:
        grants = grants.filter(service_key=service_key)
    return grants


def offboard(
    client: Client,
    *,
    reason: Reason,
    actor: Any,
    address: str | None = None,
    link: Link | None = None,
    service_key: str = "",
    grants: Iterable[Grant] | None = None,
) -> Offboarding:
    """Record an offboarding of the client (or one link's service, or these grants) and its
    revocations, which the worker carries out, with its audit entry (`actor` as audit.record
    takes it: a teammate, the client, audit.WORKER). Raises NothingToRemove when nothing is
    held."""
    with transaction.atomic():
        chosen = list(
            grants
            if grants is not None
            else removable_grants(client, link=link, service_key=service_key)
        )
        if not chosen:
            raise NothingToRemove("The agency holds nothing to remove here.")
        offboarding = Offboarding.objects.create(
            agency_id=client.agency_id,
            client=client,
            link=link,
            service_key=service_key,
            reason=reason,
            requested_by=_requester(actor),
        )
        Revocation.objects.bulk_create(
            Revocation(offboarding=offboarding, grant=grant) for grant in chosen
        )
        audit.record(
            audit.Action.OFFBOARDING_REQUESTED,
            agency=client.agency_id,
            actor=actor,
            target=offboarding,
            address=address,
            details={
                "reason": reason.value,
                "link": link.public_id if link else None,
                "service": service_key or None,
                "grants": [grant.pk for grant in chosen[:MAX_LISTED]],
            },
        )
    return offboarding


def _requester(actor: Any) -> str:
    """What the offboarding keeps of who asked: a teammate's e-mail, else "client" or
    "worker"."""
    who = audit.actor_of(actor)
    return who.name if who.kind == ActorKind.TEAMMATE else who.kind.value


def retry(offboarding: Offboarding, *, actor: Any, address: str | None = None) -> int:
    """A teammate's "try again": the failed and by-hand revocations are tried again now, and
    the log says who asked; returns how many."""
    with transaction.atomic():
        count = _requeue(
            offboarding.revocations.filter(
                status__in=[RevocationStatus.FAILED, RevocationStatus.MANUAL]
            )
        )
        if count:
            audit.record(
                audit.Action.OFFBOARDING_RETRIED,
                agency=offboarding.agency_id,
                actor=actor,
                target=offboarding,
                address=address,
                details={"revocations": count},
            )
    return count


def retry_waiting_for_sign_in(
    client: Client, revocation_ids: Iterable[int], *, platform: str, address: str | None
) -> int:
    """The client signed in: the removals that waited for it are tried again now, and the log
    says the client did it."""
    with transaction.atomic():
        count = _requeue(
            Revocation.objects.filter(pk__in=list(revocation_ids), status=RevocationStatus.MANUAL)
        )
        if count:
            audit.record(
                audit.Action.OFFBOARDING_RETRIED,
                agency=client.agency_id,
                actor=client,
                target=client,
                address=address,
                details={"revocations": count, "signed_in_on": platform},
            )
    return count


def _requeue(revocations) -> int:
    return revocations.update(
        status=RevocationStatus.QUEUED, next_attempt=timezone.now(), attempts=0
    )


# -- The worker ------------------------------------------------------------------------------


def revoke_due() -> int:
    """The worker's job: try each due revocation, then settle the offboardings left with
    nothing to try. Returns how many revocations it tried."""
    now = timezone.now()
    due = list(
        Revocation.objects.unsettled()
        .filter(next_attempt__lte=now)
        .select_related(
            "offboarding", "grant__link__client", "grant__link__agency", "grant__connected_account"
        )
        .order_by("next_attempt")[:BATCH]
    )
    tried = [revocation for revocation in due if _claim(revocation, now)]
    for revocation in tried:
        attempt(revocation)
    for offboarding in {
        revocation.offboarding_id: revocation.offboarding for revocation in tried
    }.values():
        settle(offboarding)
    return len(tried)


def _claim(revocation: Revocation, now: datetime) -> bool:
    return bool(
        Revocation.objects.filter(
            pk=revocation.pk,
            status=RevocationStatus.QUEUED,
            next_attempt=revocation.next_attempt,
        ).update(next_attempt=now + LEASE)
    )


def attempt(revocation: Revocation) -> None:
    """Ask the platform to remove one grant, and record what it said. Messages are in the
    client's language: their page and confirmation show them."""
    grant = revocation.grant
    revocation.attempts += 1
    with translation.override(grant.link.client.language):
        if grant.state == GrantState.REVOKED:  # gone already (found by a re-check)
            _done(revocation, GrantOutcome(GrantState.REVOKED, message=grant.message))
            return
        connector = registry.connector_for(grant.service_key)
        if connector is None:
            _by_hand(revocation, guided_steps(grant))
            return
        try:
            outcome = connector.revoke(grant_ref(grant), client_tokens=client_sign_in(grant))
        except ConnectorError as error:
            if error.permanent:
                _by_hand(revocation, error.message)
            else:
                _try_later(revocation, error.message, error.retry_after)
            return
    if outcome.state == GrantState.REVOKED:
        _done(revocation, outcome)
    elif outcome.state == GrantState.MANUAL_REQUIRED:
        _by_hand(revocation, outcome.message)
    else:  # an answer that is not "removed" is not taken as done
        _try_later(revocation, outcome.message, outcome.retry_after)


def client_sign_in(grant: Grant) -> TokenSet | None:
    """The client's newest sign-in on the grant's platform from any of their links (they may
    have signed in on their page to remove access given through an older link)."""
    platform = service_by_key(grant.service_key).platform.key
    token = (
        PlatformToken.objects.filter(
            link__client_id=grant.link.client_id,
            platform=platform,
            purge_after__gt=timezone.now(),
        )
        .order_by("-created")
        .first()
    )
    if token is None:
        return None
    try:
        return token.usable()
    except ConnectorError:
        return None


def guided_steps(grant: Grant) -> str:
    """What the client does by hand where the platform has no API to remove access."""
    service = service_by_key(grant.service_key)
    # Translators: %(service)s is a platform's product, %(account)s the agency's account there,
    # %(asset)s what the client had shared.
    return _(
        "%(service)s has no way for us to remove this access. In %(service)s, open the users "
        "or partners of %(asset)s and remove %(account)s."
    ) % {
        "service": service.name,
        "account": grant.connected_account.email or grant.connected_account.name or _("the agency"),
        "asset": grant.asset_name or grant.asset_id or service.name,
    }


def _done(revocation: Revocation, outcome: GrantOutcome) -> None:
    now = timezone.now()
    grant = revocation.grant
    grant.state = GrantState.REVOKED
    grant.message = outcome.message
    grant.next_check = None
    grant.updated = now
    revocation.status = RevocationStatus.DONE
    revocation.message = ""
    revocation.done = now
    revocation.next_attempt = None
    link = grant.link
    with transaction.atomic():
        grant.save(update_fields=["state", "message_id", "message_params", "next_check", "updated"])
        revocation.save(update_fields=["status", "message", "done", "next_attempt", "attempts"])
        _audit_revocation(revocation, audit.Action.GRANT_REVOKED)
        emit(
            link.agency_id,
            EventType.GRANT_REVOKED,
            {
                "link_id": link.public_id,
                "client": link.client.as_api(),
                "grant": payloads.asset_object(grant),
                "offboarding_id": revocation.offboarding.public_id,
                "reason": revocation.offboarding.reason,
                "revoked_at": epoch_ms(now),
            },
            dedupe_key=str(revocation.pk),
            link_id=link.pk,
            client_id=link.client_id,
            occurred=now,
        )


def _by_hand(revocation: Revocation, steps: str) -> None:
    revocation.status = RevocationStatus.MANUAL
    revocation.message = steps
    revocation.next_attempt = None
    with transaction.atomic():
        revocation.save(update_fields=["status", "message", "next_attempt", "attempts"])
        _audit_revocation(revocation, audit.Action.REVOCATION_MANUAL)


def _try_later(revocation: Revocation, message: str, retry_after: float | None) -> None:
    """A passing failure: again after the backoff (never sooner than the platform asked), or
    failed for good after the last try, which a teammate may retry."""
    revocation.message = message
    failed = revocation.attempts > len(REVOKE_DELAYS)
    if failed:
        revocation.status = RevocationStatus.FAILED
        revocation.next_attempt = None
    else:
        delay = max(REVOKE_DELAYS[revocation.attempts - 1], timedelta(seconds=retry_after or 0))
        revocation.next_attempt = timezone.now() + delay
    with transaction.atomic():
        revocation.save(update_fields=["status", "message", "next_attempt", "attempts"])
        if failed:
            _audit_revocation(revocation, audit.Action.REVOCATION_FAILED)


def _audit_revocation(revocation: Revocation, action: audit.Action) -> None:
    """The worker's entry for a revocation's outcome; `details.message` is what the platform
    said (steps by hand, or why it failed)."""
    offboarding = revocation.offboarding
    audit.record(
        action,
        agency=offboarding.agency_id,
        actor=audit.WORKER,
        target=revocation.grant,
        details={
            "offboarding": offboarding.public_id,
            "reason": offboarding.reason,
            "message": revocation.message,
        },
    )


def settle(offboarding: Offboarding) -> bool:
    """Once no revocation is left to try: settled once (a conditional UPDATE), with
    `client.offboarded` and the confirmation e-mail in the same transaction."""
    now = timezone.now()
    with transaction.atomic():
        if offboarding.revocations.unsettled().exists():
            return False
        if not Offboarding.objects.filter(pk=offboarding.pk, settled__isnull=True).update(
            settled=now
        ):
            return False
        offboarding.settled = now
        emit(
            offboarding.agency_id,
            EventType.CLIENT_OFFBOARDED,
            offboarded_data(offboarding),
            dedupe_key=str(offboarding.pk),
            link_id=offboarding.link_id,
            client_id=offboarding.client_id,
            occurred=now,
        )
        emails.offboarding_confirmation(offboarding, confirmation_url(offboarding))
    return True


def confirmation_url(offboarding: Offboarding) -> str:
    return settings.SITE_URL + reverse("lifecycle-confirmation", args=[offboarding.public_id])


def offboarded_data(offboarding: Offboarding) -> dict:
    revocations = list(
        offboarding.revocations.select_related("grant").order_by("grant__created", "grant__id")
    )
    return {
        "offboarding_id": offboarding.public_id,
        "client": offboarding.client.as_api(),
        "link_id": offboarding.link.public_id if offboarding.link else None,
        "service": service_by_key(offboarding.service_key).name
        if offboarding.service_key
        else None,
        "reason": offboarding.reason,
        "requested_at": epoch_ms(offboarding.created),
        "settled_at": epoch_ms(offboarding.settled) if offboarding.settled else None,
        "grants": [_offboarded_grant(revocation) for revocation in revocations[:MAX_LISTED]],
        "grants_truncated": len(revocations) > MAX_LISTED,
        "confirmation_url": confirmation_url(offboarding),
    }


def _offboarded_grant(revocation: Revocation) -> dict:
    grant = revocation.grant
    service = service_by_key(grant.service_key)
    return {
        "platform": service.platform.name,
        "service": service.name,
        "name": grant.asset_name,
        "native_id": grant.asset_id,
        "status": revocation.status,
        "notes": revocation.message,
    }
