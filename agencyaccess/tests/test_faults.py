"""Fault tests: the app's real processes on their own PostgreSQL (and Redis, and SMTP servers),
and those servers stopped, frozen, hung, or the app's processes killed, under load.

Each test starts what it needs on free ports of this machine (tests/faults.py) and checks what
the issue "Run it for real: survive faults" asked for: no 500, nothing lost, duplicates only
with the same Message-ID, no stuck idempotency key, nothing left running.
"""

import itertools
import os
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import SkipTest

import pytest
from django.test import SimpleTestCase

from agencyaccess.management.commands.serve import STOP_WITHIN, gunicorn_command
from agencyaccess.tests.faults import (
    AGENCYACCESS,
    Answer,
    Postgres,
    Process,
    Redis,
    SmtpServer,
    app_environment,
    call,
    descendants,
    free_port,
    running,
    silent_smtp_server,
    temporary_directory,
    wait_for,
    wait_until_serving,
)

pytestmark = pytest.mark.faults

QUEUE_EMAILS = """
INSERT INTO notify_outgoingemail (kind, "to", cc, reply_to, subject, text, html, message_id,
    status, attempts, next_attempt, last_error, created)
SELECT 'invitation', '["client@example.com"]', '[]', '[]', 'Access request ' || n, 'Hello', '',
    '<fault-' || n || '@agencyaccess.local>', 'queued', 0, now(), '', now()
FROM generate_series(1, %s) AS n
"""


LINKS_WITHOUT_SERVICES = """
SELECT public_id FROM links_link
WHERE NOT EXISTS (SELECT 1 FROM links_requestedservice WHERE link_id = links_link.id)
"""


class FaultTestCase(SimpleTestCase):
    postgres: Postgres

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        if os.environ.get("DATABASE_URL"):
            raise SkipTest(
                "the fault tests start their own PostgreSQL whatever DATABASE_URL says: "
                "they run once, in `make test` without it"
            )
        if not Path("/proc/self/stat").exists():
            raise SkipTest("the fault tests read process states from /proc (Linux)")

    def setUp(self) -> None:
        self.postgres = Postgres.start_copy()
        self.addCleanup(self.postgres.destroy)
        self.data_dir = temporary_directory()
        self.addCleanup(shutil.rmtree, self.data_dir, True)
        self.cast = self.postgres.cast

    def start(self, name: str, argv: list[str], **settings: str) -> Process:
        env = app_environment(self.postgres.url, self.data_dir, **settings)
        process = Process.start(argv, env, self.data_dir / f"{name}.log")
        self.addCleanup(process.end)
        return process

    def start_gunicorn(self, workers: int, **settings: str) -> tuple[Process, int]:
        port = free_port()
        process = self.start(
            f"gunicorn-{port}", gunicorn_command("127.0.0.1", port, workers), **settings
        )
        wait_until_serving(port)
        return process, port

    def start_worker(self, **settings: str) -> Process:
        return self.start("worker", [str(AGENCYACCESS), "worker"], **settings)

    def auth(self, **headers: str) -> dict[str, str]:
        return {"X-Auth": self.cast["key"], **headers}

    def retrieve(self, port: int) -> Answer:
        return call(port, f"/api/clients/retrieve?id={self.cast['client']}", headers=self.auth())

    def create_client(self, port: int, name: str, key: str) -> Answer:
        body = {"name": name, "email": "ann@example.com", "language": "English"}
        headers = self.auth(**{"Idempotency-Key": key})
        return call(port, "/api/clients/create", body=body, headers=headers)

    def create_link(self, port: int, key: Any, **fields: Any) -> Answer:
        headers = self.auth(**{"Idempotency-Key": str(key)})
        return call(port, "/api/links/create", body=self.link_body(**fields), headers=headers)

    def link_body(self, **fields: Any) -> dict[str, Any]:
        account = {"requestedAccountLinks": [{"internalAccountID": self.cast["google"]}]}
        return {
            "clientID": self.cast["client"],
            "requestedAccounts": {"Google": {"Google Ads": account}},
            **fields,
        }


class ServeTests(FaultTestCase):
    def test_serve_rides_out_a_database_outage_and_a_killed_worker_and_stops_whole(self):
        port = free_port()
        serve = self.start(
            "serve", [str(AGENCYACCESS), "serve", "--port", str(port), "--workers", "2"]
        )
        wait_until_serving(port, timeout=120)
        worker_starts = lambda: serve.output().count("worker started (pid")  # noqa: E731
        self.assertEqual(worker_starts(), 1)

        load = Load(self, port)
        load.start()
        wait_for(lambda: load.answers("before"), 10, "answers before the outage")
        self.postgres.stop()
        load.phase = "outage"
        wait_for(lambda: len(load.answers("outage")) >= 10, 30, "answers during the outage")
        self.postgres.start()
        load.phase = "recovering"
        wait_for(lambda: 200 in load.answers("recovering"), 30, "the first answer after")
        load.phase = "after"
        wait_for(
            lambda: len(load.answers("after")) >= 20 and len(load.links) >= 3,
            60,
            "answers after the outage",
        )
        load.stop()

        statuses = {phase: Counter(load.answers(phase)) for phase in load.by_phase}
        self.assertEqual(set(statuses["outage"]) - {200}, {503}, statuses)
        self.assertEqual(set(statuses["after"]), {200}, statuses)
        self.assertEqual(load.retry_after, {"10"})
        self.assertTrue(running(serve.pid))
        self.assertEqual(worker_starts(), 1, "the worker rode it out")
        # One line per kind of failure and process a minute, not one (and a traceback) per
        # request.
        self.assertNotIn("Traceback", serve.output())
        self.assertNotIn("Service Unavailable", serve.output())
        self.assertLess(serve.output().count("database unavailable"), 20)
        # Each create (retried with its key until answered) made its client or link once, whole,
        # and no key is left without its answer.
        clients = self.postgres.query("SELECT name FROM clients_client WHERE name <> 'Jane Doe'")
        self.assertEqual(sorted(name for (name,) in clients), sorted(load.clients))
        links = self.postgres.query("SELECT public_id FROM links_link")
        self.assertEqual(sorted(link for (link,) in links), sorted(load.links))
        self.assertEqual(self.postgres.query(LINKS_WITHOUT_SERVICES), [])
        self.assertEqual(
            self.postgres.query(
                "SELECT count(*) FROM apikeys_idempotentrequest WHERE response IS NULL"
            ),
            [(0,)],
        )

        # The worker works again: the invitation of a link made now goes out.
        link = self.create_link(port, "after", sendEmail=True)
        self.assertEqual(link.status, 200, link.body)
        sent = "SELECT status FROM notify_outgoingemail WHERE link_id = (SELECT id FROM links_link WHERE public_id = %s)"
        wait_for(
            lambda: self.postgres.query(sent, link.body["data"]) == [("sent",)],
            60,
            "the invitation",
        )

        # A worker killed is started again; the site never stops answering meanwhile.
        os.kill(self.worker_pid(serve), signal.SIGKILL)
        wait_for(lambda: worker_starts() == 2, 30, "the worker started again")
        self.assertEqual(self.retrieve(port).status, 200)

        # SIGTERM stops everything serve started, within its bound.
        processes = [serve.pid, *descendants(serve.pid)]
        self.assertGreaterEqual(len(processes), 5)  # serve, worker, gunicorn and its 2 workers
        serve.signal(signal.SIGTERM)
        serve.popen.wait(STOP_WITHIN + 5)
        wait_for(lambda: not any(running(pid) for pid in processes), 2, "nothing left running")
        self.assertFalse((self.data_dir / ".gunicorn").exists(), "no control socket")

    def worker_pid(self, serve: Process) -> int:
        line = serve.output().rpartition("worker started (pid ")[2]
        return int(line.partition(")")[0])


class Load:
    """Requests in a loop from four threads, recorded by phase: reads, and creates each retried
    with its Idempotency-Key until it is answered 200."""

    def __init__(self, test: FaultTestCase, port: int) -> None:
        self.test, self.port = test, port
        self.phase = "before"
        self.by_phase: dict[str, list[int]] = {}
        self.retry_after: set[str] = set()
        self.clients: list[str] = []  # names
        self.links: list[str] = []  # ids
        self.running = True
        self.threads = [threading.Thread(target=self.create)]
        self.threads += [threading.Thread(target=self.read) for _ in range(3)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()
        self.test.addCleanup(self.stop)

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(30)

    def answers(self, phase: str) -> list[int]:
        return self.by_phase.get(phase, [])

    def record(self, answer: Answer) -> Answer:
        self.by_phase.setdefault(self.phase, []).append(answer.status)
        if answer.status == 503:
            self.retry_after.add(answer.headers.get("Retry-After", ""))
        return answer

    def read(self) -> None:
        while self.running:
            self.record(self.test.retrieve(self.port))

    def create(self) -> None:
        """Clients and links in turn."""
        number = 0
        while self.running:
            number += 1
            if number % 2:
                name = f"Client {number}"
                if self.until_answered(self.test.create_client, self.port, name, name):
                    self.clients.append(name)
            elif answer := self.until_answered(self.test.create_link, self.port, number):
                self.links.append(answer.body["data"])

    def until_answered(self, send: Callable[..., Answer], *args: Any) -> Answer | None:
        """Sent again (with the same Idempotency-Key) until it is answered 200."""
        while self.running:
            answer = self.record(send(*args))
            if answer.status == 200:
                return answer
            self.test.assertIn(answer.status, (0, 503), answer.body)
            time.sleep(0.05)
        return None


class WorkerTests(FaultTestCase):
    def test_a_worker_killed_while_sending_loses_nothing_and_repeats_only_the_message_id(self):
        smtp = SmtpServer()
        self.addCleanup(smtp.end)
        self.postgres.query(QUEUE_EMAILS, 20)
        settings = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port), "EMAIL_TIMEOUT": "1"}
        workers = [self.start_worker(**settings)]

        def kill_the_worker_holding_this_message(count: int) -> None:
            # The server has the message and has not answered yet: the worker dies before it
            # can mark the row sent.
            if count in (3, 12):
                workers[-1].popen.kill()
                workers[-1].popen.wait()

        smtp.on_message = kill_the_worker_holding_this_message
        sent = "SELECT count(*) FROM notify_outgoingemail WHERE status = 'sent'"
        for _ in range(3):  # as serve would: a worker that died is started again
            wait_for(
                lambda: (
                    workers[-1].popen.poll() is not None or self.postgres.query(sent) == [(20,)]
                ),
                60,
                "sending",
            )
            if workers[-1].popen.poll() is not None:
                workers.append(self.start_worker(**settings))
        wait_for(lambda: self.postgres.query(sent) == [(20,)], 60, "every e-mail sent")

        ids = Counter(smtp.received)
        rows = dict(self.postgres.query("SELECT message_id, attempts FROM notify_outgoingemail"))
        self.assertEqual(set(ids), set(rows), "every e-mail went out, under its own Message-ID")
        repeated = sorted(message_id for message_id, times in ids.items() if times > 1)
        self.assertEqual(len(repeated), 2, ids)
        self.assertEqual([ids[message_id] for message_id in repeated], [2, 2])
        self.assertEqual([rows[message_id] for message_id in repeated], [2, 2])
        self.assertEqual(len(workers), 3)

    def test_a_hanging_smtp_server_stalls_only_the_mail_and_does_not_hold_up_stopping(self):
        self.postgres.query(QUEUE_EMAILS, 3)
        lanes = "SELECT lane FROM ops_workerheartbeat ORDER BY lane"
        with silent_smtp_server() as port:
            worker = self.start_worker(
                EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_TIMEOUT="20"
            )
            wait_for(
                lambda: len(self.postgres.query(lanes)) == 3, 30, "the other lanes' heartbeats"
            )
            self.assertEqual(self.postgres.query(lanes), [("main",), ("platforms",), ("webhooks",)])

            started = time.monotonic()
            worker.signal(signal.SIGTERM)
            self.assertEqual(worker.popen.wait(20), 0)
            stopped_in = time.monotonic() - started

        self.assertLess(stopped_in, 10 + 3)
        self.assertIn("worker lane mail still busy after 10 s", worker.output())
        # Nothing lost: the e-mail in hand is leased (sent again a minute later), the others
        # were not touched.
        self.assertEqual(
            self.postgres.query(
                "SELECT status, attempts, next_attempt - now() > interval '30 seconds' "
                "FROM notify_outgoingemail ORDER BY status"
            ),
            [("queued", 0, False), ("queued", 0, False), ("sending", 1, True)],
        )


class GunicornTests(FaultTestCase):
    def test_workers_killed_mid_request_leave_no_stuck_idempotency_key(self):
        gunicorn, port = self.start_gunicorn(workers=2)
        holder = self.postgres.connect()
        self.addCleanup(holder.close)
        # Client creates wait on this lock, inside their transaction, key record included.
        holder.execute("LOCK TABLE clients_client IN SHARE MODE")
        answers: dict[str, list[int]] = {}

        def create_until_answered(key: str) -> None:
            while (answer := self.create_client(port, f"Client {key}", key)).status != 200:
                answers[key].append(answer.status)
                time.sleep(0.1)
            answers[key].append(200)

        keys = [f"key-{n}" for n in range(6)]
        threads = [threading.Thread(target=create_until_answered, args=(key,)) for key in keys]
        for key, thread in zip(keys, threads, strict=True):
            answers[key] = []
            thread.start()
        waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        wait_for(lambda: self.postgres.query(waiting) == [(6,)], 30, "the creates in flight")
        for pid in descendants(gunicorn.pid):
            os.kill(pid, signal.SIGKILL)
        holder.rollback()
        for thread in threads:
            thread.join(60)

        self.assertEqual(
            {key: statuses[0] for key, statuses in answers.items()}, dict.fromkeys(keys, 0)
        )
        self.assertEqual(
            {key: statuses[-1] for key, statuses in answers.items()}, dict.fromkeys(keys, 200)
        )
        self.assertEqual(
            self.postgres.query(
                "SELECT name, count(*) FROM clients_client WHERE name LIKE 'Client key-%%' GROUP BY name ORDER BY name"
            ),
            [(f"Client {key}", 1) for key in keys],
        )
        self.assertEqual(
            self.postgres.query("SELECT count(*), count(response) FROM apikeys_idempotentrequest"),
            [(6, 6)],
        )


class RedisTests(FaultTestCase):
    def test_a_frozen_or_stopped_redis_is_skipped_and_the_counts_go_on(self):
        redis = Redis.start()
        self.addCleanup(redis.end)
        settings = {"REDIS_URL": redis.url, "API_RATE_LIMIT_PER_MINUTE": "1000"}
        (_, frozen_side), (_, stopped_side) = (
            self.start_gunicorn(workers=1, **settings),
            self.start_gunicorn(workers=1, **settings),
        )
        seen: dict[int, list[Answer]] = {frozen_side: [], stopped_side: []}

        def requests(port: int, count: int) -> float:
            started = time.monotonic()
            for _ in range(count):
                answer = self.retrieve(port)
                self.assertEqual(answer.status, 200, answer.body)
                seen[port].append(answer)
            return time.monotonic() - started

        requests(frozen_side, 3)
        requests(stopped_side, 3)
        redis.popen.send_signal(signal.SIGSTOP)
        # One request waits out the 0.5 s timeout, the others skip Redis (without the breaker:
        # 10 x 0.5 s).
        self.assertLess(requests(frozen_side, 10), 2.5)
        redis.popen.send_signal(signal.SIGCONT)
        redis.popen.kill()
        redis.popen.wait()
        self.assertLess(requests(stopped_side, 10), 2.5)

        for port, answers in seen.items():
            with self.subTest(port=port):
                self.assertCountsGoOn(answers)

    def assertCountsGoOn(self, answers: list[Answer]) -> None:
        """Within a window, each answer has fewer requests left than the one before: the count
        did not start again from zero when Redis went away."""
        for before, after in itertools.pairwise(answers):
            if before.headers["X-RateLimit-Reset"] == after.headers["X-RateLimit-Reset"]:
                self.assertLess(
                    int(after.headers["X-RateLimit-Remaining"]),
                    int(before.headers["X-RateLimit-Remaining"]),
                    [a.headers["X-RateLimit-Remaining"] for a in answers],
                )
