"""The background worker: one loop that runs the queued tasks and the periodic jobs.

Durable work is rows in the database (DESIGN.md, convention 10), so any number of workers on any
number of machines can run this loop side by side: each job claims its rows atomically.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker as TaskWorker

from agencyaccess.apikeys.jobs import purge_idempotency_records
from agencyaccess.clients.jobs import analyze_sqlite
from agencyaccess.links.jobs import recheck_pending_grants
from agencyaccess.notify.deliveries import WebhookSender, dispatch_events, purge_webhook_history
from agencyaccess.notify.jobs import send_queued_emails
from agencyaccess.notify.reminders import send_due_reminders
from agencyaccess.notify.teammates import notify_teammates, send_daily_digests
from agencyaccess.ops import heartbeat
from agencyaccess.platforms.jobs import purge_expired_tokens

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A function run every `every` seconds; it returns how many items it handled."""

    func: Callable[[], int]
    every: float


JOBS: tuple[Job, ...] = (
    # On every tick: an event reaches its endpoints within a tick (docs/webhooks.md).
    Job(dispatch_events, every=0),
    Job(send_queued_emails, every=5),
    Job(notify_teammates, every=5),
    Job(recheck_pending_grants, every=30),
    Job(send_due_reminders, every=300),
    Job(send_daily_digests, every=300),
    Job(purge_expired_tokens, every=300),
    Job(purge_idempotency_records, every=3600),
    Job(purge_webhook_history, every=3600),
    Job(analyze_sqlite, every=6 * 3600),
)


# Seconds between ticks when there is nothing to do: the longest an event waits for its
# first webhook attempt. An idle tick is a few indexed queries.
IDLE_INTERVAL = 0.25


class Worker:
    def __init__(self, jobs: tuple[Job, ...] = JOBS, interval: float = IDLE_INTERVAL) -> None:
        # The webhook POSTs under way belong to this worker: its threads, its leases. The
        # heartbeat is what readiness and the metrics read (ops/heartbeat.py).
        self.webhooks = WebhookSender()
        self.jobs = (
            *jobs,
            Job(self.webhooks.send_due, every=0),
            Job(self.beat, every=heartbeat.BEAT_EVERY),
        )
        self.interval = interval
        self.last_run: dict[Job, float] = {}
        self.running = True
        self.worker_id = get_random_string(32)

    def beat(self) -> int:
        return heartbeat.beat(self.worker_id)

    def run(self) -> None:
        logger.info("worker %s started", self.worker_id)
        while self.running:
            if not self.tick():
                time.sleep(self.interval)
        self.webhooks.close()

    def tick(self) -> int:
        """Run the queued tasks and every job that is due; how many items were handled."""
        close_old_connections()
        done = self._run_tasks()
        now = time.monotonic()
        for job in self.jobs:
            if now - self.last_run.get(job, float("-inf")) < job.every:
                continue
            self.last_run[job] = now
            try:
                handled = job.func()
            except Exception:
                logger.exception("job %s failed", job.func.__name__)
                continue
            if handled:
                logger.info("job %s handled %d", job.func.__name__, handled)
                # Work found: run the job again on the next tick instead of waiting.
                self.last_run.pop(job)
            done += handled
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
