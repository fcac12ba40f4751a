"""Benchmark of re-verifying active grants (not part of the tests): the worker's job
`lifecycle.reverify.check_due`, run until nothing is due, against the Google and Meta sandboxes
with a platform round trip added (bench/latency_proxy.py, 100 ms by default).

Half the grants are GA4 properties, half Meta ad accounts, each checked as the worker checks a
grant once the client's sign-in is gone: with the agency's own sign-in (GA4: the account
summaries the agency can see; Meta: the ad accounts shared with the agency's business). The
sandboxes are served by `agencyaccess web` (gunicorn) on the same throwaway database; the
worker's job runs in this process, with the per-platform rate limit lifted so that the raw
throughput shows (docs/benchmarks.md compares it with the platforms' published limits).

Reported: wall time, grants a second, platform calls per grant (counted at lib/http.py),
database queries per grant, the worker's CPU (this process) and the sandboxes' CPU.

    .venv/bin/python bench/reverify.py [--grants N] [--platform-latency MS] [--workers N]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cpu
from demo import AGENCYACCESS, ROOT, free_port
from latency_proxy import LatencyProxy

CHUNK = 2000


def main() -> None:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="aa-reverify-"))
    sandbox_port = free_port()
    proxy = LatencyProxy(sandbox_port, args.platform_latency).start()
    os.environ.update(
        {
            "AGENCYACCESS_DATA_DIR": str(data_dir),
            # Every sandbox URL is built on SITE_URL: the worker's calls go through the proxy.
            "SITE_URL": f"http://127.0.0.1:{proxy.port}",
            "DJANGO_SETTINGS_MODULE": "agencyaccess.settings",
            "LOG_LEVEL": "WARNING",
        }
    )
    server = subprocess.Popen(
        [*AGENCYACCESS, "web", "--port", str(sandbox_port), "--workers", str(args.workers)],
        env=os.environ.copy(),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until_up(sandbox_port)
        import django

        django.setup()
        grants = seed(args.grants)
        report(args, grants, measure(), server.pid)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        proxy.stop()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grants", type=int, default=10_000)
    parser.add_argument("--platform-latency", type=float, default=100.0, help="ms round trip")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of the sandbox")
    return parser.parse_args()


def wait_until_up(port: int) -> None:
    import http.client

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the sandbox server did not start")


def seed(count: int) -> int:
    """An agency with its Google and Meta accounts signed in, one GA4 property and one Meta ad
    account shared with it, and `count` active grants on them, each on a link of its own."""
    from django.utils import timezone

    from agencyaccess.accounts.models import Agency
    from agencyaccess.clients.models import Client
    from agencyaccess.links.models import Grant, Link
    from agencyaccess.platforms.base import AgencyIdentity, Asset, GrantRequest
    from agencyaccess.platforms.google.analytics import GoogleAnalytics
    from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens as google_tokens
    from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, JANE
    from agencyaccess.platforms.meta.sandbox import world as meta_world
    from agencyaccess.platforms.meta.sandbox.state import issue_sandbox_tokens as meta_tokens
    from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken

    agency = Agency.objects.create(name="Bench agency")
    google = ConnectedAccount.objects.create(
        agency=agency, platform="google", email=DEMO_AGENCY, method=ConnectionMethod.OAUTH
    )
    meta = ConnectedAccount.objects.create(
        agency=agency,
        platform="meta",
        fields={"business_id": meta_world.AGENCY_BUSINESS_ID},
        method=ConnectionMethod.OAUTH,
    )
    for account, tokens in ((google, google_tokens(DEMO_AGENCY)), (meta, meta_tokens("alex"))):
        token = PlatformToken(platform=account.platform, connected_account=account)
        token.store(tokens)
        token.save()
    GoogleAnalytics().grant(
        google_tokens(JANE),
        GrantRequest(
            "google_analytics",
            Asset("property", "properties/2001", "Bakery"),
            AgencyIdentity(account_id=google.public_id, email=DEMO_AGENCY),
            "EDITOR",
            "predefinedRoles/editor",
        ),
    )
    shared = {  # Meta's sandbox starts with this ad account shared with the agency's business
        "google_analytics": ("properties/2001", google, "predefinedRoles/editor"),
        "meta_ads": ("act_400000000000001", meta, "MANAGE,ADVERTISE,ANALYZE"),
    }
    past = timezone.now() - timezone.timedelta(minutes=1)
    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        clients = Client.objects.bulk_create(
            Client(agency=agency, name=f"Client {made + i}", email=f"c{made + i}@example.com")
            for i in range(size)
        )
        links = Link.objects.bulk_create(Link(agency=agency, client=client) for client in clients)
        Grant.objects.bulk_create(
            Grant(
                link=link,
                agency=agency,
                service_key=service,
                connected_account=shared[service][1],
                asset_id=shared[service][0],
                asset_name=shared[service][0],
                access_level="STANDARD",
                native_role=shared[service][2],
                state="active",
                next_check=past,
            )
            for i, link in enumerate(links)
            for service in ["google_analytics" if (made + i) % 2 == 0 else "meta_ads"]
        )
        made += size
    return count


class Measured:
    wall = 0.0
    cpu = 0.0
    calls = 0
    queries = 0
    checked = 0
    sandbox_cpu_before: float | None = None


def measure() -> Measured:
    from unittest import mock

    from django.db import connection
    from django.utils import timezone

    from agencyaccess.lib import http
    from agencyaccess.lifecycle import reverify

    measured = Measured()
    real_request = http.request

    def counted_request(*args, **kwargs):
        measured.calls += 1  # a += on an int is atomic enough under the GIL for a count
        return real_request(*args, **kwargs)

    def count_query(execute, sql, params, many, context):
        measured.queries += 1
        return execute(sql, params, many, context)

    no_limit = dict.fromkeys(reverify.CHECKS_PER_MINUTE, 10**9)
    with (
        mock.patch.object(http, "request", counted_request),
        mock.patch.dict(reverify.CHECKS_PER_MINUTE, no_limit),
        mock.patch.object(reverify, "DEFAULT_CHECKS_PER_MINUTE", 10**9),
        connection.execute_wrapper(count_query),
    ):
        started, cpu_started = time.perf_counter(), time.process_time()
        while checked := reverify.check_due(timezone.now()):
            measured.checked += checked
            print(f"  {measured.checked} checked", end="\r", file=sys.stderr)
        measured.wall = time.perf_counter() - started
        measured.cpu = time.process_time() - cpu_started
    return measured


def report(args: argparse.Namespace, grants: int, m: Measured, sandbox_pid: int) -> None:
    from agencyaccess.lib.parallel import MAX_CALLS_AT_ONCE
    from agencyaccess.links.models import Grant

    active = Grant.objects.filter(state="active").count()
    sandbox_cpu = cpu.tree_seconds(sandbox_pid)
    per_grant = m.wall / max(m.checked, 1)
    print(f"re-verified {m.checked} of {grants} grants ({active} still active) in {m.wall:.1f} s")
    print(f"  platform round trip:      {args.platform_latency:g} ms (bench/latency_proxy.py)")
    print(f"  calls at once:            {MAX_CALLS_AT_ONCE} (lib/parallel.py), one worker lane")
    print(f"  grants a second:          {m.checked / m.wall:.1f}")
    print(f"  platform calls per grant: {m.calls / max(m.checked, 1):.2f}")
    print(f"  queries per grant:        {m.queries / max(m.checked, 1):.2f}")
    print(
        f"  worker CPU:               {m.cpu:.1f} s ({1000 * m.cpu / max(m.checked, 1):.2f} ms a grant)"
    )
    if sandbox_cpu is not None:
        print(f"  sandboxes' CPU:           {sandbox_cpu:.1f} s (gunicorn, {args.workers} workers)")
    print(f"  100,000 grants at this pace: {100_000 * per_grant / 60:.0f} min of one worker")


if __name__ == "__main__":
    main()
