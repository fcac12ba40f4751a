"""The background worker: the queued tasks and the periodic jobs, in lanes.

Durable work is rows in the database (DESIGN.md, convention 10), so any number of workers on any
number of machines can run side by side: each job claims its rows atomically, with a lease.

Each lane is a thread with its own database connection that runs its jobs one after another.
Slow work has a lane of its own (e-mail over SMTP, the platforms' APIs, webhook receivers), so a
server that hangs stalls only its lane. A lane that cannot reach the database logs one line a
minute, waits (longer each time, up to BACKOFF_MAX) and carries on; every lane writes a heartbeat
(ops/heartbeat.py). Asked to stop, each lane finishes the item in hand; a lane still busy after
STOP_WITHIN is abandoned: the row it holds is leased and goes back to the queue.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from agencyaccess.apikeys.jobs import purge_idempotency_records
from agencyaccess.clients.jobs import analyze_sqlite
from agencyaccess.lib import unavailable
from agencyaccess.lifecycle.expiry import end_expired_access, warn_of_ending_access
from agencyaccess.lifecycle.offboarding import revoke_due
from agencyaccess.lifecycle.reverify import reverify_active_grants
from agencyaccess.links.jobs import recheck_pending_grants
from agencyaccess.notify.deliveries import WebhookSender, dispatch_events, purge_webhook_history
from agencyaccess.notify.jobs import send_queued_emails
from agencyaccess.notify.reminders import send_due_reminders
from agencyaccess.notify.teammates import notify_teammates, send_daily_digests
from agencyaccess.ops import heartbeat
from agencyaccess.platforms.jobs import purge_expired_tokens

logger = logging.getLogger(__name__)

MAIN = "main"
WEBHOOKS = "webhooks"
STOP_WITHIN = 10.0  # seconds
BACKOFF_MAX = 30.0  # seconds
# The heartbeats of a worker that was killed, deleted when another worker starts.
FORGET_HEARTBEATS_AFTER = timedelta(days=1)
# Seconds a lane with nothing to do waits: the longest an event waits for its first webhook
# attempt. An idle pass is a few indexed queries.
IDLE_INTERVAL = 0.25


@dataclass(frozen=True)
class Job:
    """A function run every `every` seconds in its lane; it returns how many items it handled."""

    func: Callable[[], int]
    every: float
    lane: str = MAIN


JOBS: tuple[Job, ...] = (
    # On every pass: an event reaches its endpoints within one (docs/webhooks.md).
    Job(dispatch_events, every=0, lane=WEBHOOKS),
    Job(send_queued_emails, every=5, lane="mail"),
    Job(recheck_pending_grants, every=30, lane="platforms"),
    Job(purge_expired_tokens, every=300, lane="platforms"),
    Job(revoke_due, every=10, lane="platforms"),
    Job(reverify_active_grants, every=30, lane="platforms"),
    Job(end_expired_access, every=60),
    Job(warn_of_ending_access, every=300),
    Job(notify_teammates, every=5),
    Job(send_due_reminders, every=300),
    Job(send_daily_digests, every=300),
    Job(purge_idempotency_records, every=3600),
    Job(purge_webhook_history, every=3600),
    Job(analyze_sqlite, every=6 * 3600),
)


@dataclass
class Lane:
    """Jobs run one after another in one thread; the main lane also runs the queued tasks."""

    name: str
    jobs: list[Job]
    worker_id: str
    last_run: dict[Job, float] = field(default_factory=dict)
    last_beat: float = float("-inf")

    def run(self, stopping: threading.Event, interval: float) -> None:
        backoff = 0.0
        try:
            while not stopping.is_set():
                try:
                    done = self.tick()
                except Exception as error:
                    if unavailable.is_unavailable(error):
                        unavailable.report(error, f"worker lane {self.name}")
                    else:  # a bug: its traceback, and the lane goes on
                        logger.exception("worker lane %s failed", self.name)
                    backoff = min(BACKOFF_MAX, backoff * 2 or 1.0)
                    stopping.wait(backoff)
                    continue
                backoff = 0.0
                if not done:
                    stopping.wait(interval)
        finally:
            connection.close()  # this thread's own

    def tick(self) -> int:
        """Run the due jobs (and, in the main lane, the queued tasks) once; how many items
        were handled. Raises when the database cannot be reached."""
        close_old_connections()
        done = self._run_tasks() if self.name == MAIN else 0
        now = time.monotonic()
        for job in self.jobs:
            if now - self.last_run.get(job, float("-inf")) < job.every:
                continue
            self.last_run[job] = now
            try:
                handled = job.func()
            except Exception as error:
                if unavailable.is_unavailable(error):
                    self.last_run.pop(job)  # due again once the database is back
                    raise
                logger.exception("job %s failed", job.func.__name__)
                continue
            if handled:
                logger.info("job %s handled %d", job.func.__name__, handled)
                # Work found: run the job again on the next tick instead of waiting.
                self.last_run.pop(job)
            done += handled
        self._beat()
        return done

    def _run_tasks(self) -> int:
        tasks = TaskWorker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        tasks.run()
        return tasks._run_tasks

    def _beat(self) -> None:
        now = time.monotonic()
        if now - self.last_beat < heartbeat.BEAT_EVERY:
            return
        self.last_beat = now
        heartbeat.beat(self.worker_id, self.name)


class Worker:
    def __init__(
        self, jobs: tuple[Job, ...] | None = None, interval: float = IDLE_INTERVAL
    ) -> None:
        """`jobs`: JOBS and the sending of webhooks, unless told otherwise (tests)."""
        self.interval = interval
        self.worker_id = get_random_string(32)
        # The webhook POSTs under way belong to this worker: its threads, its leases.
        self.webhooks = WebhookSender()
        if jobs is None:
            jobs = (*JOBS, Job(self.webhooks.send_due, every=0, lane=WEBHOOKS))
        names = dict.fromkeys([MAIN, *(job.lane for job in jobs)])
        self.lanes = [
            Lane(name, [job for job in jobs if job.lane == name], self.worker_id) for name in names
        ]
        self.stop_requested = False
        self.stopping = threading.Event()  # tells the lanes

    def run(self) -> None:
        """Run every lane in its own thread until stop(); then give them STOP_WITHIN seconds."""
        names = ", ".join(lane.name for lane in self.lanes)
        logger.info("worker %s started: lanes %s", self.worker_id, names)
        self._forget_heartbeats(beat__lt=timezone.now() - FORGET_HEARTBEATS_AFTER)
        threads = [
            threading.Thread(
                target=lane.run,
                args=(self.stopping, self.interval),
                name=f"lane-{lane.name}",
                daemon=True,  # one still busy after STOP_WITHIN does not keep the process up
            )
            for lane in self.lanes
        ]
        for thread in threads:
            thread.start()
        while not self.stop_requested:
            time.sleep(0.2)
        self.stopping.set()
        deadline = time.monotonic() + STOP_WITHIN
        for lane, thread in zip(self.lanes, threads, strict=True):
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                logger.warning(
                    "worker lane %s still busy after %g s: left (its rows are leased)",
                    lane.name,
                    STOP_WITHIN,
                )
        self.webhooks.close()
        self._forget_heartbeats(worker_id=self.worker_id)
        logger.info("worker %s stopped", self.worker_id)

    def stop(self) -> None:
        """Safe in a signal handler (which must take no lock): it only sets a flag run() reads."""
        self.stop_requested = True

    def tick(self) -> int:
        """Every lane once, in this thread (`worker --once`); how many items were handled."""
        return sum(lane.tick() for lane in self.lanes)

    def close(self) -> None:
        """After tick(): wait for the webhook POSTs it started."""
        self.webhooks.close()

    def _forget_heartbeats(self, **which: Any) -> None:
        """Best effort: the database may be what this worker is stopping for."""
        try:
            heartbeat.forget(**which)
        except Exception as error:
            if not unavailable.is_unavailable(error):
                raise
        finally:
            connection.close()
