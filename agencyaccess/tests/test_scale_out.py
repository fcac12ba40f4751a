"""Scale-out: two machines, each a web server (gunicorn, two processes) and a worker, sharing
PostgreSQL and Redis, as docs/operations.md describes. Traffic goes through both web servers at
once; then nothing was done twice: each e-mail sent once, each reminder once, each event
recorded once, and the rate limit counted across both.

The processes are real (`agencyaccess worker` and gunicorn as `agencyaccess serve` starts it),
on this test's database, each "machine" with a data directory of its own. PostgreSQL only:
machines cannot share an SQLite file.
"""

import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from unittest import SkipTest
from urllib.parse import quote

import httpx
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import TransactionTestCase
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from agencyaccess.accounts.models import Agency
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService, ServiceStatus
from agencyaccess.management.commands.serve import gunicorn_command
from agencyaccess.notify.models import Event, EventType, OutgoingEmail
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.test import BaseTestCase, without_proxies

REDIS_URL = "redis://127.0.0.1:6379/0"
METRICS_TOKEN = "scale-out-metrics"
NEW_LINKS = 16  # created through the API, half on each web server, each e-mailed
OLD_LINKS = 6  # three days old when the workers start: both race to remind them
RATE_LIMIT = 10  # requests a minute for the key the rate-limit burst uses
BURST = 30
# Seconds for the servers to start, and again for the queues to drain: about 5 each on a quiet
# 2-core machine, several times that when other test processes share it.
DEADLINE = 90.0


@pytest.mark.live_server_process
class ScaleOutTests(TransactionTestCase):
    alice_key: str
    agency_a: Agency
    google_a: ConnectedAccount

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        if connection.vendor != "postgresql":
            raise SkipTest(
                "runs on PostgreSQL (DATABASE_URL): machines cannot share an SQLite file"
            )
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            raise SkipTest(f"no Redis at {REDIS_URL}") from None

    def setUp(self) -> None:
        # Alice's agency, committed for the processes to read.
        BaseTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        self.old_links = [self.link_to(f"old{n}@clients.example") for n in range(OLD_LINKS)]
        Link.objects.filter(pk__in=[link.pk for link in self.old_links]).update(
            created=timezone.now() - timedelta(days=3)
        )
        self.new_clients = [
            Client.objects.create(
                agency=self.agency_a, name=f"Client {n}", email=f"new{n}@clients.example"
            )
            for n in range(NEW_LINKS)
        ]
        self.limited_key = self.key_counted_apart()
        self.forget_client_page_counts()
        static = self.collect_static()
        self.machines = [self.start_machine(name, static) for name in ("a", "b")]
        self.webs = [machine.web for machine in self.machines]
        self.http = httpx.Client(timeout=30, trust_env=False)
        self.addCleanup(self.http.close)
        self.wait_for(lambda: all(self.ready(web) for web in self.webs), "both ready")

    def link_to(self, email: str) -> Link:
        """A link asking a client of Alice's for Google Ads, received by her Google account."""
        client = Client.objects.create(agency=self.agency_a, name=email, email=email)
        link = Link.objects.create(agency=self.agency_a, client=client)
        service = RequestedService.objects.create(
            link=link, platform="google", service_key="google_ads", access_level="STANDARD"
        )
        RequestedAccountLink.objects.create(
            requested_service=service, connected_account=self.google_a
        )
        return link

    def key_counted_apart(self) -> str:
        """A key with a low limit, under an id no other test's key has: the counters in Redis
        are named by key id, and other test runs may share this Redis."""
        row, key = ApiKey.issue(self.agency_a, "Limited", list(API_CAPABILITIES))
        ApiKey.objects.filter(pk=row.pk).update(
            id=10**9 + secrets.randbelow(10**9), rate_limit_per_minute=RATE_LIMIT
        )
        return key

    def forget_client_page_counts(self) -> None:
        """The client pages count POSTs per address (127.0.0.1 here) in Redis, which outlives
        a run: a run just before this one must not leave this one's clicks refused."""
        r = redis.Redis.from_url(REDIS_URL)
        for key in r.scan_iter("ratelimit:onboarding:127.0.0.1:*"):
            r.delete(key)

    def collect_static(self) -> Path:
        """The static files, collected once (as `agencyaccess serve` does) for both machines."""
        data_dir = Path(tempfile.mkdtemp(prefix="scale-out-static-"))
        self.addCleanup(shutil.rmtree, data_dir)
        env = self.environment() | {"AGENCYACCESS_DATA_DIR": str(data_dir)}
        command = [sys.executable, "-m", "agencyaccess.cli", "collectstatic", "--noinput", "-v0"]
        subprocess.run(command, env=env, check=True, timeout=60)
        return data_dir / "static"

    def start_machine(self, name: str, static: Path) -> "Machine":
        machine = Machine(name, self.environment(), static)
        self.addCleanup(shutil.rmtree, machine.data_dir)
        self.addCleanup(machine.stop)
        return machine

    def environment(self) -> dict[str, str]:
        db = connection.settings_dict
        user = quote(db["USER"] or "")
        password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        return without_proxies() | {
            "DATABASE_URL": f"postgres://{user}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": REDIS_URL,
            # The key digests and the encryption keys derive from it: as in this process.
            "SECRET_KEY": settings.SECRET_KEY,
            "METRICS_TOKEN": METRICS_TOKEN,
            "LOG_FORMAT": "json",
        }

    def wait_for(self, done: Callable[[], bool], what: str) -> None:
        """Real processes take real time: ask again every 0.2 s until DEADLINE."""
        deadline = time.monotonic() + DEADLINE
        while not done():
            for machine in self.machines:
                machine.check_running()
            if time.monotonic() > deadline:
                self.fail(f"not {what} after {DEADLINE} s")
            time.sleep(0.2)

    def ready(self, web: str) -> bool:
        try:
            return self.http.get(f"{web}/readyz").status_code == 200
        except httpx.TransportError:
            return False

    # The threads below only speak HTTP: a thread that used the ORM would leave its own
    # database connection open.
    def test_two_machines_share_the_work_and_do_nothing_twice(self):
        with ThreadPoolExecutor(max_workers=8) as pool:
            created = list(pool.map(self.create_link, range(NEW_LINKS)))
            # Half the clients skip their one service, on both servers at once: one answer.
            opened = [link_id for link_id, _ in created[: NEW_LINKS // 2]]
            list(pool.map(self.skip_on_both, opened))
            burst = list(pool.map(self.retrieve_limited, range(BURST)))

        # An invitation per new link, a reminder per old one, and each teammate (Alice and
        # Bob, who keep the default) told at once of each link completed.
        expected = {
            "invitation": NEW_LINKS,
            "reminder": OLD_LINKS,
            "teammate_notification": len(opened) * self.agency_a.memberships.count(),
        }
        self.wait_for(lambda: self.emails_all_sent(expected), "every e-mail sent")

        self.assertEachEmailSentOnce()
        self.assertEachOldLinkRemindedOnce()
        self.assertEachEventRecordedOnce(completed=opened)
        self.assertRateLimitHeldAcrossBoth(burst)
        self.assertRequestsCountedAcrossProcesses(created)
        self.http.close()
        for machine in self.machines:
            machine.terminate()
        for machine in self.machines:
            machine.stop()
            machine.assertLogsAreJson(self)

    # -- the traffic ---------------------------------------------------------------------------

    def create_link(self, n: int) -> tuple[str, str]:
        """Links/create with sendEmail, on web server n % 2; the link's id and the server."""
        web = self.webs[n % 2]
        body = {
            "clientID": self.new_clients[n].public_id,
            "sendEmail": True,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "accessLevel": "STANDARD",
                        "requested": True,
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}],
                    }
                }
            },
        }
        response = self.http.post(
            f"{web}/api/links/create", json=body, headers={"X-Auth": self.alice_key}
        )
        if response.status_code != 200:
            self.fail(f"{response.text}\n{self.web_logs()}")
        return response.json()["data"], web

    def web_logs(self) -> str:
        """What the web servers logged, for a failure's message."""
        return "\n".join((machine.data_dir / "web.err").read_text() for machine in self.machines)

    def skip_on_both(self, link_id: str) -> None:
        """The client opens the link, then presses Skip, the request reaching both servers."""
        browser = httpx.Client(timeout=30, trust_env=False)
        with browser:
            page = browser.get(f"{self.webs[0]}/l/{link_id}/")
            self.assertEqual(page.status_code, 200)
            headers = {"X-CSRFToken": browser.cookies["csrftoken"]}
            with ThreadPoolExecutor(max_workers=2) as pool:
                answers = list(
                    pool.map(
                        lambda web: browser.post(
                            f"{web}/l/{link_id}/skip/google_ads/", headers=headers
                        ),
                        self.webs,
                    )
                )
        self.assertEqual([answer.status_code for answer in answers], [302, 302])

    def retrieve_limited(self, n: int) -> httpx.Response:
        link = self.old_links[0].public_id
        return self.http.get(
            f"{self.webs[n % 2]}/api/links/retrieve",
            params={"id": link},
            headers={"X-Auth": self.limited_key},
        )

    # -- what must hold --------------------------------------------------------------------------

    def emails_all_sent(self, expected: dict[str, int]) -> bool:
        """Every e-mail expected is queued (no more) and none is left to send."""
        emails = OutgoingEmail.objects.all()
        queued = Counter(emails.values_list("kind", flat=True))
        return queued == Counter(expected) and not emails.exclude(status="sent").exists()

    def assertEachEmailSentOnce(self) -> None:
        """Each queued e-mail left one machine once: its Message-ID is in one outbox file."""
        self.assertEqual(
            set(OutgoingEmail.objects.values_list("status", "attempts")), {("sent", 1)}
        )
        sent = Counter(
            message_from_bytes(path.read_bytes())["Message-ID"]
            for machine in self.machines
            for path in machine.outbox()
        )
        self.assertEqual(set(sent.values()), {1}, sent)
        self.assertEqual(set(sent), set(OutgoingEmail.objects.values_list("message_id", flat=True)))

    def assertEachOldLinkRemindedOnce(self) -> None:
        for link in self.old_links:
            link.refresh_from_db()
            self.assertEqual(link.reminders_sent, 1)
            self.assertEqual(OutgoingEmail.objects.filter(link=link, kind="reminder").count(), 1)

    def assertEachEventRecordedOnce(self, completed: list[str]) -> None:
        links = Link.objects.filter(public_id__in=completed)
        self.assertEqual(
            set(links.values_list("services__status", flat=True)), {ServiceStatus.SKIPPED}
        )
        for event_type, expected in [
            (EventType.LINK_CREATED, NEW_LINKS),
            (EventType.LINK_OPENED, len(completed)),
            (EventType.SERVICE_SKIPPED, len(completed)),
            (EventType.LINK_COMPLETED, len(completed)),
        ]:
            per_link = Counter(Event.objects.filter(type=event_type).values_list("link", flat=True))
            self.assertEqual((len(per_link), set(per_link.values())), (expected, {1}), event_type)

    def assertRateLimitHeldAcrossBoth(self, burst: list[httpx.Response]) -> None:
        """Whatever server answered, the key had RATE_LIMIT requests a minute (a burst that
        straddles a minute is counted per window)."""
        by_window: dict[str, list[int]] = {}
        for response in burst:
            by_window.setdefault(response.headers["X-RateLimit-Reset"], []).append(
                response.status_code
            )
        for statuses in by_window.values():
            self.assertEqual(statuses.count(200), min(len(statuses), RATE_LIMIT), statuses)
            self.assertEqual(statuses.count(429), len(statuses) - statuses.count(200))

    def assertRequestsCountedAcrossProcesses(self, created: list[tuple[str, str]]) -> None:
        """Each server's /metrics counts the requests of both its processes, not the other
        server's."""
        for web in self.webs:
            response = self.http.get(
                f"{web}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
            )
            self.assertEqual(response.status_code, 200)
            counted = sum(
                sample.value
                for family in text_string_to_metric_families(response.text)
                for sample in family.samples
                if sample.name == "agencyaccess_http_requests_total"
                and sample.labels["route"] == "/api/links/create"
            )
            self.assertEqual(counted, sum(server == web for _, server in created))


class Machine:
    """One machine: gunicorn with two processes and a worker, with a data directory of their
    own; their output goes to files there."""

    def __init__(self, name: str, environment: dict[str, str], static: Path) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"scale-out-{name}-"))
        (self.data_dir / "static").symlink_to(static)
        port = free_port()
        self.web = f"http://127.0.0.1:{port}"
        env = environment | {"AGENCYACCESS_DATA_DIR": str(self.data_dir), "SITE_URL": self.web}
        self.processes = {
            "web": self.start(gunicorn_command("127.0.0.1", port, workers=2), env, "web"),
            "worker": self.start(
                [sys.executable, "-m", "agencyaccess.cli", "worker"], env, "worker"
            ),
        }

    def start(self, command: list[str], env: dict[str, str], name: str) -> subprocess.Popen:
        with (
            open(self.data_dir / f"{name}.out", "wb") as out,
            open(self.data_dir / f"{name}.err", "wb") as err,
        ):
            return subprocess.Popen(command, env=env, stdout=out, stderr=err)

    def check_running(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(
                    f"{name} exited:\n{(self.data_dir / f'{name}.err').read_text()}"
                )

    def outbox(self) -> list[Path]:
        return sorted((self.data_dir / "mail").glob("*.eml"))

    def terminate(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()

    def stop(self) -> None:
        self.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def assertLogsAreJson(self, test: TransactionTestCase) -> None:
        """LOG_FORMAT=json: every line gunicorn and the app logged is a JSON object (the
        worker's stdout is the console e-mail backend's copy of each message)."""
        for name in ("web.out", "web.err", "worker.err"):
            for line in (self.data_dir / name).read_text().splitlines():
                with test.subTest(name, line=line):
                    test.assertEqual(
                        set(json.loads(line)) - {"exception"},
                        {"time", "level", "logger", "message"},
                    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
