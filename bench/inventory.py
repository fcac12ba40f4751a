"""The access inventory and its CSV with 100,000 grants in one agency, against the clients list
and a plain CSV dump in the same run.

    .venv/bin/python bench/inventory.py [--db sqlite|postgres|both] [--grants N] [--requests N]

For each database (as bench/dashboard.py: a throwaway SQLite, and PostgreSQL when one answers
at --postgres) it seeds one agency with --grants grants (5 a link, on a link per client, over
Google and Meta accounts, in every state), and a second agency with 60 grants, then times:

- the pages, through django.test.Client (the whole Django stack, server time only), against
  the clients list of the same agency: inventory / clients list is the ratio printed;
- the CSV of every grant (the streamed response read to its end), against a baseline that
  reads the same columns with one SQL query on a plain cursor and writes them with the csv
  module, with no Django in between.

It also prints the SQL queries each page and the CSV cost, for the big and the small agency.
"""

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dashboard
import page_timing

ROOT = dashboard.ROOT
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/agencyaccess_bench_inventory"
GRANTS_PER_LINK = 5
SMALL = 60

# {client}: a client with grants; {rare}: an asset name only one grant has.
PAGES = {
    "clients list (baseline)": "/clients/",
    "inventory": "/inventory/",
    "inventory, state failed": "/inventory/?state=failed",
    "inventory, Meta": "/inventory/?platform=meta",
    "inventory, one client": "/inventory/?client={client}",
    "inventory, search": "/inventory/?q={rare}",
    "inventory, page 100": "/inventory/?page=100",
}
STATES = ("active", "active", "active", "pending_agency", "failed", "revoked")


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"Access inventory: an agency with {args.grants:,} grants, one with {SMALL}; "
        f"{args.requests} requests a page, {args.exports} CSV exports\n"
    )
    for name in databases:
        with dashboard.database(name, args.postgres) as env:
            if env is None:
                continue
            command = [sys.executable, __file__, "--child", *_passed(args)]
            done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, check=True)
            print_results(name, json.loads(done.stdout))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--grants", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests a page")
    parser.add_argument("--exports", type=int, default=3, help="timed CSV exports")
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help="a database to create and drop"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def _passed(args: argparse.Namespace) -> list[str]:
    return [f"--grants={args.grants}", f"--requests={args.requests}", f"--exports={args.exports}"]


def measure(args: argparse.Namespace) -> dict:
    """In the child process, on its own database: seed, then time the pages and the CSV."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyaccess.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from agencyaccess.accounts.actions import create_agency
    from agencyaccess.catalog import platform_by_key
    from agencyaccess.links.models import Grant
    from agencyaccess.platforms.actions import add_manual_account

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    sizes = {"big": args.grants, "small": SMALL}
    started = time.perf_counter()
    for who, grants in sizes.items():
        agency = create_agency(f"{who} agency", f"{who}@bench.example")
        accounts = [
            add_manual_account(agency, platform_by_key("google"), email="ads@x.example", fields={}),
            add_manual_account(agency, platform_by_key("meta"), fields={"business_id": "1"}),
        ]
        clients = -(-grants // GRANTS_PER_LINK)
        call_command(
            "seed_clients", agency=agency.public_id, count=clients, links_every=1, stdout=sys.stderr
        )
        seed_grants(agency, accounts, grants)
    seeding = time.perf_counter() - started
    # Fresh statistics, as autovacuum would have them: without, PostgreSQL's planner believes
    # the agency has a handful of grants and sorts all 100,000 (378 ms against 0.2 ms at 20,000).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    results: dict = {"seconds_to_seed": seeding, "pages": {}, "csv": {}}
    for who in sizes:
        owner = f"{who}@bench.example"
        some = Grant.objects.filter(agency__name=f"{who} agency").select_related("link__client")
        ids = {"client": some.first().link.client.public_id, "rare": "Asset 000042"}
        browser = page_timing.owner_browser(owner)
        for page, path in PAGES.items():
            url = path.format(**ids)
            results["pages"].setdefault(page, {})[who] = page_timing.time_page(
                browser, url, args.requests, warmup=3
            )
        results["csv"][who] = time_csv(browser, args.exports)
    return results


def seed_grants(agency, accounts, count: int) -> None:
    """`count` grants, GRANTS_PER_LINK on each of the agency's links, one a second up to now."""
    from datetime import timedelta

    from django.utils import timezone

    from agencyaccess.links.models import Grant, Link

    links = list(Link.objects.filter(agency=agency).values_list("pk", flat=True))
    now = timezone.now()
    batch = []
    for i in range(count):
        google = i % 3 != 0
        account = accounts[0] if google else accounts[1]
        batch.append(
            Grant(
                link_id=links[i // GRANTS_PER_LINK],
                agency=agency,
                service_key="google_ads" if google else "meta_ads",
                connected_account=account,
                asset_type="ad_account",
                asset_id=f"customers/{i:010d}" if google else f"act_{i}",
                asset_name=f"Asset {i:06d}",
                access_level="STANDARD" if google else "MANAGE",
                state=STATES[i % len(STATES)],
                created=now - timedelta(seconds=count - i),
                last_verified=now - timedelta(seconds=(count - i) // 2),
            )
        )
        if len(batch) == 5000:
            Grant.objects.bulk_create(batch)
            batch = []
    Grant.objects.bulk_create(batch)


def time_csv(browser, exports: int) -> dict:
    """The whole inventory as CSV, read to its end, against the plain dump of the same rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, rows = [], 0
    for _ in range(exports):
        started = time.perf_counter()
        # Two captures: the test client's request_started signal clears the query log, which
        # one capture around both the request and the streaming would miscount.
        with CaptureQueriesContext(connection) as request_queries:
            response = browser.get("/inventory/export.csv")
        with CaptureQueriesContext(connection) as streaming_queries:
            body = b"".join(response.streaming_content)
        times.append(time.perf_counter() - started)
        queries = len(request_queries) + len(streaming_queries)
        rows = body.count(b"\n") - 1
    agency_id = browser.get("/inventory/").wsgi_request.agency_id
    baseline = [_plain_dump(agency_id) for _ in range(exports)]
    return {
        "rows": rows,
        "seconds": statistics.median(times),
        "baseline_seconds": statistics.median(baseline),
        "queries": queries,
    }


def _plain_dump(agency_id: int) -> float:
    """What the CSV costs without Django: one query on a cursor, the csv module, same columns."""
    from django.db import connection

    started = time.perf_counter()
    out = csv.writer(io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.name, c.public_id, g.service_key, g.asset_name, g.asset_id, g.access_level,"
            " a.email, g.state, g.created, g.last_verified, l.public_id"
            " FROM links_grant g JOIN links_link l ON l.id = g.link_id"
            " JOIN clients_client c ON c.id = l.client_id"
            " JOIN platforms_connectedaccount a ON a.id = g.connected_account_id"
            " WHERE g.agency_id = %s ORDER BY g.created DESC, g.id DESC",
            [agency_id],
        )
        while chunk := cursor.fetchmany(2000):
            out.writerows(chunk)
    return time.perf_counter() - started


def print_results(name: str, results: dict) -> None:
    print(f"{name}: {results['seconds_to_seed']:.1f} s to seed")
    pages = results["pages"]
    baseline = pages["clients list (baseline)"]["big"]["p50_ms"]
    print(
        f"  {'page':<26} {'p50 big':>9} {'p99 big':>9} {'p50 small':>10} "
        f"{'/clients':>9}  queries big/small"
    )
    for page, row in pages.items():
        big, small = row["big"], row["small"]
        print(
            f"  {page:<26} {big['p50_ms']:>7.1f}ms {big['p99_ms']:>7.1f}ms "
            f"{small['p50_ms']:>8.1f}ms {big['p50_ms'] / baseline:>8.2f}x  "
            f"{big['queries']}/{small['queries']}"
        )
    for who, export in results["csv"].items():
        rate = export["rows"] / export["seconds"]
        print(
            f"  CSV {who}: {export['rows']:,} rows in {export['seconds']:.2f} s ({rate:,.0f} rows/s); "
            f"plain cursor + csv {export['baseline_seconds']:.2f} s: "
            f"ratio {export['baseline_seconds'] / export['seconds']:.2f}; "
            f"{export['queries']} queries"
        )
    print()


if __name__ == "__main__":
    main()
