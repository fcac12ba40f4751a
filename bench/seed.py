"""The benchmark's data, and the query count of each endpoint, measured in-process.

Run by bench/api.py as a subprocess with AGENCYACCESS_DATA_DIR / DATABASE_URL / SECRET_KEY set
for a throwaway database: it prepares the database the way `agencyaccess serve` does (migrate,
createcachetable, collectstatic), seeds it, and prints one JSON object on stdout.

The query counts are taken twice: on a database holding only one agency with a one-service link,
and again after thousands of clients and links (of this agency and of another) and a link with
many services and account links were added. A count that does not grow with the data is the
same in both.
"""

import argparse
import json
import os
import sys
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyaccess.settings")

# The benchmark key must never be throttled; the limit is an unsigned 32-bit column on PostgreSQL.
UNTHROTTLED = 1_000_000_000
MCC_ID = "1234567890"


def prepare_database() -> None:
    """What `agencyaccess serve` does before starting gunicorn."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def seed_agency() -> dict[str, Any]:
    """The agency under test, its key, a client, connected accounts and a one-service link."""
    from agencyaccess.accounts.actions import create_agency
    from agencyaccess.apikeys.capabilities import API_CAPABILITIES
    from agencyaccess.apikeys.models import ApiKey
    from agencyaccess.clients.models import Client
    from agencyaccess.links.actions import create_link, parse_services
    from agencyaccess.platforms.models import ConnectedAccount

    agency = create_agency("Bench Agency", "bench@example.com")
    api_key, key = ApiKey.issue(agency, "Bench key", list(API_CAPABILITIES))
    api_key.rate_limit_per_minute = UNTHROTTLED
    api_key.save(update_fields=["rate_limit_per_minute"])

    accounts = {
        "google": [
            ConnectedAccount.objects.create(
                agency=agency,
                platform="google",
                name=f"Bench Google {n}",
                email=f"ads{n}@bench-agency.example",
                fields={"google_ads_manager_ids": [MCC_ID]},
            )
            for n in (1, 2)
        ],
        "meta": [
            ConnectedAccount.objects.create(
                agency=agency,
                platform="meta",
                name=f"Bench Business {n}",
                fields={"business_id": f"10000000000000{n}"},
            )
            for n in (1, 2)
        ],
    }
    client = Client.objects.create(
        agency=agency,
        name="Jane Doe",
        email="jane@example.com",
        company="Jane's Bakery",
        website="janes-bakery.example",
        language="en",
        metadata={"source": "bench", "plan": "gold", "crm_id": "48213"},
    )
    small_body = small_create_body(client.public_id, accounts)
    small_link = create_link(
        client, parse_services(agency.pk, client, small_body["requestedAccounts"])
    )
    return {
        "agency": agency,
        "key": key,
        "client": client,
        "accounts": accounts,
        "small_link": small_link,
        "small_body": small_body,
    }


def small_create_body(client_id: str, accounts) -> dict[str, Any]:
    google = accounts["google"][0].public_id
    return {
        "clientID": client_id,
        "requestedAccounts": {
            "Google": {"Google Ads": {"requestedAccountLinks": [{"internalAccountID": google}]}}
        },
    }


def realistic_create_body(client_id: str, accounts) -> dict[str, Any]:
    """A link as an agency sends it: eight Google and Meta services, two accounts each."""
    google = [{"internalAccountID": a.public_id} for a in accounts["google"]]
    meta = [{"internalAccountID": a.public_id} for a in accounts["meta"]]
    return {
        "clientID": client_id,
        "requestedAccounts": {
            "Google": {
                "Google Ads": {
                    "accessLevel": "standard",
                    "requestedAccountLinks": [
                        google[0] | {"googleAdsMCCAccountID": "123-456-7890"},
                        google[1],
                    ],
                },
                "Google Analytics": {"accessLevel": "EDITOR", "requestedAccountLinks": google},
                "Google Tag Manager": {"requestedAccountLinks": google},
                "Google Search Console": {"accessLevel": "full", "requestedAccountLinks": google},
            },
            "Meta": {
                "Meta Ads": {"accessLevel": "ADVERTISE", "requestedAccountLinks": meta},
                "Facebook Pages": {"requestedAccountLinks": meta},
                "Instagram": {"accessLevel": "analyze", "requestedAccountLinks": meta},
                "Meta Pixels": {"requested": False, "requestedAccountLinks": meta},
            },
        },
        "thankYouMessage": "Thank you! We will be in touch within a day.",
        "redirect": "https://bench-agency.example/thanks",
        "cc": [{"name": "Account Manager", "email": "am@bench-agency.example"}],
    }


def seed_bulk(agency, accounts, rows: int) -> None:
    """`rows` clients and links with three services each, for this agency and for another."""
    from agencyaccess.accounts.actions import create_agency
    from agencyaccess.clients.models import Client
    from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService
    from agencyaccess.platforms.models import ConnectedAccount

    other = create_agency("Other Agency", "other@example.com")
    other_accounts = {
        "google": [
            ConnectedAccount.objects.create(
                agency=other, platform="google", email="ads@other.example"
            )
        ],
        "meta": [
            ConnectedAccount.objects.create(
                agency=other, platform="meta", fields={"business_id": "200000000000001"}
            )
        ],
    }
    services = (
        ("google", "google_ads", "STANDARD"),
        ("google", "google_analytics", "EDITOR"),
        ("meta", "meta_ads", "ADVERTISE"),
    )
    for owner, owned_accounts in ((agency, accounts), (other, other_accounts)):
        clients = Client.objects.bulk_create(
            (
                Client(
                    agency=owner,
                    name=f"Client {n}",
                    email=f"client{n}@example.com",
                    company=f"Company {n}",
                    metadata={"n": str(n)},
                )
                for n in range(rows)
            ),
            batch_size=500,
        )
        links = Link.objects.bulk_create(
            (Link(agency=owner, client=client) for client in clients), batch_size=500
        )
        requested = RequestedService.objects.bulk_create(
            (
                RequestedService(
                    link=link,
                    platform=platform,
                    service_key=service,
                    access_level=level,
                    position=position,
                )
                for link in links
                for position, (platform, service, level) in enumerate(services)
            ),
            batch_size=500,
        )
        RequestedAccountLink.objects.bulk_create(
            (
                RequestedAccountLink(
                    requested_service=row, connected_account=owned_accounts[row.platform][0]
                )
                for row in requested
            ),
            batch_size=500,
        )
    # A live database has planner statistics (autovacuum, or the worker's analyze job on SQLite);
    # right after a bulk load it has none, and PostgreSQL then picks sequential scans.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def count_queries(seeded, link_id: str, client_id: str, create_body) -> dict[str, Any]:
    """Queries each endpoint makes, once warm (the key's once-a-minute last_used write is
    already done), with the SQL for reference."""
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    http = HttpClient()
    headers = {"X-Auth": seeded["key"]}
    requests = {
        "links/retrieve": lambda: http.get("/api/links/retrieve", {"id": link_id}, headers=headers),
        "links/create": lambda: http.post(
            "/api/links/create",
            json.dumps(create_body),
            content_type="application/json",
            headers=headers,
        ),
        "clients/retrieve": lambda: http.get(
            "/api/clients/retrieve", {"id": client_id}, headers=headers
        ),
    }
    counts: dict[str, Any] = {}
    for endpoint, send in requests.items():
        warm = send()
        assert warm.status_code == 200, (endpoint, warm.status_code, warm.content)
        with CaptureQueriesContext(connection) as captured:
            response = send()
        assert response.status_code == 200, (endpoint, response.status_code, response.content)
        counts[endpoint] = {
            "queries": len(captured.captured_queries),
            "sql": [q["sql"] for q in captured.captured_queries],
        }
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    django.setup()

    from django.db import connection

    from agencyaccess.clients.models import Client
    from agencyaccess.links.actions import create_link, parse_services
    from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService

    prepare_database()
    seeded = seed_agency()
    agency, accounts, client = seeded["agency"], seeded["accounts"], seeded["client"]
    small = count_queries(
        seeded, seeded["small_link"].public_id, client.public_id, seeded["small_body"]
    )

    seed_bulk(agency, accounts, args.rows)
    body = realistic_create_body(client.public_id, accounts)
    link = create_link(
        client,
        parse_services(agency.pk, client, body["requestedAccounts"]),
        thank_you_message=body["thankYouMessage"],
        redirect="bench-agency.example/thanks",
        cc=body["cc"],
    )
    some_client = Client.objects.filter(agency=agency).order_by("-id")[args.rows // 2]
    large = count_queries(seeded, link.public_id, some_client.public_id, body)

    json.dump(
        {
            "vendor": connection.vendor,
            "key": seeded["key"],
            "client_id": client.public_id,
            "link_id": link.public_id,
            "create_body": body,
            "rows": {
                "clients": Client.objects.count(),
                "links": Link.objects.count(),
                "requested services": RequestedService.objects.count(),
                "account links": RequestedAccountLink.objects.count(),
            },
            "link_size": {
                "services": link.services.count(),
                "account links": RequestedAccountLink.objects.filter(
                    requested_service__link=link
                ).count(),
            },
            "small_link_size": {"services": 1, "account links": 1},
            "queries": {"small": small, "large": large},
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
