"""Fill an agency with many made-up clients (and some links), to see the dashboard at scale.

    agencyaccess seed_clients --agency AGENCY --count 100000 [--links-every 20]

Rows are written with bulk inserts in batches, inside one transaction, so 100,000 clients take
seconds; the links skip create_link's checks and events on purpose (they are test data, and
going through the workflow would make seeding minutes long). A progress bar goes to stderr;
stdout gets only the number of clients created.
"""

import itertools
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import TextIO

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog import platform_by_key
from agencyaccess.clients.jobs import analyze_sqlite
from agencyaccess.clients.models import Client, ClientType, Language
from agencyaccess.lib import commands
from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService, ServiceStatus
from agencyaccess.platforms.models import ConnectedAccount

BATCH = 5000

FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "David",
    "Emma",
    "Finn",
    "Grace",
    "Hugo",
    "Iris",
    "Jan",
    "Kim",
    "Lucas",
    "Maria",
    "Noah",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Sam",
    "Tess",
    "Umar",
    "Vera",
    "Wim",
    "Xena",
    "Yara",
    "Zoe",
    "Liam",
    "Sofia",
    "Lars",
    "Eva",
]
LAST = [
    "Smith",
    "Jansen",
    "Garcia",
    "Müller",
    "Vries",
    "Lopez",
    "Brown",
    "Bakker",
    "Martin",
    "Visser",
    "Rossi",
    "Meijer",
    "Silva",
    "Novak",
    "Dubois",
    "Peters",
    "Costa",
    "Mulder",
    "Weber",
    "Hansen",
    "Kowalski",
    "Fischer",
    "Santos",
    "Dijkstra",
    "Nieminen",
]
# 19 trades and 12 towns: every N-th client (the ones with links) still gets all of them.
TRADE = [
    "Bakery",
    "Dental",
    "Fitness",
    "Garden",
    "Hotel",
    "Interiors",
    "Jewels",
    "Kitchen",
    "Legal",
    "Motors",
    "Optics",
    "Pets",
    "Plumbing",
    "Print",
    "Realty",
    "Roofing",
    "Salon",
    "Studio",
    "Travel",
]
TOWN = [
    "Amsterdam",
    "Bilbao",
    "Cork",
    "Delft",
    "Essen",
    "Faro",
    "Ghent",
    "Haarlem",
    "Lyon",
    "Malaga",
    "Porto",
    "Utrecht",
]
# Two in three clients English-speaking, the rest Spanish or Dutch.
LANGUAGES = (Language.ENGLISH, Language.ENGLISH, Language.ENGLISH, Language.SPANISH, Language.DUTCH)


class Progress:
    """A one-line progress bar that redraws itself: done / total, percentage and rate."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.started = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        filled = self.WIDTH * self.done // self.total
        rate = self.done / max(time.monotonic() - self.started, 1e-9)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done:,}/{self.total:,} "
            f"{100 * self.done // self.total}% {rate:,.0f} clients/s"
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


class Command(commands.Command):
    help = "Add COUNT made-up clients to an agency, with a link for every N of them."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency id or its owner's e-mail")
        parser.add_argument("--count", type=int, required=True, help="how many clients to add")
        parser.add_argument(
            "--links-every",
            type=int,
            default=20,
            metavar="N",
            help="give every N-th client a link (default 20; 0 for none). Needs a connected account.",
        )

    def handle(self, *, agency, count, links_every, **options):
        agency = commands.agency_argument(agency)
        if count < 1 or links_every < 0:
            raise CommandError("--count must be at least 1 and --links-every at least 0")
        account = _receiving_account(agency) if links_every else None
        progress = Progress(count, sys.stderr)
        now = timezone.now()
        with transaction.atomic():
            for start in range(0, count, BATCH):
                size = min(BATCH, count - start)
                clients = Client.objects.bulk_create(
                    _clients(agency, range(start, start + size), now)
                )
                if account is not None:
                    _links(agency, clients[links_every - 1 :: links_every], account)
                progress.advance(size)
        progress.close()
        _analyze()
        self.stdout.write(str(count))


def _analyze() -> None:
    """Tidy up after a bulk load at once, where PostgreSQL's autovacuum would take a while and
    SQLite's statistics would wait for the worker. On PostgreSQL, VACUUM also moves the new rows
    from the trigram indexes' pending list into the indexes: until then every search reads the
    list (a search by id took 111 ms instead of 0.5 ms right after seeding 100,000 clients)."""
    if connection.vendor != "postgresql":
        analyze_sqlite()
        return
    tables = ", ".join(model._meta.db_table for model in (Client, Link, RequestedService))
    # VACUUM cannot run inside a transaction (a caller's, such as a test's): ANALYZE then.
    vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{vacuum} {tables}")


def _receiving_account(agency: Agency) -> ConnectedAccount:
    account = (
        ConnectedAccount.objects.filter(agency=agency, disconnected__isnull=True)
        .order_by("created")
        .first()
    )
    if account is None:
        raise CommandError(
            "the agency has no connected account to receive the links' access; add one "
            "(agencyaccess add_connected_account) or pass --links-every 0"
        )
    return account


def _clients(agency: Agency, numbers: range, now) -> Iterator[Client]:
    for n in numbers:
        first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
        trade, town = TRADE[n % len(TRADE)], TOWN[(n // len(TRADE)) % len(TOWN)]
        yield Client(
            agency=agency,
            name=f"{first} {last}",
            email=f"{first.lower()}.{n}@{trade.lower()}-{town.lower()}.example",
            company=f"{town} {trade} {n}",
            website=f"https://{trade.lower()}-{town.lower()}.example",
            language=LANGUAGES[n % len(LANGUAGES)],
            type=ClientType.PROSPECT if n % 7 == 3 else ClientType.CLIENT,
            metadata={"seed": str(n)} if n % 4 == 0 else {},
            # Newest first is the list's default order: spread the clients over time.
            created=now - timedelta(minutes=n),
        )


def _links(agency: Agency, clients: list[Client], account: ConnectedAccount) -> None:
    """One link per client asking for the account's platform's first service; every third one
    complete, the others waiting."""
    service = platform_by_key(account.platform).services[0]
    complete = itertools.cycle((True, False, False))
    links = Link.objects.bulk_create(
        Link(
            agency=agency,
            client=client,
            created=client.created,
            last_reminder=client.created,
            completed=client.created + timedelta(days=1) if done else None,
        )
        for client, done in zip(clients, complete, strict=False)
    )
    rows = RequestedService.objects.bulk_create(
        RequestedService(
            link=link,
            platform=account.platform,
            service_key=service.key,
            access_level=service.default,
            status=ServiceStatus.GRANTED if link.completed else ServiceStatus.PENDING,
        )
        for link in links
    )
    RequestedAccountLink.objects.bulk_create(
        RequestedAccountLink(requested_service=row, connected_account=account) for row in rows
    )
