"""The worker's side of webhooks: POSTs side by side so a slow receiver holds up no other,
workers that claim each delivery once, and workers killed mid-delivery (`kill -9`) whose
deliveries are taken up again: the receiver sees every event, twice only with the same id."""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import SkipTest, skipUnless

from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase, override_settings

from agencyaccess.notify.deliveries import WebhookSender, claim_due, dispatch_events
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import Delivery, EventType
from agencyaccess.notify.tests.receiver import Answer, running_receiver
from agencyaccess.notify.webhooks import create_endpoint
from agencyaccess.test import BaseTestCase

AGENCYACCESS = Path(sys.executable).with_name("agencyaccess")


def emit_events(agency_id: int, count: int, prefix: str = "") -> None:
    for n in range(count):
        emit(agency_id, EventType.CLIENT_CREATED, {"n": n}, dedupe_key=f"{prefix}{n}")


@override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True)
class WebhookSenderTests(BaseTestCase):
    def test_a_slow_receiver_does_not_hold_up_the_others(self):
        slow = self.enterContext(running_receiver([Answer(delay=2.0)]))
        fast = self.enterContext(running_receiver())
        slow_endpoint, _ = create_endpoint(self.agency_a, slow.url)
        fast_endpoint, _ = create_endpoint(self.agency_a, fast.url)
        emit_events(self.agency_a.pk, 5)
        dispatch_events()
        sender = WebhookSender(threads=8)
        self.addCleanup(sender.close)

        started = time.monotonic()
        while (
            len(fast.received) < 5
            or Delivery.objects.filter(endpoint=fast_endpoint, status="succeeded").count() < 5
        ):
            sender.send_due()
            self.assertLess(time.monotonic() - started, 1.5, "the fast receiver waited")
        self.assertFalse(
            Delivery.objects.filter(endpoint=slow_endpoint, status="succeeded").exists()
        )

    def test_closing_records_the_posts_under_way(self):
        receiver = self.enterContext(running_receiver([Answer(delay=0.2)]))
        create_endpoint(self.agency_a, receiver.url)
        emit_events(self.agency_a.pk, 3)
        dispatch_events()
        sender = WebhookSender()
        self.assertEqual(sender.send_due(), 3)
        sender.close()
        self.assertEqual(Delivery.objects.filter(status="succeeded").count(), 3)


@skipUnless(connection.vendor == "postgresql", "SQLite's test database is one in-memory file")
@override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True)
class TwoWorkersInOneProcessTests(TransactionTestCase):
    def test_workers_claiming_at_the_same_moment_each_get_different_rows(self):
        from agencyaccess.accounts.models import Agency

        agency = Agency.objects.create(name="Parallel")
        create_endpoint(agency, "http://127.0.0.1:9/never")
        emit_events(agency.pk, 200)
        ready = threading.Barrier(2)
        claimed: list[list[int]] = [[], []]

        def worker(n: int) -> None:
            ready.wait()
            try:
                for _ in range(20):
                    dispatch_events()
                    claimed[n] += [d.pk for d in claim_due(10)]
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(Delivery.objects.count(), 200)
        self.assertEqual(len(claimed[0]) + len(claimed[1]), 200)
        self.assertEqual(set(claimed[0]) & set(claimed[1]), set())


class KilledWorkerTests(SimpleTestCase):
    """Two `agencyaccess worker` processes on one SQLite file, each killed with SIGKILL in
    the middle of the run and started again."""

    EVENTS = 400

    def setUp(self) -> None:
        if not AGENCYACCESS.exists():
            raise SkipTest(f"{AGENCYACCESS} is not installed")
        shm = Path("/dev/shm")  # noqa: S108 (a TemporaryDirectory of our own is made inside)
        data_dir = self.enterContext(tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None))
        self.db = Path(data_dir) / "db.sqlite3"
        self.env = {
            name: value
            for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "REDIS_URL")
        } | {
            "AGENCYACCESS_DATA_DIR": data_dir,
            "SECRET_KEY": "killed-worker-test",
            "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "1",
            "LOG_LEVEL": "WARNING",
        }
        self.workers: list[subprocess.Popen] = []
        self.addCleanup(self.stop_workers)

    def run_cli(self, *argv: str) -> str:
        done = subprocess.run(
            [str(AGENCYACCESS), *argv], env=self.env, capture_output=True, text=True, timeout=120
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout.strip()

    def start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen(
            [str(AGENCYACCESS), "worker"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
            worker.wait()

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.db, timeout=20) as db:
            return db.execute(sql, params).fetchall()

    def wait_for(self, condition, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            self.assertLess(time.monotonic(), deadline, "the workers did not get there in time")
            time.sleep(0.05)

    def test_every_event_arrives_and_a_repeat_only_ever_has_the_same_webhook_id(self):
        receiver = self.enterContext(running_receiver([Answer(delay=0.05)]))
        self.run_cli("migrate", "--noinput", "-v0")
        agency = self.run_cli("create_agency", "--name", "Kill", "--email", "k@example.org")
        secret = self.run_cli("create_webhook", "--agency", agency, "--url", receiver.url)
        self.run_cli(
            "shell",
            "-c",
            "from agencyaccess.accounts.models import Agency;"
            "from agencyaccess.notify.tests.test_webhook_worker import emit_events;"
            f"emit_events(Agency.objects.get(public_id={agency!r}).pk, {self.EVENTS})",
        )
        event_ids = {row[0] for row in self.query("SELECT public_id FROM notify_event")}
        self.assertEqual(len(event_ids), self.EVENTS)

        first, second = self.start_worker(), self.start_worker()
        self.wait_for(lambda: len(receiver.received) >= self.EVENTS // 5)
        first.send_signal(signal.SIGKILL)
        first.wait()
        self.start_worker()
        self.wait_for(lambda: len(receiver.received) >= self.EVENTS // 2)
        second.send_signal(signal.SIGKILL)
        second.wait()
        # What the killed workers held comes back when their leases end; move that moment to
        # now rather than wait for it.
        self.query(
            "UPDATE notify_delivery SET next_attempt = '2000-01-01' WHERE status = 'sending'"
        )
        self.wait_for(
            lambda: (
                self.query("SELECT count(*) FROM notify_delivery WHERE status = 'succeeded'")
                == [(self.EVENTS,)]
            )
        )

        self.assertEqual(set(receiver.ids()), event_ids)  # none lost
        bodies: dict[str, set[bytes]] = {}
        for received in receiver.received:
            self.assertTrue(received.verified_with(secret))
            self.assertEqual(received.json["id"], received.webhook_id)
            bodies.setdefault(received.webhook_id, set()).add(received.body)
        # A repeat is the same event: same id, same bytes.
        self.assertTrue(all(len(seen) == 1 for seen in bodies.values()))
