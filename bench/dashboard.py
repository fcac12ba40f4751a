"""The dashboard's list pages with 100,000 clients in an agency, beside an empty agency.

    .venv/bin/python bench/dashboard.py [--db sqlite|postgres|both] [--clients N] [--requests N]

For each database (SQLite, and PostgreSQL when one answers at --postgres) it makes a throwaway
database, migrates it, seeds one agency with N clients (`agencyaccess seed_clients`, a link for
every 20th), a second with 60 and a third with none, then asks each page --requests times as each
agency's owner and prints the server time (p50, p99), the ratios and the SQL queries per page.

Requests go through django.test.Client in the benchmark's process: the whole Django stack
(middleware, session, login and membership check, view, template) with no server, network or
client-side time around it, so the figures are the server's time alone. The PostgreSQL database
is dropped afterwards; the SQLite one lives in a temporary directory.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/agencyaccess_bench_dash"
# A third agency with a little more than one page of clients: its pages render as many rows as
# the big agency's, so big/small is the cost of the size alone; big/empty adds the rendering.
SMALL = 60

# The pages measured, by name; {client} is a client id of the agency (for the id search).
PAGES = {
    "clients list": "/clients/",
    "clients by name": "/clients/?sort=name",
    "search, common word": "/clients/?q=smith",
    "search, rare word": "/clients/?q=zzqx",
    "search, a client id": "/clients/?q={client}",
    "filter: prospects": "/clients/?type=Prospect",
    "clients page 100": "/clients/?page=100",
    "links list": "/links/",
    "links: complete": "/links/?status=complete",
}


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"Dashboard pages: an agency with {args.clients:,} clients, one with {SMALL}, one empty; "
        f"{args.requests} requests a page through django.test.Client (server time only)\n"
    )
    for name in databases:
        with database(name, args.postgres) as env:
            if env is None:
                continue
            print_results(name, run_child(env, args))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100, help="timed requests a page")
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help="a database to create and drop"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


@contextmanager
def database(name: str, postgres_url: str):
    """The environment of a throwaway database, or None (with a note) when there is none."""
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as data_dir:
        env = {
            **os.environ,
            "AGENCYACCESS_DATA_DIR": data_dir,
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DEBUG": "",
        }
        env.pop("DATABASE_URL", None)
        if name == "sqlite":
            yield env
            return
        try:
            admin = _postgres_admin(postgres_url)
        except Exception as e:  # psycopg's errors and a missing server alike: skip, say why
            print(f"PostgreSQL: skipped, {postgres_url} is not reachable ({e})\n")
            yield None
            return
        db_name = urlsplit(postgres_url).path.lstrip("/")
        admin.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        admin.execute(f'CREATE DATABASE "{db_name}"')
        try:
            yield env | {"DATABASE_URL": postgres_url}
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            admin.close()


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def run_child(env: dict[str, str], args: argparse.Namespace) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        f"--clients={args.clients}",
        f"--requests={args.requests}",
    ]
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, check=True)
    return json.loads(done.stdout)


def measure(args: argparse.Namespace) -> dict:
    """In the child process, on its own database: seed, then time every page for both agencies."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyaccess.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as Browser
    from django.test.utils import CaptureQueriesContext

    from agencyaccess.accounts.actions import create_agency
    from agencyaccess.catalog import platform_by_key
    from agencyaccess.clients.models import Client
    from agencyaccess.platforms.actions import add_manual_account

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    sizes = {"big": args.clients, "small": SMALL, "empty": 0}
    agencies = {}
    for who in sizes:
        agencies[who] = agency = create_agency(f"{who} agency", f"{who}@bench.example")
        add_manual_account(agency, platform_by_key("google"), email="ads@x.example", fields={})
    call_command("seed_clients", agency=agencies["small"].public_id, count=SMALL, stdout=sys.stderr)
    started = time.perf_counter()
    call_command(
        "seed_clients", agency=agencies["big"].public_id, count=args.clients, stdout=sys.stderr
    )
    seeding = time.perf_counter() - started
    big = agencies["big"]
    # A client in the middle of the list: the id search must not find it by luck.
    some_client = Client.objects.filter(agency=big).order_by("name")[args.clients // 2].public_id

    results: dict = {"seconds_to_seed": seeding, "pages": {}}
    for page, path in PAGES.items():
        url = path.format(client=some_client)
        row = results["pages"][page] = {}
        for who in sizes:
            browser = Browser()
            browser.force_login(_owner(f"{who}@bench.example"))
            for _ in range(5):  # warm-up: caches, the session, the first connection
                _get(browser, url)
            with CaptureQueriesContext(connection) as queries:
                _get(browser, url)
            query_count = len(queries)  # before the next request resets the log
            times = [_timed(browser, url) for _ in range(args.requests)]
            row[who] = {
                "p50_ms": statistics.median(times) * 1000,
                "p99_ms": _percentile(times, 99) * 1000,
                "queries": query_count,
            }
    return results


def _owner(email: str):
    from agencyaccess.accounts.models import User

    return User.objects.get(email=email)


def _get(browser, url: str) -> None:
    response = browser.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")


def _timed(browser, url: str) -> float:
    started = time.perf_counter()
    _get(browser, url)
    return time.perf_counter() - started


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def print_results(name: str, results: dict) -> None:
    print(f"{name}: {results['seconds_to_seed']:.1f} s to seed the big agency")
    print(
        f"  {'page':<22} {'p50 big':>9} {'small':>8} {'empty':>8} {'big/small':>9} "
        f"{'big/empty':>9} {'p99 big':>9} {'empty':>8}  queries big/small/empty"
    )
    for page, row in results["pages"].items():
        big, small, empty = row["big"], row["small"], row["empty"]
        print(
            f"  {page:<22} {big['p50_ms']:>7.1f}ms {small['p50_ms']:>6.1f}ms "
            f"{empty['p50_ms']:>6.1f}ms {big['p50_ms'] / small['p50_ms']:>8.1f}x "
            f"{big['p50_ms'] / empty['p50_ms']:>8.1f}x {big['p99_ms']:>7.1f}ms "
            f"{empty['p99_ms']:>6.1f}ms  {big['queries']}/{small['queries']}/{empty['queries']}"
        )
    print()


if __name__ == "__main__":
    main()
