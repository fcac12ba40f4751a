"""The workers' heartbeat: each lane of each worker stamps its own row every BEAT_EVERY seconds
from its loop (agencyaccess/worker.py); readiness and the metrics read the newest stamp.

`beat(worker_id, lane)` from the loop, `last_beat()` for the newest stamp of any worker, and
`alive_workers()` for how many workers stamped within STALE_AFTER. A worker whose lanes are all
stuck (a job that never returns) or cannot reach the database stops stamping, and so shows as
stale.
"""

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max
from django.utils import timezone

from agencyaccess.ops.models import WorkerHeartbeat

BEAT_EVERY = 10  # seconds
# Six missed beats: longer than any job's batch takes when its services answer.
STALE_AFTER = timedelta(seconds=60)


def beat(worker_id: str, lane: str = "main", now: datetime | None = None) -> None:
    """Stamp this worker lane's row."""
    now = now or timezone.now()
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id, lane=lane).update(beat=now):
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            lane=lane,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            started=now,
            beat=now,
        )


def forget(**which: Any) -> None:
    """Delete the heartbeats that match (a worker stopping, or those of long-gone workers)."""
    WorkerHeartbeat.objects.filter(**which).delete()


def last_beat() -> datetime | None:
    """When the most recently seen worker last went round its loop; None if none ever did."""
    return WorkerHeartbeat.objects.aggregate(last=Max("beat"))["last"]


def alive_workers(now: datetime | None = None) -> int:
    now = now or timezone.now()
    recent = WorkerHeartbeat.objects.filter(beat__gte=now - STALE_AFTER)
    return recent.values("worker_id").distinct().count()
