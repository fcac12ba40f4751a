"""Benchmark of webhook delivery by the background worker (not part of the tests).

On a throwaway database (SQLite by default) with one agency and three endpoints, each a
receiver on 127.0.0.1 (a separate process that answers 200 at once and counts what it gets):

1. Throughput: N events (10,000 by default) are recorded, then `agencyaccess worker` fans them
   out and delivers the 3N requests. Deliveries per second, from the first attempt to the last,
   against a baseline measured in the same run: a plain loop posting the same bodies, signed
   the same way (`standardwebhooks`), with one httpx client. Aim: at least half the baseline's.
2. Latency: with the worker running and idle, events recorded at a steady rate; the time from
   each event to its first attempt, p50 and p99. Aim: p50 under a second.
3. Crashes: events recorded while the worker is killed (SIGKILL) twice and started again; the
   events lost (aim: none) and delivered twice (the same webhook-id, allowed) once the killed
   workers' leases have ended.

    .venv/bin/python bench/webhooks.py [--events N] [--db sqlite|postgres] [--rate R]
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from api import DEFAULT_POSTGRES, database

ROOT = Path(__file__).resolve().parent.parent
AGENCYACCESS = [sys.executable, "-m", "agencyaccess.cli"]
TARGET_RATIO = 0.5
TARGET_P50_MS = 1000
ENDPOINTS = 3


# -- The receivers (run in a process of their own: `bench/webhooks.py --receivers PORTFILE`) --


def serve_receivers(port_file: str) -> None:
    """Three receivers answering 200 at once; GET /stats gives the webhook-ids each got."""
    seen: list[Counter] = [Counter() for _ in range(ENDPOINTS)]
    lock = threading.Lock()

    def handler(index: int):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The status line and the body go out in separate writes: without this, Nagle's
            # algorithm holds the second until the client's delayed ACK (40 ms a request).
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    seen[index][self.headers["webhook-id"]] += 1
                self._answer(b"ok")

            def do_GET(self) -> None:
                with lock:
                    self._answer(json.dumps(seen[index]).encode())

            def do_DELETE(self) -> None:
                with lock:
                    seen[index].clear()
                self._answer(b"")

            def _answer(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), handler(n)) for n in range(ENDPOINTS)]
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    Path(port_file).write_text(" ".join(str(s.server_port) for s in servers))
    signal.sigwait({signal.SIGTERM, signal.SIGINT})


class Receivers:
    def __init__(self, data_dir: Path) -> None:
        port_file = data_dir / "receiver-ports"
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--receivers", str(port_file)], cwd=ROOT
        )
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline:
                raise SystemExit("the receivers did not start")
            time.sleep(0.05)
        self.urls = [f"http://127.0.0.1:{port}/hooks" for port in port_file.read_text().split()]

    def seen(self) -> list[Counter]:
        return [Counter(json.loads(urllib.request.urlopen(url).read())) for url in self.urls]

    def reset(self) -> None:
        for url in self.urls:
            urllib.request.urlopen(urllib.request.Request(url, method="DELETE")).read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


# -- The run --------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    if args.receivers:
        serve_receivers(args.receivers)
        return
    with database(args.db, DEFAULT_POSTGRES) as env:
        if env is None:
            sys.exit("No database.")
        env["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = "1"
        env["LOG_LEVEL"] = "WARNING"
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyaccess.settings")
        run(args, env, Path(env["AGENCYACCESS_DATA_DIR"]))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="events of the throughput run")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rate", type=float, default=50, help="events a second, latency run")
    parser.add_argument("--latency-seconds", type=float, default=10)
    parser.add_argument("--crash-events", type=int, default=3000)
    parser.add_argument("--receivers", help=argparse.SUPPRESS)
    return parser.parse_args()


def cli(env: dict[str, str], *argv: str) -> str:
    done = subprocess.run(
        AGENCYACCESS + list(argv), env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"agencyaccess {argv[0]} failed:\n{done.stderr}")
    return done.stdout.strip()


def run(args: argparse.Namespace, env: dict[str, str], data_dir: Path) -> None:
    print(f"== webhooks on {args.db}: {args.events} events to {ENDPOINTS} loopback endpoints")
    cli(env, "migrate", "--noinput", "-v0")
    agency = cli(env, "create_agency", "--name", "Bench", "--email", "bench@example.org")
    receivers = Receivers(data_dir)
    try:
        secrets = [
            cli(env, "create_webhook", "--agency", agency, "--url", url) for url in receivers.urls
        ]
        import django

        django.setup()
        from agencyaccess.accounts.models import Agency

        agency_pk = Agency.objects.get(public_id=agency).pk
        no_teammate_emails(agency_pk)
        throughput(args, env, agency_pk, receivers, secrets)
        worker = start_worker(env)
        try:
            latency(args, agency_pk)
        finally:
            stop_worker(worker)
        crashes(args, env, agency_pk, receivers)
    finally:
        receivers.stop()


def no_teammate_emails(agency_pk: int) -> None:
    """The agency's teammates get no e-mail of these events: the worker's mail lane would
    otherwise render and send 10,000 of them beside the deliveries, which the baseline does
    not do (that work is measured by the e-mail tests, not here)."""
    from agencyaccess.notify.models import Frequency, NotificationKind, NotificationSetting

    NotificationSetting.objects.bulk_create(
        NotificationSetting(agency_id=agency_pk, kind=kind, frequency=Frequency.OFF)
        for kind in NotificationKind
    )


def emit_events(agency_pk: int, count: int, prefix: str) -> list[str]:
    """Record `count` events (in transactions of 500, as a busy install would); their ids."""
    from django.db import transaction

    from agencyaccess.notify.events import CATALOGUE, emit
    from agencyaccess.notify.models import Event, EventType

    data = CATALOGUE["link.completed"].example
    for start in range(0, count, 500):
        with transaction.atomic():
            for n in range(start, min(count, start + 500)):
                emit(agency_pk, EventType.LINK_COMPLETED, data, dedupe_key=f"{prefix}{n}")
    return list(
        Event.objects.filter(dedupe_key__startswith=f"link.completed:{prefix}").values_list(
            "public_id", flat=True
        )
    )


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([*AGENCYACCESS, "worker"], env=env, cwd=ROOT)


def stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def succeeded(event_ids: list[str]) -> int:
    from agencyaccess.notify.models import Delivery

    return Delivery.objects.filter(event__public_id__in=event_ids, status="succeeded").count()


def wait_until_delivered(event_ids: list[str], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    expected = len(event_ids) * ENDPOINTS
    while succeeded(event_ids) < expected:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def throughput(args, env, agency_pk: int, receivers: Receivers, secrets: list[str]) -> None:
    from django.db.models import Max, Min

    from agencyaccess.notify.models import DeliveryAttempt, Event, WebhookEndpoint

    event_ids = emit_events(agency_pk, args.events, "throughput")
    bodies = list(Event.objects.filter(public_id__in=event_ids).values_list("public_id", "body"))
    baseline = baseline_loop(bodies, receivers.urls, secrets)
    receivers.reset()

    worker = start_worker(env)
    started = time.monotonic()
    try:
        done = wait_until_delivered(event_ids, seconds=600)
    finally:
        wall = time.monotonic() - started
        stop_worker(worker)
    span = DeliveryAttempt.objects.filter(delivery__event__public_id__in=event_ids).aggregate(
        first=Min("at"), last=Max("at"), count=Max("number")
    )
    deliveries = len(event_ids) * ENDPOINTS
    seconds = (span["last"] - span["first"]).total_seconds()
    ours = deliveries / seconds
    print(f"\nThroughput, {deliveries} deliveries ({len(event_ids)} events x {ENDPOINTS})")
    print(f"  baseline (httpx loop, signed): {baseline:8.0f} deliveries/s")
    print(f"  worker, first to last attempt: {ours:8.0f} deliveries/s ({seconds:.1f} s)")
    print(f"  worker, wall time from start:  {deliveries / wall:8.0f} deliveries/s ({wall:.1f} s)")
    ratio = ours / baseline
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"  ratio worker/baseline: {ratio:.2f} ({verdict} the aim of {TARGET_RATIO})")
    if not done:
        print("  NOT ALL DELIVERED within 600 s")
    seen = receivers.seen()
    duplicates = sum(sum(c.values()) - len(c) for c in seen)
    print(f"  most attempts of one delivery: {span['count']}, repeats received: {duplicates}")
    assert all(e.is_active for e in WebhookEndpoint.objects.all())


def baseline_loop(bodies: list[tuple[str, str]], urls: list[str], secrets: list[str]) -> float:
    """The same requests, one after the other, with nothing around them: deliveries/s."""
    import httpx
    from django.utils import timezone
    from standardwebhooks import Webhook

    hooks = [Webhook(secret) for secret in secrets]
    with httpx.Client(timeout=15) as client:
        started = time.monotonic()
        for event_id, body in bodies:
            for url, hook in zip(urls, hooks, strict=True):
                at = timezone.now()
                headers = {
                    "Content-Type": "application/json",
                    "webhook-id": event_id,
                    "webhook-timestamp": str(int(at.timestamp())),
                    "webhook-signature": hook.sign(event_id, at, body),
                }
                client.post(url, content=body.encode(), headers=headers).raise_for_status()
        return len(bodies) * len(urls) / (time.monotonic() - started)


def latency(args, agency_pk: int) -> None:
    """Events recorded at a steady rate while the worker runs; event to first attempt."""
    from django.db.models import F

    from agencyaccess.notify.models import DeliveryAttempt

    time.sleep(3)  # the worker is up and idle
    count = int(args.rate * args.latency_seconds)
    started = time.monotonic()
    event_ids: list[str] = []
    for n in range(count):
        event_ids += emit_events(agency_pk, 1, f"latency{n}:")
        time.sleep(max(0.0, started + (n + 1) / args.rate - time.monotonic()))
    wait_until_delivered(event_ids, seconds=60)
    waits = sorted(
        (at - occurred).total_seconds() * 1000
        for at, occurred in DeliveryAttempt.objects.filter(
            delivery__event__public_id__in=event_ids, number=1
        )
        .annotate(occurred=F("delivery__event__occurred"))
        .values_list("at", "occurred")
    )
    p50 = statistics.median(waits)
    p99 = waits[min(len(waits) - 1, round(len(waits) * 0.99))]
    verdict = "meets" if p50 < TARGET_P50_MS else "misses"
    print(f"\nLatency, {count} events at {args.rate:g}/s to {ENDPOINTS} endpoints, worker idle")
    print(f"  event to first attempt: p50 {p50:.0f} ms, p99 {p99:.0f} ms ({verdict} p50 < 1 s)")


def crashes(args, env, agency_pk: int, receivers: Receivers) -> None:
    from agencyaccess.notify.deliveries import LEASE

    receivers.reset()
    event_ids = emit_events(agency_pk, args.crash_events, "crash")
    expected = len(event_ids) * ENDPOINTS
    worker = start_worker(env)
    for fraction in (1 / 3, 2 / 3):
        while succeeded(event_ids) < expected * fraction:
            time.sleep(0.02)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        worker = start_worker(env)
    started = time.monotonic()
    try:
        done = wait_until_delivered(event_ids, seconds=LEASE.total_seconds() + 60)
    finally:
        stop_worker(worker)
    seen = receivers.seen()
    lost = sum(len(set(event_ids) - set(counter)) for counter in seen)
    repeats = sum(sum(counter.values()) - len(counter) for counter in seen)
    print(f"\nCrashes, {expected} deliveries, the worker killed (SIGKILL) twice and restarted")
    print(f"  lost: {lost}, received twice: {repeats} (same webhook-id)")
    print(
        f"  the killed workers' deliveries were taken up after their lease "
        f"({LEASE.total_seconds():.0f} s): all done {time.monotonic() - started:.0f} s after "
        f"the second kill{'' if done else ', NOT ALL DELIVERED'}"
    )


if __name__ == "__main__":
    main()
