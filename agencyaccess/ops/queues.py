"""The durable work waiting for a worker (DESIGN.md, convention 10), measured the way the jobs
take it: how many items are due and how long the oldest has been due. Each is one aggregate
over the rows already due, on the index its job reads (status or state, then time)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, QuerySet

from agencyaccess.links.jobs import due_checks
from agencyaccess.notify.deliveries import due_deliveries
from agencyaccess.notify.jobs import due_emails


@dataclass(frozen=True)
class Queue:
    name: str
    due: Callable[[datetime], QuerySet]
    due_since: str  # the column that says since when an item is due
    # Readiness fails when the oldest item has waited longer: the workers are down, stuck or
    # far behind (each job runs every few seconds; docs/operations.md).
    lag_limit: timedelta


QUEUES = (
    Queue("emails", due_emails, "next_attempt", timedelta(minutes=5)),
    Queue("webhook_deliveries", due_deliveries, "next_attempt", timedelta(minutes=5)),
    # Checked every 30 s, a hundred at a time, each a call to the platform.
    Queue("grant_checks", due_checks, "next_check", timedelta(minutes=15)),
)


@dataclass(frozen=True)
class Backlog:
    queue: Queue
    depth: int
    oldest_seconds: float  # 0 when nothing is due

    @property
    def ok(self) -> bool:
        return self.oldest_seconds <= self.queue.lag_limit.total_seconds()


def backlog(queue: Queue, now: datetime) -> Backlog:
    row = queue.due(now).aggregate(depth=Count("pk"), oldest=Min(queue.due_since))
    oldest = (now - row["oldest"]).total_seconds() if row["oldest"] else 0.0
    return Backlog(queue, row["depth"], max(oldest, 0.0))
