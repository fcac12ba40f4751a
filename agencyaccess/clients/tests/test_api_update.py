from typing import Any

from agencyaccess.clients.models import Client
from agencyaccess.test import BaseTestCase


class ClientUpdateTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Client.objects.filter(pk=self.jane.pk).update(
            website="janes-bakery.example", metadata={"plan": "gold", "source": "fair"}
        )

    def update(self, key: str | None = None, **fields: Any):
        body = {"id": self.jane.public_id, **fields}
        return self.api_post("/api/clients/update", body, key or self.alice_key)

    def jane_now(self) -> Client:
        return Client.objects.get(pk=self.jane.pk)

    def assertJaneUnchanged(self) -> None:
        jane = self.jane_now()
        self.assertEqual(
            (jane.name, jane.email, jane.company, jane.website, jane.language, jane.type),
            (
                "Jane Doe",
                "jane@example.com",
                "Jane's Bakery",
                "janes-bakery.example",
                "en",
                "Client",
            ),
        )
        self.assertEqual(jane.metadata, {"plan": "gold", "source": "fair"})

    def test_alice_updates_jane_with_the_guides_body(self):
        r = self.update(
            name="John Doe Updated",
            email="john.new@example.com",
            company="New Company Name",
            website="https://newwebsite.com",
            language="Spanish",
            metadata={"updatedField": "newValue"},
        )

        self.assertEqual(self.assertOk(r), self.jane.public_id)
        jane = self.jane_now()
        self.assertEqual(jane.name, "John Doe Updated")
        self.assertEqual(jane.email, "john.new@example.com")
        self.assertEqual(jane.company, "New Company Name")
        self.assertEqual(jane.website, "https://newwebsite.com")
        self.assertEqual(jane.language, "es")
        self.assertEqual(
            jane.metadata, {"plan": "gold", "source": "fair", "updatedField": "newValue"}
        )
        retrieved = self.assertOk(
            self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)
        )
        self.assertEqual(retrieved["language"], "Spanish")

    def test_only_the_fields_sent_change(self):
        self.assertOk(self.update(company="Jane's Patisserie"))

        jane = self.jane_now()
        self.assertEqual(jane.company, "Jane's Patisserie")
        self.assertEqual(
            (jane.name, jane.email, jane.website),
            ("Jane Doe", "jane@example.com", "janes-bakery.example"),
        )
        self.assertEqual(jane.metadata, {"plan": "gold", "source": "fair"})

    def test_an_update_with_only_the_id_changes_nothing(self):
        self.assertOk(self.update())
        self.assertJaneUnchanged()

    def test_metadata_keys_are_merged_and_a_null_key_is_removed(self):
        self.assertOk(
            self.update(metadata={"plan": "platinum", "source": None, "owner": "Bob", "gone": None})
        )
        self.assertEqual(self.jane_now().metadata, {"plan": "platinum", "owner": "Bob"})

    def test_metadata_sent_as_null_or_empty_changes_nothing(self):
        self.assertOk(self.update(metadata=None))
        self.assertOk(self.update(metadata={}))
        self.assertEqual(self.jane_now().metadata, {"plan": "gold", "source": "fair"})

    def test_metadata_values_must_be_strings_or_null(self):
        for value in [1, False, ["x"], {"a": "b"}]:
            with self.subTest(value):
                self.assertError(
                    self.update(metadata={"plan": value}), 400, "metadata.plan must be a string."
                )
        self.assertJaneUnchanged()

    def test_metadata_may_not_grow_beyond_fifty_keys_after_the_merge(self):
        r = self.update(metadata={f"k{i}": "v" for i in range(49)})
        self.assertError(r, 400, "metadata may hold at most 50 keys after the update.")
        self.assertJaneUnchanged()

        self.assertOk(self.update(metadata={"source": None, **{f"k{i}": "v" for i in range(48)}}))
        self.assertEqual(len(self.jane_now().metadata), 49)

    def test_metadata_limits_apply_to_the_keys_sent(self):
        self.assertError(
            self.update(metadata={"k" * 41: "v"}),
            400,
            "metadata keys must be 1 to 40 characters long.",
        )
        self.assertError(
            self.update(metadata={"plan": "v" * 501}),
            400,
            'metadata values must be at most 500 characters: "plan" is longer.',
        )
        self.assertJaneUnchanged()

    def test_every_field_sent_as_null_keeps_its_value(self):
        fields = ["name", "email", "company", "website", "language", "metadata", "type"]
        self.assertOk(self.update(**dict.fromkeys(fields)))
        self.assertJaneUnchanged()
        for field in fields:
            with self.subTest(field):
                self.assertOk(self.update(**{field: None}))
                self.assertJaneUnchanged()

    def test_company_and_website_sent_empty_are_cleared(self):
        self.assertOk(self.update(company="", website=""))
        jane = self.jane_now()
        self.assertEqual((jane.company, jane.website), ("", ""))

    def test_language_in_any_case(self):
        self.assertOk(self.update(language="DUTCH"))
        self.assertEqual(self.jane_now().language, "nl")
        self.assertError(
            self.update(language="Klingon"),
            400,
            'language must be one of "English", "Spanish", "Dutch", "German", "French", '
            '"Portuguese", "Italian" or "Polish".',
        )

    def test_jane_becomes_a_prospect_and_back(self):
        self.assertOk(self.update(type="prospect"))
        self.assertEqual(self.jane_now().type, "Prospect")
        self.assertOk(self.update(type="Client"))
        self.assertEqual(self.jane_now().type, "Client")
        self.assertError(self.update(type="Lead"), 400, 'type must be "Client" or "Prospect".')

    def test_invalid_values_change_nothing_at_all(self):
        r = self.update(name="", email="not-an-email", company="Fine Company")
        self.assertError(
            r,
            400,
            "name must not be empty. email must be a valid e-mail address, such as jane@example.com.",
        )
        self.assertJaneUnchanged()

    def test_a_blank_name_is_refused(self):
        self.assertError(self.update(name="   "), 400, "name must not be empty.")
        self.assertJaneUnchanged()

    def test_wrong_types_are_refused(self):
        self.assertError(
            self.update(name=1, email=["jane@example.com"], website=True),
            400,
            "name must be a string. email must be a string. website must be a string.",
        )
        self.assertJaneUnchanged()

    def test_huge_strings_are_refused(self):
        self.assertError(self.update(name="n" * 201), 400, "name must be at most 200 characters.")
        self.assertError(
            self.update(company="c" * 201), 400, "company must be at most 200 characters."
        )
        self.assertJaneUnchanged()

    def test_the_id_is_required_and_must_be_a_string(self):
        self.assertError(
            self.api_post("/api/clients/update", {"name": "X"}, self.alice_key),
            400,
            "id is required.",
        )
        self.assertError(
            self.api_post("/api/clients/update", {"id": 5}, self.alice_key),
            400,
            "id must be a string.",
        )
        self.assertError(
            self.api_post("/api/clients/update", {"id": None}, self.alice_key),
            400,
            "id must be a string.",
        )
        self.assertJaneUnchanged()

    def test_an_unknown_id_is_not_found(self):
        r = self.api_post(
            "/api/clients/update", {"id": "NoSuchClientAtAll000", "name": "X"}, self.alice_key
        )
        self.assertError(r, 404, 'No client of your agency has the id "NoSuchClientAtAll000".')
        self.assertFalse(Client.objects.filter(name="X").exists())
