"""The workers' heartbeat as readiness and the metrics read it (the lanes' beating is tested in
agencyaccess/tests/test_worker.py)."""

from datetime import timedelta

from django.utils import timezone

from agencyaccess.ops import heartbeat
from agencyaccess.ops.models import WorkerHeartbeat
from agencyaccess.test import BaseTestCase


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
