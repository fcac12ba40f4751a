"""Time-limited access (docs/lifecycle.md): a link, or one service of it, may carry an end date
(`Link.access_until`, `RequestedService.access_until`, the API's `accessUntil`).

WARN_BEFORE the end, the client and the teammates are e-mailed once; at the end the worker
offboards the service as a teammate would (lifecycle/offboarding.py). Both jobs look for what is
due, not for what became due since the last run: a worker that was down catches up when it
comes back, ending what should have ended meanwhile (and warning only of what has not).
"""

import contextlib
from datetime import datetime, timedelta
from itertools import groupby

from django.db import transaction
from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencyaccess.accounts.models import Membership
from agencyaccess.audit import log as audit
from agencyaccess.lifecycle.models import Reason
from agencyaccess.lifecycle.offboarding import NothingToRemove, offboard
from agencyaccess.links.models import Grant, RequestedService
from agencyaccess.notify import emails

WARN_BEFORE = timedelta(days=3)
BATCH = 100


def ending_between(after: datetime | None, until: datetime) -> QuerySet[RequestedService]:
    """The services not ended yet whose end date (their own, else their link's) is after
    `after` (when given) and at the latest `until`, with that date as `ends`. Conditions on
    each column rather than on their COALESCE, so that each can use its partial index."""
    own = Q(access_until__lte=until)
    links = Q(access_until__isnull=True, link__access_until__lte=until)
    if after is not None:
        own &= Q(access_until__gt=after)
        links &= Q(link__access_until__gt=after)
    return (
        RequestedService.objects.filter(access_ended__isnull=True)
        .filter(own | links)
        .annotate(ends=Coalesce("access_until", "link__access_until", output_field=DateTimeField()))
    )


def end_expired_access(now: datetime | None = None) -> int:
    """The worker's job: offboard each service whose end date has passed; how many ended."""
    now = now or timezone.now()
    due = ending_between(None, now).select_related("link__client").order_by("id")[:BATCH]
    ended = 0
    for service in due:
        with transaction.atomic():
            # Of two workers, the one whose UPDATE takes the row ends it.
            if not RequestedService.objects.filter(pk=service.pk, access_ended__isnull=True).update(
                access_ended=now
            ):
                continue
            link = service.link
            # Nothing granted, or gone already: the date just passes.
            with contextlib.suppress(NothingToRemove):
                offboard(
                    link.client,
                    reason=Reason.EXPIRED,
                    actor=audit.WORKER,
                    link=link,
                    service_key=service.service_key,
                )
        ended += 1
    return ended


def warn_of_ending_access(now: datetime | None = None) -> int:
    """The worker's job: e-mail the client and the teammates once, WARN_BEFORE a service's
    access ends, when something is still held; returns how many links were warned of."""
    now = now or timezone.now()
    held = Grant.objects.filter(
        link=OuterRef("link"), service_key=OuterRef("service_key")
    ).standing()
    due = list(
        ending_between(now, now + WARN_BEFORE)
        .filter(expiry_warned__isnull=True)
        .filter(Exists(held))
        .select_related("link__client", "link__agency")
        .order_by("link_id", "position")[:BATCH]
    )
    warned = 0
    for _link_id, group in groupby(due, key=lambda service: service.link_id):
        services = list(group)
        with transaction.atomic():
            if not RequestedService.objects.filter(
                pk__in=[s.pk for s in services], expiry_warned__isnull=True
            ).update(expiry_warned=now):
                continue
            link = services[0].link
            emails.access_ending(link, services)
            teammates = Membership.objects.filter(
                agency_id=link.agency_id, user__is_active=True
            ).select_related("user")
            emails.access_ending_team(link, services, [m.user.email for m in teammates])
        warned += 1
    return warned
