"""The agency's events, e-mailed to the teammates who chose them (docs/events.md, "Teammates'
e-mails"): at once, one e-mail per event, or in a daily digest.

`notify_teammates` takes the events no teammate has heard of (`teammates_notified` empty) in a
transaction that locks them: SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so that workers
side by side take different events; on SQLite, transactions begin IMMEDIATE (settings.py) and
run one at a time. It queues the e-mails, notes the digest items and stamps the events in that
one transaction: whatever crashes, an event is e-mailed once or not yet, never twice.

`send_daily_digests` e-mails each user, at most once a UTC day, everything they chose to read in
a digest since their last one. Days are UTC days for everyone: a digest goes out soon after
midnight UTC, whatever the user's time zone (the product keeps no time zone per user).
"""

from datetime import UTC, date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from agencyaccess.accounts.models import Membership, User
from agencyaccess.notify import activity, emails
from agencyaccess.notify.models import (
    Digest,
    DigestItem,
    Event,
    EventType,
    Frequency,
    NotificationKind,
)
from agencyaccess.notify.preferences import Preferences

# Events per transaction, and users per digest run; the worker runs a job again at once while it
# finds work.
BATCH = 100

_KIND_OF_TYPE: dict[str, str] = {
    EventType.SERVICE_GRANTED: NotificationKind.SERVICE_GRANTED,
    EventType.INTAKE_COMPLETED: NotificationKind.INTAKE_COMPLETED,
    EventType.LINK_COMPLETED: NotificationKind.LINK_COMPLETED,
    EventType.GRANT_DRIFTED: NotificationKind.ACCESS_CHANGED,
}


def kinds_of(event: Event) -> set[str]:
    """The notification kinds an event is; none for the types teammates are not e-mailed about.
    A service granted with an invitation for the agency to accept is also one that needs the
    agency's action. Only then is the body read: the others are known by their type."""
    kinds: set[str] = {_KIND_OF_TYPE[event.type]} if event.type in _KIND_OF_TYPE else set()
    if event.type == EventType.SERVICE_GRANTED and activity.awaiting_agency(event.type, event.data):
        kinds.add(NotificationKind.NEEDS_ACTION)
    # A revocation the agency asked for is no news to it; one the client made is.
    if event.type == EventType.GRANT_REVOKED and event.data.get("reason") == "client":
        kinds.add(NotificationKind.ACCESS_CHANGED)
    return kinds


def notify_teammates() -> int:
    """The worker's job: e-mail or note for the digest the events teammates have not heard of.
    Returns how many events it took."""
    with transaction.atomic():
        events = list(
            Event.objects.teammates_not_notified()
            .select_for_update(skip_locked=True)
            .order_by("id")[:BATCH]
        )
        if not events:
            return 0
        kinds = {event.pk: kinds_of(event) for event in events}
        to_tell = [event for event in events if kinds[event.pk]]
        agency_ids = {event.agency_id for event in to_tell}
        teams: dict[int, list[Membership]] = {}
        for membership in (
            Membership.objects.filter(agency_id__in=agency_ids, user__is_active=True)
            .select_related("user", "agency")
            .order_by("created")
        ):
            teams.setdefault(membership.agency_id, []).append(membership)
        preferences = Preferences.of_agencies(agency_ids)
        digest_items = []
        for event in to_tell:
            by_delivery: dict[Frequency, list[Membership]] = {}
            for membership in teams.get(event.agency_id, []):
                delivery = preferences.delivery(membership, kinds[event.pk])
                by_delivery.setdefault(delivery, []).append(membership)
            if at_once := by_delivery.get(Frequency.IMMEDIATELY):
                emails.teammate_notification(event, at_once)
            digest_items += [
                DigestItem(membership=membership, event=event)
                for membership in by_delivery.get(Frequency.DIGEST, [])
            ]
        DigestItem.objects.bulk_create(digest_items)
        Event.objects.filter(pk__in=[event.pk for event in events]).update(
            teammates_notified=timezone.now()
        )
    return len(events)


def send_daily_digests(now: datetime | None = None) -> int:
    """The worker's job: a digest for each user with an item from before today (UTC) and no
    digest today yet. Returns how many were queued."""
    now = now or timezone.now()
    today = now.astimezone(UTC).date()
    midnight = datetime.combine(today, time(), tzinfo=UTC)
    user_ids = (
        DigestItem.objects.filter(created__lt=midnight)
        .exclude(membership__user__digests__day=today)
        .values_list("membership__user_id", flat=True)
        .order_by("membership__user_id")
        .distinct()[:BATCH]
    )
    return sum(send_digest(user, today) for user in User.objects.filter(pk__in=list(user_ids)))


def send_digest(user: User, day: date) -> bool:
    """Queue the user's digest of `day` with every item they have; False when they have none
    or already had that day's (the unique Digest row decides between two workers)."""
    try:
        with transaction.atomic():
            items = list(
                DigestItem.objects.filter(membership__user=user)
                .select_related("event", "membership__agency")
                .order_by("event__occurred", "event__id")
            )
            if not items:
                return False
            email = emails.daily_digest(user, items)
            Digest.objects.create(user=user, day=day, events=len(items), email=email)
            DigestItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    except IntegrityError:
        return False
    return True
