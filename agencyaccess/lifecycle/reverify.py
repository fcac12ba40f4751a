"""Re-verifying active grants, and drift (docs/lifecycle.md).

Every active grant is asked about again on its agency's schedule (`Agency.reverify_hours`,
daily by default). Each grant has a fixed phase within the period, from a hash of its id, so
100,000 grants are checked a little at a time all day long rather than all at midnight, and a
worker that was down catches up and then falls back into the same spread.

A check that finds the access removed, or another role than the one granted (lowered or
raised), is drift: the grant shows it, `grant.drifted` fires, and the teammates hear of it
(notification kind `access_changed`). Checks are rate-limited per platform by counters every
worker shares, far under the platforms' published limits (docs/benchmarks.md).

The platform calls of a batch overlap (lib/parallel.py): the database work (claiming, the
agency's and client's sign-ins, recording) stays in the worker's own thread.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from agencyaccess.apikeys import ratelimit
from agencyaccess.audit import log as audit
from agencyaccess.catalog import service_by_key
from agencyaccess.lib.parallel import map_side_by_side
from agencyaccess.lib.timestamps import epoch_ms
from agencyaccess.links.jobs import RECHECK_DELAYS, client_tokens_of, grant_ref
from agencyaccess.links.models import Drift, Grant
from agencyaccess.notify import payloads
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import EventType
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import (
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantState,
    ServiceConnector,
    TokenSet,
)

logger = logging.getLogger(__name__)

BATCH = 200
# A worker that dies mid-check leaves the grant claimed; after this it is checked again.
LEASE = timedelta(minutes=10)
# The platform could not be asked (down, rate limited): try this much later, not a period later.
AFTER_ERROR = timedelta(hours=1)
# Re-checks a minute per platform, every worker together: a small share of each platform's
# published limits (docs/benchmarks.md), so that grants and listings never wait on them.
CHECKS_PER_MINUTE: dict[str, int] = {"google": 600, "meta": 300}
DEFAULT_CHECKS_PER_MINUTE = 120


def reverify_active_grants() -> int:
    """The worker's job: schedule the active grants that have no check yet, then check the
    due ones. Returns how many grants it scheduled or checked."""
    now = timezone.now()
    return schedule_unscheduled(now) + check_due(now)


def schedule_unscheduled(now: datetime) -> int:
    """Active grants become due at their phase: new ones, and those a pending check handed
    over (links/jobs.py stops checking a grant once it is active)."""
    grants = list(
        Grant.objects.filter(state=GrantState.ACTIVE, next_check__isnull=True)
        .select_related("link__agency")
        .only("pk", "link__agency__reverify_hours")[:1000]
    )
    for grant in grants:
        grant.next_check = next_slot(grant.pk, _period(grant), now)
    Grant.objects.bulk_update(grants, ["next_check"])
    return len(grants)


def next_slot(grant_id: int, period: timedelta, now: datetime) -> datetime:
    """The grant's next check: the first moment of its phase at least half a period away, so
    checks stay one period apart and spread over the period by grant."""
    seconds = int(period.total_seconds())
    phase = int.from_bytes(hashlib.blake2b(str(grant_id).encode(), digest_size=8).digest())
    phase %= seconds
    earliest = int(now.timestamp()) + seconds // 2
    slot = earliest - earliest % seconds + phase
    if slot < earliest:
        slot += seconds
    return datetime.fromtimestamp(slot, tz=UTC)


@dataclass
class Check:
    grant: Grant
    ref: GrantRef
    client_tokens: TokenSet | None
    outcome: GrantOutcome | None = None
    error: ConnectorError | None = None


def check_due(now: datetime) -> int:
    due = (
        Grant.objects.filter(state=GrantState.ACTIVE, next_check__lte=now)
        .select_related("link__client", "link__agency", "connected_account")
        .order_by("next_check")[:BATCH]
    )
    checks = [
        Check(grant, grant_ref(grant), client_tokens_of(grant))
        for grant in due
        if registry.connector_for(grant.service_key) is not None
        and _within_platform_limit(grant)
        and _claim(grant, now)
    ]
    map_side_by_side(_ask_platform, _platform_questions(checks))
    for check in checks:
        record(check, timezone.now())
    return len(checks)


def _platform_questions(checks: list[Check]) -> list[list[Check]]:
    """The checks, in the groups one question to a platform answers: one check each, except
    those from the agency's side on a connector that answers them with one listing (Meta's
    shares: `ServiceConnector.lists_agency_shares`), together per connector."""
    listed: dict[ServiceConnector, list[Check]] = {}
    questions = []
    for check in checks:
        connector = _connector(check)
        if check.client_tokens is None and connector.lists_agency_shares:
            listed.setdefault(connector, []).append(check)
        else:
            questions.append([check])
    return questions + list(listed.values())


def _within_platform_limit(grant: Grant) -> bool:
    platform = service_by_key(grant.service_key).platform.key
    limit = CHECKS_PER_MINUTE.get(platform, DEFAULT_CHECKS_PER_MINUTE)
    return not ratelimit.hit(f"reverify:{platform}", limit).exceeded


def _claim(grant: Grant, now: datetime) -> bool:
    """A conditional UPDATE on what was read: of several workers, one checks the grant."""
    return bool(
        Grant.objects.filter(
            pk=grant.pk, state=GrantState.ACTIVE, next_check=grant.next_check
        ).update(next_check=now + LEASE)
    )


def _ask_platform(question: list[Check]) -> None:
    """The platform's answers, in a thread of their own: no database here."""
    connector = _connector(question[0])
    if len(question) > 1:
        answers = connector.verify_from_agency([check.ref for check in question])
    else:
        answers = [_verify(connector, question[0])]
    for check, answer in zip(question, answers, strict=True):
        if isinstance(answer, ConnectorError):
            check.error = answer
        else:
            check.outcome = answer


def _verify(connector: ServiceConnector, check: Check) -> GrantOutcome | ConnectorError:
    try:
        return connector.verify(check.ref, client_tokens=check.client_tokens)
    except ConnectorError as error:
        return error


def _connector(check: Check) -> ServiceConnector:
    connector = registry.connector_for(check.grant.service_key)
    assert connector is not None  # check_due keeps only grants with a connector
    return connector


def record(check: Check, now: datetime) -> None:
    """What the check found, saved with the event it fires (one transaction)."""
    grant = check.grant
    if check.outcome is None:
        _could_not_check(grant, check.error, now)
        return
    outcome = check.outcome
    grant.checks += 1
    grant.last_verified = now
    grant.updated = now
    drift = _drift(grant, outcome)
    if outcome.state == GrantState.ACTIVE:
        grant.next_check = next_slot(grant.pk, _period(grant), now)
    else:
        grant.state = outcome.state
        grant.message = outcome.message
        # Pending again (a share back in review): links/jobs.py follows it from here.
        grant.next_check = now + RECHECK_DELAYS[0] if outcome.state.is_pending else None
    with transaction.atomic():
        if drift is not None:
            _drifted(grant, drift, outcome, now)
        grant.save(
            update_fields=[
                "state",
                "message_id",
                "message_params",
                "last_verified",
                "next_check",
                "checks",
                "updated",
                "drift",
                "drifted",
                "observed_role",
            ]
        )


def _could_not_check(grant: Grant, error: ConnectorError | None, now: datetime) -> None:
    """Nothing is known: the grant keeps its state, and is asked about again later. A
    permanent error (no sign-in left to check with) waits a whole period."""
    logger.info("grant %s not re-checked: %s", grant.pk, error.message if error else "")
    wait = _period(grant) if error is not None and error.permanent else AFTER_ERROR
    Grant.objects.filter(pk=grant.pk).update(next_check=now + wait)


def _drift(grant: Grant, outcome: GrantOutcome) -> Drift | None:
    """The new drift this answer shows, or None (no change, or one already recorded). A role
    back to the one granted ends a role drift without an event."""
    if outcome.state == GrantState.REVOKED:
        return Drift.REMOVED
    if outcome.state != GrantState.ACTIVE or not outcome.native_role:
        return None  # a connector that cannot tell the role says nothing about it
    if _roles(outcome.native_role) == _roles(grant.native_role):
        grant.drift, grant.observed_role = "", ""
        return None
    if grant.drift == Drift.ROLE_CHANGED and grant.observed_role == outcome.native_role:
        return None
    return Drift.ROLE_CHANGED


def _roles(native_role: str) -> frozenset[str]:
    """A role as a set: platforms list several ("MANAGE,ADVERTISE") in no fixed order."""
    return frozenset(part.strip() for part in native_role.split(",") if part.strip())


def _drifted(grant: Grant, drift: Drift, outcome: GrantOutcome, now: datetime) -> None:
    grant.drift = drift
    grant.drifted = now
    grant.observed_role = "" if drift == Drift.REMOVED else outcome.native_role
    link = grant.link
    audit.record(
        audit.Action.GRANT_DRIFTED,
        agency=link.agency_id,
        actor=audit.WORKER,
        target=grant,
        details={
            "drift": drift.value,
            "granted_role": grant.native_role,
            "observed_role": grant.observed_role,
        },
    )
    emit(
        link.agency_id,
        EventType.GRANT_DRIFTED,
        {
            "link_id": link.public_id,
            "client": link.client.as_api(),
            "grant": payloads.asset_object(grant),
            "drift": drift.value,
            "observed_role": grant.observed_role,
            "detected_at": epoch_ms(now),
        },
        dedupe_key=f"{grant.pk}:{epoch_ms(now)}",
        link_id=link.pk,
        client_id=link.client_id,
        occurred=now,
    )


def _period(grant: Grant) -> timedelta:
    return timedelta(hours=grant.link.agency.reverify_hours)
