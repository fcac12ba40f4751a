"""The access inventory and its CSV: what a row shows, the filters, another agency's grants and
ids, the cost in queries whatever the number of grants."""

import csv
import io
from datetime import UTC, datetime

from agencyaccess.clients.models import Client
from agencyaccess.links.models import Grant, Link
from agencyaccess.platforms.base import GrantState
from agencyaccess.test import BaseTestCase

PAGE = "/inventory/"
CSV = "/inventory/export.csv"
GRANTED = datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC)
VERIFIED = datetime(2026, 6, 7, 8, 9, 10, tzinfo=UTC)


class InventoryTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def grant(self, link=None, **fields) -> Grant:
        values = {
            "link": link or self.link,
            "service_key": "google_ads",
            "connected_account": self.google_a,
            "asset_id": "customers/111",
            "asset_name": "Bakery Ads",
            "access_level": "STANDARD",
            "state": GrantState.ACTIVE,
        }
        return Grant.objects.create(**values | fields)

    def assets(self, response) -> list[str]:
        return [row.asset for row in response.context["rows"]]

    def csv_rows(self, response) -> list[list[str]]:
        self.assertEqual(response.status_code, 200)
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


class PageTests(InventoryTestCase):
    def test_a_row_shows_platform_asset_level_account_state_and_times(self):
        self.grant(created=GRANTED, last_verified=VERIFIED)
        r = self.client.get(PAGE)
        self.assertEqual(r.status_code, 200)
        (row,) = r.context["rows"]
        self.assertEqual(
            (row.platform, row.service, row.asset, row.level, row.receiving_account),
            ("Google", "Google Ads", "Bakery Ads", "Standard", "ads@alice.example"),
        )
        self.assertEqual(row.state, ("Active", "ok"))
        for text in ("Jane Doe", "customers/111", "Standard", "4 May 2026", "7 Jun 2026"):
            self.assertContains(r, text)
        self.assertContains(r, f'href="/links/{self.link.public_id}/"')

    def test_newest_first_and_the_grants_agency_is_its_links(self):
        older = self.grant(asset_id="1", asset_name="Older", created=GRANTED)
        self.grant(asset_id="2", asset_name="Newer")
        self.assertEqual(older.agency, self.agency_a)
        self.assertEqual(self.assets(self.client.get(PAGE)), ["Newer", "Older"])

    def test_members_see_it_too(self):
        self.grant()
        self.client.force_login(self.bob)
        self.assertEqual(self.assets(self.client.get(PAGE)), ["Bakery Ads"])
        self.assertContains(self.client.get("/clients/"), 'href="/inventory/"')

    def test_login_required(self):
        self.client.logout()
        self.assertEqual(self.client.get(PAGE).status_code, 302)
        self.assertEqual(self.client.get(CSV).status_code, 302)

    def test_an_empty_agency_says_what_the_page_is_for(self):
        self.assertContains(self.client.get(PAGE), "No access granted yet")

    def test_filters(self):
        self.grant(asset_id="a", asset_name="Google active")
        self.grant(asset_id="b", asset_name="Google failed", state=GrantState.FAILED)
        self.grant(
            asset_id="act_1",
            asset_name="Meta pending",
            service_key="meta_ads",
            connected_account=self.meta_a,
            access_level="MANAGE",
            state=GrantState.PENDING_CLIENT,
        )
        sam = Client.objects.create(agency=self.agency_a, name="Sam", email="sam@example.com")
        self.grant(link=Link.objects.create(agency=self.agency_a, client=sam), asset_name="Sam's")
        cases = {
            "platform": ({"platform": "meta"}, ["Meta pending"]),
            "state": ({"state": "failed"}, ["Google failed"]),
            "account": ({"account": self.meta_a.public_id}, ["Meta pending"]),
            "client": ({"client": sam.public_id}, ["Sam's"]),
            "search by name": ({"q": "PENDING"}, ["Meta pending"]),
            "search by id": ({"q": "act_"}, ["Meta pending"]),
            "together": (
                {"platform": "google", "client": self.jane.public_id},
                ["Google failed", "Google active"],
            ),
            "unknown platform: no filter": ({"platform": "myspace"}, None),
            "unknown state: no filter": ({"state": "sideways"}, None),
            "search with symbols": ({"q": "%_' OR 1=1"}, []),
        }
        everything = self.assets(self.client.get(PAGE))
        self.assertEqual(len(everything), 4)
        for name, (params, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(
                    self.assets(self.client.get(PAGE, params)),
                    everything if expected is None else expected,
                )
                exported = [row[4] for row in self.csv_rows(self.client.get(CSV, params))[1:]]
                self.assertEqual(exported, everything if expected is None else expected)

    def test_one_clients_page_is_reached_from_the_client(self):
        self.grant()
        self.assertContains(
            self.client.get(f"/clients/{self.jane.public_id}/"),
            f'href="/inventory/?client={self.jane.public_id}"',
        )
        r = self.client.get(PAGE, {"client": self.jane.public_id})
        self.assertContains(r, "Access held for Jane Doe")

    def test_queries_do_not_grow_with_the_grants(self):
        sam = Client.objects.create(agency=self.agency_a, name="Sam", email="sam@example.com")
        self.grant()

        def more():
            for n in range(60):
                client = Client.objects.create(
                    agency=self.agency_a, name=f"C{n}", email=f"c{n}@example.com"
                )
                link = Link.objects.create(agency=self.agency_a, client=client)
                account = self.meta_a if n % 2 else self.google_a
                self.grant(
                    link=link, asset_id=str(n), connected_account=account, last_verified=VERIFIED
                )
                self.grant(
                    link=Link.objects.create(agency=self.agency_a, client=sam), asset_id=f"s{n}"
                )

        for url in (PAGE, f"{PAGE}?state=active&q=bakery", f"{PAGE}?client={sam.public_id}"):
            with self.subTest(url=url):
                r = self.assertQueriesDoNotGrow(url, more)
                self.assertEqual(len(r.context["rows"]), 50)
                Grant.objects.exclude(link=self.link).delete()
                Client.objects.exclude(pk__in=[self.jane.pk, sam.pk]).filter(
                    agency=self.agency_a
                ).delete()


class IsolationTests(InventoryTestCase):
    def test_another_agencys_grants_are_never_listed_nor_exported(self):
        self.grant()
        Grant.objects.create(
            link=self.charlies_link,
            service_key="google_ads",
            connected_account=self.google_b,
            asset_id="customers/999",
            asset_name="Carl's Ads",
            access_level="STANDARD",
            state=GrantState.ACTIVE,
        )
        for params in ({}, {"q": "carl"}, {"platform": "google"}):
            with self.subTest(params=params):
                self.assertNotContains(self.client.get(PAGE, params), "Carl")
                self.assertNotIn("Carl", str(self.csv_rows(self.client.get(CSV, params))))

    def test_another_agencys_client_or_account_is_a_404(self):
        for params in (
            {"client": self.charlies_client.public_id},
            {"account": self.google_b.public_id},
            {"client": "not-an-id\x00"},
            {"account": "made-up"},
        ):
            with self.subTest(params=params):
                self.assertEqual(self.client.get(PAGE, params).status_code, 404)
                self.assertEqual(self.client.get(CSV, params).status_code, 404)


class CsvTests(InventoryTestCase):
    def test_every_column_and_formulas_made_harmless(self):
        self.jane.name = "@SUM(A1:A9)"
        self.jane.save()
        self.grant(
            asset_name="=cmd|' /C calc'!A0",
            asset_id="-1+1",
            created=GRANTED,
            last_verified=VERIFIED,
        )
        r = self.client.get(CSV, {"client": self.jane.public_id})
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(f'filename="access-{self.jane.public_id}-', r["Content-Disposition"])
        header, row = self.csv_rows(r)
        self.assertEqual(
            dict(zip(header, row, strict=True)),
            {
                "Client": "'@SUM(A1:A9)",
                "Client id": self.jane.public_id,
                "Platform": "Google",
                "Service": "Google Ads",
                "Asset": "'=cmd|' /C calc'!A0",
                "Asset id": "'-1+1",
                "Level": "Standard",
                "Receiving account": "ads@alice.example",
                "State": "Active",
                "Granted (UTC)": "2026-05-04T03:02:01Z",
                "Last verified (UTC)": "2026-06-07T08:09:10Z",
                "Link id": self.link.public_id,
            },
        )

    def test_the_export_streams_every_grant_from_one_query(self):
        for n in range(40):
            client = Client.objects.create(
                agency=self.agency_a, name=f"C{n}", email=f"c{n}@example.com"
            )
            self.grant(
                link=Link.objects.create(agency=self.agency_a, client=client), asset_id=str(n)
            )
        response = self.client.get(CSV)
        with self.assertNumQueries(1):  # however many grants
            self.assertEqual(len(self.csv_rows(response)), 41)
