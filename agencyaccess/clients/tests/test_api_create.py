from typing import Any

from agencyaccess.clients.models import Client
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.test import BaseTestCase

# The request body of the API guide's "Creating a Client", word for word.
GUIDE_BODY = {
    "name": "John Doe",
    "email": "john@example.com",
    "company": "Example Corp",
    "website": "https://example.com",
    "language": "English",
    "metadata": {"customField1": "value1", "customField2": "value2"},
}

VALID_EMAIL_MESSAGE = "email must be a valid e-mail address, such as jane@example.com."


class ClientCreateTests(BaseTestCase):
    def create(self, body: Any, key: str | None = None, **headers: str):
        return self.api_post("/api/clients/create", body, key or self.alice_key, **headers)

    def create_ok(self, **fields: Any) -> Client:
        public_id = self.assertOk(self.create({**GUIDE_BODY, **fields}))
        return Client.objects.get(public_id=public_id)

    def assertNothingCreated(self) -> None:
        self.assertEqual(Client.objects.count(), 2)  # Jane and Charlie's client

    def test_alice_creates_the_guides_client(self):
        r = self.create(GUIDE_BODY)

        public_id = self.assertOk(r)
        self.assertTrue(looks_like_public_id(public_id))
        client = Client.objects.get(public_id=public_id)
        self.assertEqual(client.agency, self.agency_a)
        self.assertEqual(client.name, "John Doe")
        self.assertEqual(client.email, "john@example.com")
        self.assertEqual(client.company, "Example Corp")
        self.assertEqual(client.website, "https://example.com")
        self.assertEqual(client.language, "en")
        self.assertEqual(client.type, "Client")
        self.assertEqual(client.metadata, {"customField1": "value1", "customField2": "value2"})

    def test_the_answer_is_the_guides_envelope_with_the_id_as_data(self):
        r = self.create(GUIDE_BODY)
        self.assertTrue(r["Content-Type"].startswith("application/json"))
        self.assertEqual(set(r.json()), {"error", "data"})
        self.assertIsInstance(r.json()["data"], str)

    def test_only_the_required_fields_are_needed(self):
        public_id = self.assertOk(
            self.create({"name": "Ann", "email": "ann@example.com", "language": "Dutch"})
        )
        client = Client.objects.get(public_id=public_id)
        self.assertEqual((client.company, client.website, client.metadata), ("", "", {}))
        self.assertEqual(client.type, "Client")

    def test_optional_fields_sent_as_null_are_not_given(self):
        client = self.create_ok(company=None, website=None, metadata=None, type=None)
        self.assertEqual((client.company, client.website, client.metadata), ("", "", {}))
        self.assertEqual(client.type, "Client")

    def test_language_names_are_accepted_in_any_case_and_as_codes(self):
        for sent, stored in [
            ("English", "en"),
            ("ENGLISH", "en"),
            ("spanish", "es"),
            ("DuTcH", "nl"),
            (" Spanish ", "es"),
            ("nl", "nl"),
            ("ES", "es"),
            ("german", "de"),
            ("FRENCH", "fr"),
            ("Portuguese", "pt"),
            ("italian", "it"),
            ("Polish", "pl"),
            ("PL", "pl"),
        ]:
            with self.subTest(sent):
                self.assertEqual(self.create_ok(language=sent).language, stored)

    def test_an_unknown_language_is_refused(self):
        for sent in ["Swedish", "", "eng", "Englishh", "pt-br"]:
            with self.subTest(sent):
                self.assertError(
                    self.create({**GUIDE_BODY, "language": sent}),
                    400,
                    'language must be one of "English", "Spanish", "Dutch", "German", "French", '
                    '"Portuguese", "Italian" or "Polish".',
                )
        self.assertNothingCreated()

    def test_the_client_type_is_client_or_prospect_in_any_case(self):
        self.assertEqual(self.create_ok(type="Prospect").type, "Prospect")
        self.assertEqual(self.create_ok(type="prospect").type, "Prospect")
        self.assertEqual(self.create_ok(type="CLIENT").type, "Client")
        self.assertError(
            self.create({**GUIDE_BODY, "type": "Lead"}), 400, 'type must be "Client" or "Prospect".'
        )

    def test_invalid_emails_are_refused(self):
        for email in ["", "john", "john@", "@example.com", "john@example", "john doe@example.com"]:
            with self.subTest(email):
                self.assertError(
                    self.create({**GUIDE_BODY, "email": email}), 400, VALID_EMAIL_MESSAGE
                )
        self.assertNothingCreated()

    def test_spaces_around_the_email_and_name_are_dropped(self):
        client = self.create_ok(email="  john@example.com ", name="  John Doe  ")
        self.assertEqual((client.email, client.name), ("john@example.com", "John Doe"))

    def test_line_breaks_in_the_name_become_spaces(self):
        # The name goes into the To: header of the client's e-mails, where none can be.
        client = self.create_ok(name="John\r\nDoe\r", company="Example\nCorp")
        self.assertEqual((client.name, client.company), ("John Doe", "Example Corp"))
        update = {"id": client.public_id, "name": "Johnny\rDoe"}
        self.assertOk(self.api_post("/api/clients/update", update, self.alice_key))
        client.refresh_from_db()
        self.assertEqual(client.name, "Johnny Doe")

    def test_the_website_may_come_with_or_without_its_scheme(self):
        self.assertEqual(self.create_ok(website="example.com").website, "example.com")
        self.assertEqual(
            self.create_ok(website="http://example.com/shop").website, "http://example.com/shop"
        )
        self.assertEqual(self.create_ok(website="").website, "")

    def test_a_website_that_is_not_a_web_address_is_refused(self):
        for website in ["not a website", "javascript:alert(1)", "ftp://example.com", "http://"]:
            with self.subTest(website):
                self.assertError(
                    self.create({**GUIDE_BODY, "website": website}),
                    400,
                    "website must be a web address, such as https://example.com.",
                )
        self.assertNothingCreated()

    def test_missing_required_fields_are_each_named(self):
        self.assertError(
            self.create({"company": "Example Corp"}),
            400,
            "name is required. email is required. language is required.",
        )
        self.assertNothingCreated()

    def test_fields_of_the_wrong_type_are_refused_not_guessed(self):
        self.assertError(
            self.create(
                {
                    "name": 5,
                    "email": True,
                    "company": ["Example"],
                    "website": {"url": "example.com"},
                    "language": 1,
                    "type": False,
                }
            ),
            400,
            "name must be a string. email must be a string. company must be a string. "
            "website must be a string. language must be a string. type must be a string.",
        )
        self.assertNothingCreated()

    def test_required_fields_sent_as_null_are_refused(self):
        self.assertError(
            self.create({**GUIDE_BODY, "name": None, "language": None}),
            400,
            "name must be a string. language must be a string.",
        )

    def test_an_empty_or_blank_name_is_refused(self):
        for name in ["", "   "]:
            with self.subTest(repr(name)):
                self.assertError(
                    self.create({**GUIDE_BODY, "name": name}), 400, "name must not be empty."
                )
        self.assertNothingCreated()

    def test_huge_strings_are_refused_with_the_limit(self):
        for field, value, message in [
            ("name", "n" * 201, "name must be at most 200 characters."),
            ("company", "c" * 201, "company must be at most 200 characters."),
            ("email", "e" * 250 + "@x.io", "email must be at most 254 characters."),
            ("website", "example.com/" + "p" * 500, "website must be at most 500 characters."),
        ]:
            with self.subTest(field):
                self.assertError(self.create({**GUIDE_BODY, field: value}), 400, message)
        self.assertNothingCreated()

    def test_strings_at_the_limit_are_accepted(self):
        client = self.create_ok(name="n" * 200, company="c" * 200)
        self.assertEqual((len(client.name), len(client.company)), (200, 200))

    def test_several_problems_are_reported_together(self):
        self.assertError(
            self.create({**GUIDE_BODY, "name": "", "email": "nope"}),
            400,
            "name must not be empty. " + VALID_EMAIL_MESSAGE,
        )

    def test_unknown_fields_are_ignored(self):
        client = self.create_ok(favouriteColour="blue")
        self.assertEqual(client.name, "John Doe")


class ClientCreateMetadataTests(BaseTestCase):
    def create(self, metadata: Any):
        return self.api_post(
            "/api/clients/create", {**GUIDE_BODY, "metadata": metadata}, self.alice_key
        )

    def test_metadata_values_must_be_strings(self):
        for value in [1, 1.5, True, None, {"nested": "x"}, ["x"]]:
            with self.subTest(value):
                self.assertError(
                    self.create({"plan": value}), 400, "metadata.plan must be a string."
                )
        self.assertEqual(Client.objects.count(), 2)

    def test_metadata_must_be_an_object(self):
        for value in [[], "plan=gold", 5]:
            with self.subTest(value):
                self.assertError(self.create(value), 400, "metadata must be an object.")

    def test_metadata_within_its_limits_is_kept(self):
        metadata = {f"k{i:02}" + "x" * 37: "v" * 500 for i in range(50)}
        public_id = self.assertOk(self.create(metadata))
        self.assertEqual(Client.objects.get(public_id=public_id).metadata, metadata)

    def test_metadata_beyond_its_limits_is_refused(self):
        self.assertError(
            self.create({f"k{i}": "v" for i in range(51)}),
            400,
            "metadata may hold at most 50 keys.",
        )
        self.assertError(
            self.create({"k" * 41: "v"}), 400, "metadata keys must be 1 to 40 characters long."
        )
        self.assertError(
            self.create({"": "v"}), 400, "metadata keys must be 1 to 40 characters long."
        )
        self.assertError(
            self.create({"plan": "v" * 501}),
            400,
            'metadata values must be at most 500 characters: "plan" is longer.',
        )
        self.assertEqual(Client.objects.count(), 2)
