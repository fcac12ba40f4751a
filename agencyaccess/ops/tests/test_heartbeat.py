"""The worker's heartbeat: written by the worker's loop, read by readiness and the metrics."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from agencyaccess.ops import heartbeat
from agencyaccess.ops.models import WorkerHeartbeat
from agencyaccess.test import BaseTestCase
from agencyaccess.worker import Job, Worker


class HeartbeatTests(BaseTestCase):
    def test_no_worker_no_beat(self):
        self.assertIsNone(heartbeat.last_beat())
        self.assertEqual(heartbeat.alive_workers(), 0)

    def test_each_worker_has_one_row_and_the_newest_beat_counts(self):
        now = timezone.now()
        heartbeat.beat("a", now=now - timedelta(seconds=30))
        heartbeat.beat("b", now=now - timedelta(seconds=90))
        heartbeat.beat("a", now=now - timedelta(seconds=5))

        self.assertEqual(WorkerHeartbeat.objects.count(), 2)
        self.assertEqual(heartbeat.last_beat(), now - timedelta(seconds=5))
        self.assertEqual(heartbeat.alive_workers(now), 1)

    def test_workers_gone_for_a_day_are_forgotten(self):
        now = timezone.now()
        heartbeat.beat("restarted long ago", now=now - timedelta(days=1, seconds=1))
        heartbeat.beat("running", now=now)
        self.assertEqual(
            list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)), ["running"]
        )

    def test_the_worker_beats_on_its_first_tick_then_every_ten_seconds(self):
        worker = Worker(jobs=(Job(lambda: 0, every=1),))
        clock = mock.patch("agencyaccess.worker.time.monotonic", return_value=1000.0)
        # A tick closes the connections left from the one before, and so does the task runner's:
        # here that would be the test's own (its transaction); there are no tasks anyway.
        keep_connection = mock.patch("agencyaccess.worker.close_old_connections")
        no_tasks = mock.patch.object(Worker, "_run_tasks", return_value=0)
        with clock as monotonic, keep_connection, no_tasks:
            worker.tick()
            first = WorkerHeartbeat.objects.get(worker_id=worker.worker_id).beat_at
            monotonic.return_value = 1009.0
            worker.tick()
            self.assertEqual(heartbeat.last_beat(), first)
            monotonic.return_value = 1010.0
            worker.tick()
        last = heartbeat.last_beat()
        assert last is not None
        self.assertGreater(last, first)
