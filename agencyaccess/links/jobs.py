"""Background jobs of links, run by the worker: following pending grants until the platform
says they are active (or they fail).

Invitations wait for the agency to accept, manager links for the client, some grants for a
platform review (docs/platforms/README.md#grant-shapes: up to 24 h, 20 days; we give up after
30). Each pending grant is a row with `next_check`; the worker claims the due ones and asks the
service's connector.
Guided services have no connector: the client's "Done" is all there is, so they are not checked.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agencyaccess.audit import log as audit
from agencyaccess.catalog import PLATFORMS, service_by_key
from agencyaccess.links.actions import (
    agency_identity,
    audit_grant,
    grant_activated,
    live_client_token,
    reopen_if_nothing_granted,
)
from agencyaccess.links.models import Grant, RequestedAccountLink
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import (
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantState,
    ServiceConnector,
    TokenSet,
)

# The first check comes a minute after the grant (links.actions.first_check_delay); after the
# n-th check the next waits RECHECK_DELAYS[n-1], and the last delay repeats: daily.
RECHECK_DELAYS = (
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
)
GIVE_UP_AFTER = timedelta(days=30)
# A worker that dies mid-check leaves the grant claimed; after this it is checked again.
LEASE = timedelta(minutes=10)
BATCH = 100


def recheck_pending_grants() -> int:
    """Verify the pending grants that are due; returns how many were checked."""
    now = timezone.now()
    due = (
        due_checks(now)
        .select_related("link__client", "connected_account")
        .order_by("next_check")[:BATCH]
    )
    checked = 0
    for grant in due:
        connector = registry.connector_for(grant.service_key)
        if connector is not None and claim(grant, now):
            recheck(grant, connector)
            checked += 1
    return checked


def check_now(grant: Grant) -> bool:
    """Ask the platform about one pending grant at once (the agency's "Check now"), as the
    worker would, and claimed as the worker claims: of two presses at once, one checks. False
    when there was nothing to check: a grant no longer pending (changed since it was read),
    or one of a guided service, which no API can confirm."""
    connector = registry.connector_for(grant.service_key)
    if connector is None or not GrantState(grant.state).is_pending:
        return False
    if not claim(grant, timezone.now()):
        return False
    recheck(grant, connector)
    return True


def due_checks(now: datetime) -> QuerySet[Grant]:
    """The pending grants to ask the platform about now (a claimed one's lease ends its wait)."""
    return Grant.objects.pending().filter(
        next_check__lte=now, service_key__in=services_with_connector()
    )


def claim(grant: Grant, now: datetime) -> bool:
    """Take the grant for this worker: a conditional UPDATE on what was read, so of several
    workers only one checks it; the lease brings it back if this one dies."""
    return bool(
        Grant.objects.filter(pk=grant.pk, state=grant.state, next_check=grant.next_check).update(
            next_check=now + LEASE
        )
    )


def recheck(grant: Grant, connector: ServiceConnector) -> None:
    """Ask the platform where one claimed grant stands and record it. Messages are in the
    client's language, as when the grant was made: the client's pages show them too."""
    now = timezone.now()
    grant.checks += 1
    was, was_role = GrantState(grant.state), grant.native_role
    with translation.override(grant.link.client.language):
        try:
            outcome = connector.verify(grant_ref(grant), client_tokens=client_tokens_of(grant))
        except ConnectorError as error:
            _still_pending(grant, error, now)
        else:
            _apply(grant, outcome, now)
        if GrantState(grant.state).is_pending and now - grant.created >= GIVE_UP_AFTER:
            grant.state = GrantState.FAILED
            grant.message = _(
                "The platform still had not confirmed this access after 30 days. "
                "Please grant it again."
            )
            grant.next_check = None
    grant.updated = now
    with transaction.atomic():
        grant.save(
            update_fields=[
                "state",
                "message_id",
                "message_params",
                "native_ref",
                "native_role",
                "next_action_url",
                "last_verified",
                "next_check",
                "checks",
                "updated",
            ]
        )
        if (grant.state, grant.native_role) != (was, was_role):
            audit_grant(grant, actor=audit.WORKER, previous=was)
        if not GrantState(grant.state).counts_as_granted:
            reopen_if_nothing_granted(grant.link, grant.service_key)
        elif was != GrantState.ACTIVE and grant.state == GrantState.ACTIVE:
            grant_activated(grant, was)


def _apply(grant: Grant, outcome: GrantOutcome, now: datetime) -> None:
    grant.state = outcome.state
    grant.message = outcome.message
    grant.native_ref = outcome.native_ref or grant.native_ref
    grant.native_role = outcome.native_role or grant.native_role
    grant.next_action_url = outcome.next_action_url or ""
    grant.last_verified = now
    grant.next_check = (
        now + _delay(grant.checks, outcome.retry_after) if outcome.state.is_pending else None
    )


def _still_pending(grant: Grant, error: ConnectorError, now: datetime) -> None:
    """The platform could not be asked. A passing failure is just tried later; a permanent one
    (a revoked sign-in, missing rights) is kept as the grant's message, for someone to act on."""
    if error.permanent:
        grant.message = error.message
    grant.next_check = now + _delay(grant.checks, error.retry_after)


def _delay(checks: int, retry_after: float | None) -> timedelta:
    """The backoff after `checks` checks, but never sooner than the platform asked."""
    backoff = RECHECK_DELAYS[min(checks, len(RECHECK_DELAYS)) - 1]
    return max(backoff, timedelta(seconds=retry_after or 0))


def grant_ref(grant: Grant) -> GrantRef:
    return GrantRef(
        service_key=grant.service_key,
        asset_id=grant.asset_id,
        native_ref=grant.native_ref,
        native_role=grant.native_role,
        agency=agency_identity(_account_link(grant)),
    )


def _account_link(grant: Grant) -> RequestedAccountLink:
    """How the link names the receiving account (with its Google Ads manager id, if any). When
    an update has since replaced the link's services, the account alone still says who holds
    the grant."""
    account_link = (
        RequestedAccountLink.objects.filter(
            requested_service__link_id=grant.link_id,
            requested_service__service_key=grant.service_key,
            connected_account_id=grant.connected_account_id,
        )
        .select_related("connected_account")
        .first()
    )
    return account_link or RequestedAccountLink(connected_account=grant.connected_account)


def client_tokens_of(grant: Grant) -> TokenSet | None:
    """The client's sign-in, when the link kept it: some checks need the client's side."""
    token = live_client_token(grant.link, service_by_key(grant.service_key).platform.key)
    if token is None:
        return None
    try:
        return token.usable()
    except ConnectorError:
        return None  # the client's sign-in no longer works: the agency's side alone will do


def services_with_connector() -> list[str]:
    return [
        service.key
        for platform in PLATFORMS
        for service in platform.services
        if registry.connector_for(service.key) is not None
    ]
