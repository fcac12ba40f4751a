"""GET /api/clients/find: the agency's clients with an e-mail address (Zapier's Find Client)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencyaccess.apikeys.models import ApiKey
from agencyaccess.clients.models import Client
from agencyaccess.test import BaseTestCase

INVALID_EMAIL = "email must be a valid e-mail address, such as jane@example.com."


class ClientFindTests(BaseTestCase):
    def find(self, email: str | None = None, key: str | None = None):
        params = {} if email is None else {"email": email}
        return self.api_get("/api/clients/find", key or self.alice_key, **params)

    def clients_named(self, data: list[dict]) -> list[str]:
        return [client["name"] for client in data]

    def test_jane_is_found_in_retrieves_shape_in_any_case_and_spacing(self):
        retrieved = self.assertOk(
            self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)
        )
        for email in ("jane@example.com", "JANE@Example.COM", "  jane@example.com\t"):
            with self.subTest(email):
                self.assertEqual(self.assertOk(self.find(email)), [retrieved])

    def test_an_address_stored_in_capitals_is_found_too(self):
        Client.objects.filter(pk=self.jane.pk).update(email="Jane.Doe@Example.com")
        self.assertEqual(
            self.clients_named(self.assertOk(self.find("jane.doe@example.COM"))), ["Jane Doe"]
        )

    def test_nobody_with_that_address_is_an_empty_list(self):
        self.assertEqual(self.assertOk(self.find("nobody@example.com")), [])
        # Neither a substring search nor a pattern.
        for email in ("jane@example.co", "_ane@example.com", "%@example.com"):
            self.assertEqual(self.assertOk(self.find(email)), [])

    def test_several_clients_newest_first_at_most_ten(self):
        now = timezone.now()
        for n in range(12):
            Client.objects.create(
                agency=self.agency_a,
                name=f"Shared {n}",
                email="shared@example.com",
                created=now - timedelta(days=12 - n),
            )

        data = self.assertOk(self.find("Shared@example.com"))

        self.assertEqual(self.clients_named(data), [f"Shared {n}" for n in range(11, 1, -1)])

    def test_only_the_agencys_own_clients(self):
        Client.objects.create(agency=self.agency_b, name="Charlie's Jane", email="jane@example.com")
        self.assertEqual(
            self.clients_named(self.assertOk(self.find("jane@example.com"))), ["Jane Doe"]
        )
        charlies = self.assertOk(self.find("jane@example.com", self.charlie_key))
        self.assertEqual(self.clients_named(charlies), ["Charlie's Jane"])
        self.assertEqual(self.assertOk(self.find("carl@example.com")), [])

    def test_a_malformed_address_is_a_bad_request(self):
        for params, msg in [
            (None, "email is required."),
            ("", INVALID_EMAIL),
            ("   ", INVALID_EMAIL),
            ("jane", INVALID_EMAIL),
            ("jane@", INVALID_EMAIL),
            ("jane@example.com%", INVALID_EMAIL),
            ("j" * 250 + "@example.com", "email must be at most 254 characters."),
            ("jane@example.com\x00", "email must not contain NUL characters."),
        ]:
            with self.subTest(params=str(params)[:40]):
                self.assertError(self.find(params), 400, msg)

    def test_it_needs_the_clients_retrieve_capability(self):
        _, key = ApiKey.issue(self.agency_a, "Links only", ["links:retrieve", "clients:create"])
        self.assertError(
            self.find("jane@example.com", key),
            403,
            "This API key lacks the clients:retrieve capability (Retrieve Customer). "
            "Create a key that has it.",
        )

    def test_without_a_valid_key_it_is_401(self):
        self.assertError(self.api_get("/api/clients/find", email="jane@example.com"), 401)

    def test_the_query_count_does_not_grow_with_the_matches(self):
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=timezone.now())
        with CaptureQueriesContext(connection) as one:
            self.assertOk(self.find("jane@example.com"))
        for n in range(9):
            Client.objects.create(agency=self.agency_a, name=f"Jane {n}", email="JANE@example.com")
        # The key, the rate-limit counter, the clients.
        with self.assertNumQueries(3):
            self.assertEqual(len(self.assertOk(self.find("jane@example.com"))), 10)
        self.assertEqual(len(one), 3)
