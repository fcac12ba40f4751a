"""The worker's heartbeat: each worker process stamps its own row every BEAT_EVERY seconds
from its loop; readiness and the metrics read the newest stamp.

The interface, for whatever writes or reads it: `beat(worker_id)` from the loop (a worker job:
it returns 0 items handled), `last_beat()` for the newest stamp of any worker, and
`alive_workers()` for how many stamped within STALE_AFTER. A worker whose loop is stuck (a job
that never returns) or cannot reach the database stops stamping, and so shows as stale.
"""

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from agencyaccess.ops.models import WorkerHeartbeat

BEAT_EVERY = 10  # seconds
# Six missed beats: longer than any job's batch takes when its services answer.
STALE_AFTER = timedelta(seconds=60)
# A worker gone this long is forgotten (each process has its own id: restarts add rows).
FORGET_AFTER = timedelta(days=1)


def beat(worker_id: str, now: datetime | None = None) -> int:
    """Stamp this worker's row (one upsert) and forget the long-gone ones. Returns 0, as a
    worker job that handled no item."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.bulk_create(
        [WorkerHeartbeat(worker_id=worker_id, beat_at=now)],
        update_conflicts=True,
        unique_fields=["worker_id"],
        update_fields=["beat_at"],
    )
    WorkerHeartbeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()
    return 0


def last_beat() -> datetime | None:
    """When the most recently seen worker last went round its loop; None if none ever did."""
    return WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]


def alive_workers(now: datetime | None = None) -> int:
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(beat_at__gte=now - STALE_AFTER).count()
