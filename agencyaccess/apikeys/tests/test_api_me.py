"""GET /api/me: the agency and the key, for Zapier's connection test and label."""

from django.utils import timezone

from agencyaccess.apikeys.models import ApiKey
from agencyaccess.test import BaseTestCase


class MeTests(BaseTestCase):
    def test_alices_key_names_her_agency_and_itself(self):
        data = self.assertOk(self.api_get("/api/me", self.alice_key))

        self.assertEqual(
            data,
            {
                "agency": {"id": self.agency_a.public_id, "name": "Alice & Co"},
                "key": {
                    "name": "Alice's key",
                    "capabilities": [
                        "links:create",
                        "links:retrieve",
                        "links:edit",
                        "clients:create",
                        "clients:retrieve",
                        "clients:edit",
                    ],
                },
            },
        )

    def test_any_valid_key_may_ask_even_one_without_capabilities(self):
        _, key = ApiKey.issue(self.agency_b, "Zapier", [])
        data = self.assertOk(self.api_get("/api/me", key))
        self.assertEqual(data["agency"], {"id": self.agency_b.public_id, "name": "Charlie Ltd"})
        self.assertEqual(data["key"], {"name": "Zapier", "capabilities": []})

    def test_without_a_valid_key_it_is_401(self):
        self.assertError(
            self.api_get("/api/me"), 401, "Missing API key: send your key in the X-Auth header."
        )
        self.assertError(
            self.api_get("/api/me", "aak_nope"),
            401,
            "Invalid API key: check the X-Auth header. A rolled or revoked key stops working at once.",
        )
        self.alice_key_row.revoke()
        self.assertError(self.api_get("/api/me", self.alice_key), 401)

    def test_it_takes_three_queries(self):
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=timezone.now())
        # The key, the rate-limit counter, the key's name with its agency.
        with self.assertNumQueries(3):
            self.assertOk(self.api_get("/api/me", self.alice_key))
