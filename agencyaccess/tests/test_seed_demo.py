import re
from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from agencyaccess.accounts.models import Agency, Membership, User
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.clients.models import Client
from agencyaccess.platforms.models import ConnectedAccount

KEY = re.compile(r"API key:\s+(aak_\w+)")
TRY_IT = re.compile(r'curl -s "(\S+)/api/clients/retrieve\?id=(\w+)" -H "X-Auth: (aak_\w+)"')


class SeedDemoTests(TestCase):
    def seed(self) -> str:
        stdout = StringIO()
        call_command("seed_demo", stdout=stdout)
        return stdout.getvalue()

    def counts(self) -> dict[str, int]:
        return {
            model.__name__: model.objects.count()
            for model in (Agency, User, Membership, Client, ConnectedAccount, ApiKey)
        }

    def test_it_creates_the_demo_agency_with_a_working_key(self):
        out = self.seed()

        agency = Agency.objects.get(name="Demo Agency")
        owner = agency.owner
        assert owner is not None
        self.assertEqual(owner.email, "demo@example.com")
        self.assertTrue(owner.check_password("demo-password"))
        self.assertEqual(
            sorted(agency.connected_accounts.values_list("platform", flat=True)),
            ["google", "meta", "shopify"],
        )
        match = KEY.search(out)
        assert match is not None, out
        api_key = ApiKey.objects.get(agency=agency)
        self.assertEqual(api_key.capabilities, list(API_CAPABILITIES))

        # The "Try it" line of the output answers with the demo client.
        try_it = TRY_IT.search(out)
        assert try_it is not None, out
        _, client_id, key = try_it.groups()
        self.assertEqual(key, match.group(1))
        r = self.client.get("/api/clients/retrieve", {"id": client_id}, headers={"X-Auth": key})
        self.assertEqual(r.json()["data"]["name"], "Jane Doe")

    def test_running_it_twice_creates_no_duplicates_and_rolls_the_key(self):
        first_key = KEY.search(self.seed()).group(1)  # type: ignore[union-attr]
        counts = self.counts()

        second_key = KEY.search(self.seed()).group(1)  # type: ignore[union-attr]

        self.assertEqual(self.counts(), counts)
        self.assertNotEqual(first_key, second_key)
        client_id = Client.objects.get(email="jane@example.com").public_id
        old = self.client.get(
            "/api/clients/retrieve", {"id": client_id}, headers={"X-Auth": first_key}
        )
        new = self.client.get(
            "/api/clients/retrieve", {"id": client_id}, headers={"X-Auth": second_key}
        )
        self.assertEqual((old.status_code, new.status_code), (401, 200))

    def test_it_keeps_changes_made_to_the_demo_data(self):
        self.seed()
        Client.objects.filter(email="jane@example.com").update(name="Jane Renamed")
        self.seed()
        self.assertEqual(Client.objects.get(email="jane@example.com").name, "Jane Renamed")
