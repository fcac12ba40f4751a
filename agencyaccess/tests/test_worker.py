"""The worker: lanes that survive the database going away, keep a hung server to their own lane,
stop within a bound, and beat."""

import threading
from unittest import mock

from django.db import OperationalError
from django.test import SimpleTestCase

from agencyaccess import worker
from agencyaccess.lib import unavailable
from agencyaccess.lib.unavailable import LogThrottle
from agencyaccess.ops.models import WorkerHeartbeat
from agencyaccess.test import BaseTestCase
from agencyaccess.worker import MAIN, Job, Lane, Worker

REFUSED = OperationalError("connection failed: Connection refused")


class Stopping:
    """threading.Event's stand-in: keeps the waits asked for instead of waiting, and is set after
    `after` of them."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.waits: list[float] = []

    def is_set(self) -> bool:
        return len(self.waits) >= self.after

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        return self.is_set()


def without_database(test_case: SimpleTestCase) -> None:
    """The lanes' own connection handling and heartbeats, out of the way."""
    for target in ("close_old_connections", "connection"):
        test_case.enterContext(mock.patch.object(worker, target))
    test_case.enterContext(mock.patch.object(Lane, "_beat"))
    test_case.enterContext(mock.patch.object(Worker, "_forget_heartbeats"))


class LaneTests(SimpleTestCase):
    def setUp(self) -> None:
        without_database(self)
        self.enterContext(mock.patch.object(unavailable, "_throttle", LogThrottle(60)))

    def test_a_database_outage_is_one_log_line_and_growing_waits_then_work_goes_on(self):
        job = mock.Mock(__name__="a_job", return_value=0)
        lane = Lane(MAIN, [Job(job, every=0)], "w1")
        stopping = Stopping(after=7)
        outage = [REFUSED] * 5  # the task runner's own query fails first, as it did
        with (
            mock.patch.object(Lane, "_run_tasks", side_effect=[*outage, 0, 0]),
            self.assertLogs("agencyaccess", "WARNING") as logs,
        ):
            lane.run(stopping, interval=1.0)  # type: ignore[arg-type]

        self.assertEqual(stopping.waits, [1, 2, 4, 8, 16, 1, 1])
        self.assertEqual(job.call_count, 2, "the jobs run again once the database is back")
        self.assertEqual(
            logs.output,
            [
                "ERROR:agencyaccess.lib.unavailable:worker lane main: database unavailable, "
                "OperationalError: connection failed: Connection refused"
            ],
        )

    def test_the_wait_stops_growing_at_the_maximum(self):
        lane = Lane("mail", [Job(mock.Mock(side_effect=REFUSED), every=0)], "w1")
        stopping = Stopping(after=8)
        with self.assertLogs("agencyaccess.lib.unavailable", "ERROR"):
            lane.run(stopping, interval=1.0)  # type: ignore[arg-type]
        self.assertEqual(stopping.waits, [1, 2, 4, 8, 16, 30, 30, 30])

    def test_a_job_that_fails_otherwise_is_logged_and_the_others_run(self):
        broken = mock.Mock(__name__="broken", side_effect=ZeroDivisionError)
        fine = mock.Mock(__name__="fine", return_value=0)
        lane = Lane("platforms", [Job(broken, every=0), Job(fine, every=0)], "w1")
        with self.assertLogs("agencyaccess.worker", "ERROR") as logs:
            lane.run(Stopping(after=2), interval=1.0)  # type: ignore[arg-type]
        self.assertEqual((broken.call_count, fine.call_count), (2, 2))
        self.assertIn("job broken failed", logs.output[0])


class WorkerLanesTests(SimpleTestCase):
    def setUp(self) -> None:
        without_database(self)
        self.enterContext(mock.patch.object(Lane, "_run_tasks", return_value=0))

    def test_the_jobs_run_in_lanes_slow_work_in_its_own(self):
        lanes = {lane.name: [job.func for job in lane.jobs] for lane in Worker().lanes}
        self.assertEqual(list(lanes), ["main", "webhooks", "mail", "platforms"])
        self.assertEqual([f.__name__ for f in lanes["mail"]], ["send_queued_emails"])
        self.assertEqual(
            [f.__name__ for f in lanes["platforms"]],
            [
                "recheck_pending_grants",
                "purge_expired_tokens",
                "revoke_due",
                "reverify_active_grants",
            ],
        )
        self.assertEqual([f.__name__ for f in lanes["webhooks"]], ["dispatch_events", "send_due"])

    def test_a_hung_lane_stalls_only_itself_and_stop_does_not_wait_for_it(self):
        hung, release, ticks = threading.Event(), threading.Event(), threading.Semaphore(0)
        self.addCleanup(release.set)

        def send_mail() -> int:
            hung.set()
            release.wait(30)
            return 0

        def check_grants() -> int:
            ticks.release()
            return 0

        runner = Worker((Job(send_mail, every=0, lane="mail"), Job(check_grants, every=0)), 0.01)
        thread = threading.Thread(target=runner.run)
        with mock.patch.object(worker, "STOP_WITHIN", 0.2):
            thread.start()
            self.assertTrue(hung.wait(10))
            for _ in range(3):
                self.assertTrue(ticks.acquire(timeout=10), "the main lane goes on")
            with self.assertLogs("agencyaccess.worker", "WARNING") as logs:
                runner.stop()
                thread.join(5)

        self.assertFalse(thread.is_alive(), "stopped within the bound")
        self.assertIn("worker lane mail still busy after 0.2 s", logs.output[0])


class HeartbeatTests(BaseTestCase):
    def setUp(self) -> None:
        self.enterContext(mock.patch.object(worker, "close_old_connections"))
        self.clock = self.enterContext(mock.patch.object(worker.time, "monotonic"))
        self.clock.return_value = 1000.0

    def test_each_lane_beats_after_a_pass_at_most_every_ten_seconds(self):
        lane = Lane("mail", [], "w1")
        lane.tick()
        beat = WorkerHeartbeat.objects.get()
        self.assertEqual((beat.worker_id, beat.lane, beat.pid > 0), ("w1", "mail", True))

        self.clock.return_value = 1009.0
        lane.tick()
        self.assertEqual(WorkerHeartbeat.objects.get().beat, beat.beat)
        self.clock.return_value = 1010.0
        lane.tick()
        self.assertGreater(WorkerHeartbeat.objects.get().beat, beat.beat)
