"""`agencyaccess seed_clients`, which fills an agency for bench/dashboard.py, and the worker's
statistics job that keeps SQLite's search plans right at that size."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection

from agencyaccess.clients.jobs import analyze_sqlite
from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link
from agencyaccess.test import BaseTestCase


class SeedClientsTests(BaseTestCase):
    def seed(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("seed_clients", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_clients_and_a_link_for_every_nth(self):
        out, _ = self.seed(
            "--agency", self.agency_a.public_id, "--count", "45", "--links-every", "10"
        )
        self.assertEqual(out, "45\n")
        seeded = Client.objects.filter(agency=self.agency_a).exclude(pk=self.jane.pk)
        self.assertEqual(seeded.count(), 45)
        self.assertTrue(seeded.filter(type="Prospect").exists())
        links = Link.objects.filter(client__in=seeded)
        self.assertEqual(links.count(), 4)
        self.assertTrue(all(link.services.get().account_links.exists() for link in links))
        self.assertEqual(links.filter(completed__isnull=False).count(), 2)
        self.assertFalse(
            Client.objects.filter(agency=self.agency_b).exclude(pk=self.charlies_client.pk).exists()
        )

    def test_the_agency_by_its_owners_email(self):
        self.seed("--agency", "charlie@example.org", "--count", "3", "--links-every", "0")
        self.assertEqual(Client.objects.filter(agency=self.agency_b).count(), 4)

    def test_mistakes_are_one_line(self):
        self.google_b.delete()
        cases = {
            (
                "--agency",
                "nobody@example.com",
                "--count",
                "3",
            ): 'no agency has the id or owner e-mail "nobody@example.com"',
            ("--agency", "charlie@example.org", "--count", "0"): "--count must be at least 1",
            (
                "--agency",
                "charlie@example.org",
                "--count",
                "3",
            ): "the agency has no connected account",
        }
        for args, message in cases.items():
            with self.subTest(args=args), self.assertRaisesMessage(CommandError, message):
                self.seed(*args)


class AnalyzeTests(BaseTestCase):
    def test_statistics_are_gathered_on_sqlite(self):
        self.assertEqual(analyze_sqlite(), 0)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'clients_client'")
                self.assertGreater(cursor.fetchone()[0], 0)
