from datetime import UTC, datetime

from django.utils import timezone

from agencyaccess.apikeys.models import ApiKey
from agencyaccess.clients.models import Client
from agencyaccess.test import BaseTestCase

# The fields of the API guide's "Retrieving a Client" response.
GUIDE_FIELDS = {
    "id",
    "name",
    "email",
    "company",
    "website",
    "language",
    "type",
    "created",
    "metadata",
}


class ClientRetrieveTests(BaseTestCase):
    def retrieve(self, public_id: str, key: str | None = None):
        return self.api_get("/api/clients/retrieve", key or self.alice_key, id=public_id)

    def test_alice_retrieves_jane_in_the_guides_shape(self):
        Client.objects.filter(pk=self.jane.pk).update(
            website="https://janes-bakery.example",
            language="es",
            metadata={"plan": "gold"},
            created=datetime(2025, 3, 14, 11, 19, 30, 10000, tzinfo=UTC),
        )

        data = self.assertOk(self.retrieve(self.jane.public_id))

        self.assertEqual(
            data,
            {
                "id": self.jane.public_id,
                "name": "Jane Doe",
                "email": "jane@example.com",
                "company": "Jane's Bakery",
                "website": "https://janes-bakery.example",
                "language": "Spanish",
                "type": "Client",
                "created": 1741951170010,  # the guide's own example moment, in milliseconds
                "metadata": {"plan": "gold"},
            },
        )

    def test_every_field_is_there_with_one_type_even_when_unset(self):
        bare = Client.objects.create(agency=self.agency_a, name="Bare", email="bare@example.com")

        data = self.assertOk(self.retrieve(bare.public_id))

        self.assertEqual(set(data), GUIDE_FIELDS)
        self.assertEqual((data["company"], data["website"], data["metadata"]), ("", "", {}))
        self.assertEqual(data["language"], "English")
        self.assertIsInstance(data["created"], int)

    def test_created_is_epoch_milliseconds(self):
        data = self.assertOk(self.retrieve(self.jane.public_id))
        self.assertEqual(data["created"], int(self.jane.created.timestamp() * 1000))
        now_ms = timezone.now().timestamp() * 1000
        self.assertLess(abs(data["created"] - now_ms), 60_000)

    def test_languages_and_types_come_back_by_their_canonical_names(self):
        for code, name in [("en", "English"), ("es", "Spanish"), ("nl", "Dutch")]:
            with self.subTest(code):
                Client.objects.filter(pk=self.jane.pk).update(language=code, type="Prospect")
                data = self.assertOk(self.retrieve(self.jane.public_id))
                self.assertEqual((data["language"], data["type"]), (name, "Prospect"))

    def test_an_unknown_id_is_not_found(self):
        self.assertError(
            self.retrieve("NoSuchClientAtAll000"),
            404,
            'No client of your agency has the id "NoSuchClientAtAll000".',
        )

    def test_a_missing_id_is_a_bad_request(self):
        self.assertError(
            self.api_get("/api/clients/retrieve", self.alice_key), 400, "id is required."
        )

    def test_bob_and_alice_share_the_agencys_clients(self):
        _, bobs_key = ApiKey.issue(self.agency_a, "Bob's key", ["clients:retrieve"])
        self.assertEqual(
            self.assertOk(self.retrieve(self.jane.public_id, bobs_key))["name"], "Jane Doe"
        )


class ClientRetrieveQueryCountTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A key used within the last minute: the request does not record its use again.
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=timezone.now())

    def test_retrieving_a_client_takes_a_constant_number_of_queries(self):
        # The key, the rate-limit counter, the client.
        with self.assertNumQueries(3):
            self.assertOk(
                self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)
            )

        Client.objects.filter(pk=self.jane.pk).update(
            metadata={f"key{i}": "value" for i in range(50)}
        )
        with self.assertNumQueries(3):
            self.assertOk(
                self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)
            )
