"""Reminders to clients who have not finished their link (product.md §3), and the e-mail that
tells a client their link asks for something new.

Automatic reminders follow the agency's schedule, `Agency.reminder_days` (days after the link
was created; 2, 5 and 10 by default) and stop when the link is complete. `Link.reminders_sent`
is how many have gone out, automatic or sent from the dashboard, so the next one is due at
`created + reminder_days[reminders_sent]`. A worker that was down for a while sends one reminder,
not every one it missed: the count jumps past the days already gone.

The e-mail itself is notify/emails.py's `reminder`.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.links.models import Link
from agencyaccess.notify import emails

# Links reminded per schedule and run; the worker runs the job again at once while it finds work.
BATCH = 100


def send_due_reminders(now: datetime | None = None) -> int:
    """The worker's job: remind every link whose next reminder is due. Returns how many."""
    now = now or timezone.now()
    sent = 0
    for days, agency_ids in _schedules().items():
        due = Q()
        for count, day in enumerate(days):
            due |= Q(reminders_sent=count, created__lte=now - timedelta(days=day))
        links = (
            Link.objects.filter(due, agency_id__in=agency_ids, completed__isnull=True)
            .select_related("agency", "client")
            .order_by("created")[:BATCH]
        )
        sent += sum(remind(link, now) for link in links)
    return sent


def _schedules() -> dict[tuple[int, ...], list[int]]:
    """The agencies that send reminders, grouped by schedule: most share the default one, so
    the job asks the database once per distinct schedule, not once per agency."""
    schedules: dict[tuple[int, ...], list[int]] = {}
    agencies = Agency.objects.filter(reminders_enabled=True).values_list("id", "reminder_days")
    for agency_id, days in agencies:
        schedule = tuple(sorted({day for day in days if isinstance(day, int) and day >= 0}))
        if schedule:
            schedules.setdefault(schedule, []).append(agency_id)
    return schedules


def remind(link: Link, now: datetime | None = None) -> bool:
    """E-mail the client (and the link's cc) a reminder, once: the count moves with a
    conditional UPDATE on the count read, so of two workers (or two clicks) that read the same
    link, one sends. False when the link is complete or someone else just reminded it."""
    now = now or timezone.now()
    passed = sum(link.created + timedelta(days=day) <= now for day in link.agency.reminder_days)
    count = max(link.reminders_sent + 1, passed)
    with transaction.atomic():
        claimed = Link.objects.filter(
            pk=link.pk, reminders_sent=link.reminders_sent, completed__isnull=True
        ).update(reminders_sent=count, last_reminder=now)
        if not claimed:
            return False
        link.reminders_sent, link.last_reminder = count, now
        emails.reminder(link)
    return True
