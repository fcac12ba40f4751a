"""The dashboard's list pages with 100,000 clients and 100,000 events in an agency, beside an
empty agency.

    .venv/bin/python bench/dashboard.py [--db sqlite|postgres|both] [--clients N] [--events N]
        [--requests N]

For each database (SQLite, and PostgreSQL when one answers at --postgres) it makes a throwaway
database, migrates it, seeds one agency with N clients (`agencyaccess seed_clients`, a link for
every 20th) and --events events on those links (the home's activity feed), a second with 60 of
each and a third with none, then asks each page --requests times as each agency's owner and
prints the server time (p50, p99), the ratios and the SQL queries per page.

Requests go through django.test.Client in the benchmark's process: the whole Django stack
(middleware, session, login and membership check, view, template) with no server, network or
client-side time around it, so the figures are the server's time alone. The PostgreSQL database
is dropped afterwards; the SQLite one lives in a temporary directory.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import page_timing

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/agencyaccess_bench_dash"
# A third agency with a little more than one page of clients: its pages render as many rows as
# the big agency's, so big/small is the cost of the size alone; big/empty adds the rendering.
SMALL = 60

# The pages measured, by name; {client} is a client id of the agency (for the id search),
# {link_client} one of a client with a link and events, {event} an event half-way down the feed.
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
    "activity: one type": "/links/?type=service.granted",
    "activity: one client": "/links/?client={link_client}",
    "activity: older page": "/links/?before={event}",
}
# The types of the seeded events, in turn.
EVENT_TYPES = ("link.opened", "service.granted", "service.skipped", "intake.completed")


def main() -> None:
    args = parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"Dashboard pages: an agency with {args.clients:,} clients and {args.events:,} events, "
        f"one with {SMALL} of each, one empty; "
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
    parser.add_argument("--events", type=int, default=100_000)
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
        f"--events={args.events}",
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
    seed_events(agencies["big"], args.events)
    seeding = time.perf_counter() - started
    seed_events(agencies["small"], SMALL)
    big = agencies["big"]
    # A client in the middle of the list: the id search must not find it by luck.
    some_client = Client.objects.filter(agency=big).order_by("name")[args.clients // 2].public_id
    ids = {who: _ids_of(agency, some_client) for who, agency in agencies.items()}

    results: dict = {"seconds_to_seed": seeding, "pages": {}}
    for page, path in PAGES.items():
        row = results["pages"][page] = {}
        for who in sizes:
            try:
                url = path.format(**ids[who])
            except KeyError:  # the empty agency has no event to page from
                continue
            browser = page_timing.owner_browser(f"{who}@bench.example")
            row[who] = page_timing.time_page(browser, url, args.requests, warmup=5)
    return results


def seed_events(agency, count: int) -> None:
    """`count` events on the agency's links, one a second up to now, of EVENT_TYPES in turn,
    with the catalogue's example data; already dispatched, so that no worker would send them."""
    from datetime import timedelta

    from django.utils import timezone

    from agencyaccess.lib.ids import new_public_id
    from agencyaccess.links.models import Link
    from agencyaccess.notify.events import CATALOGUE, envelope
    from agencyaccess.notify.models import Event

    links = list(
        Link.objects.filter(agency=agency).values_list(
            "pk", "public_id", "client_id", "client__public_id"
        )
    )
    now = timezone.now()
    batch = []
    for i in range(count):
        link_pk, link_id, client_pk, client_id = links[i % len(links)]
        event_type = EVENT_TYPES[i % len(EVENT_TYPES)]
        data = CATALOGUE[event_type].example | {"link_id": link_id, "client_id": client_id}
        occurred = now - timedelta(seconds=count - i)
        public_id = new_public_id()
        batch.append(
            Event(
                agency=agency,
                public_id=public_id,
                type=event_type,
                dedupe_key=f"bench:{agency.pk}:{i}",
                link_id=link_pk,
                client_id=client_pk,
                occurred=occurred,
                body=envelope(public_id, event_type, occurred, agency.public_id, data),
                endpoints_dispatched=now,
                teammates_notified=now,
            )
        )
        if len(batch) == 5000:
            Event.objects.bulk_create(batch)
            batch = []
    Event.objects.bulk_create(batch)


def _ids_of(agency, some_client: str) -> dict[str, str]:
    """The values of PAGES' placeholders for the agency: an event half-way down its feed and
    that event's client; none when it has no events."""
    from agencyaccess.notify.models import Event

    ids = {"client": some_client}
    events = Event.objects.filter(agency=agency).select_related("client")
    if count := events.count():
        middle = events.order_by("-occurred", "-id")[count // 2]
        ids |= {"event": middle.public_id, "link_client": middle.client.public_id}
    return ids


def print_results(name: str, results: dict) -> None:
    print(f"{name}: {results['seconds_to_seed']:.1f} s to seed the big agency")
    print(
        f"  {'page':<22} {'p50 big':>9} {'small':>8} {'empty':>8} {'big/small':>9} "
        f"{'big/empty':>9} {'p99 big':>9} {'empty':>8}  queries big/small/empty"
    )
    for page, row in results["pages"].items():
        big, small = row["big"], row["small"]
        # Pages that page from an event have no empty agency's figures.
        empty = row.get("empty", {"p50_ms": float("nan"), "p99_ms": float("nan"), "queries": "-"})
        print(
            f"  {page:<22} {big['p50_ms']:>7.1f}ms {small['p50_ms']:>6.1f}ms "
            f"{empty['p50_ms']:>6.1f}ms {big['p50_ms'] / small['p50_ms']:>8.1f}x "
            f"{big['p50_ms'] / empty['p50_ms']:>8.1f}x {big['p99_ms']:>7.1f}ms "
            f"{empty['p99_ms']:>6.1f}ms  {big['queries']}/{small['queries']}/{empty['queries']}"
        )
    print()


if __name__ == "__main__":
    main()
