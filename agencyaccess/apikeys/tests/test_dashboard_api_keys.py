"""The dashboard's API page: Alice (the owner) creates, rolls and revokes keys; Bob (a member)
may not; Charlie never reaches Alice's keys."""

import re

from django.test import Client

from agencyaccess.apikeys.models import ApiKey
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import Delivery, Event, EventType, WebhookEndpoint
from agencyaccess.test import BaseTestCase

ZAP_TARGET = "https://hooks.zapier.com/hooks/standard/1/2/"
KEY = re.compile(r'value="(aak_[A-Za-z0-9]+_[A-Za-z0-9]+)"')


class ApiKeysPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def shown_key(self, response) -> str:
        """The key the page shows (once)."""
        self.assertEqual(response.status_code, 200, response.content)
        found = KEY.search(response.content.decode())
        assert found is not None
        return found.group(1)

    def retrieve_link(self, key: str):
        return self.api_get("/api/links/retrieve", key, id=self.link.public_id)

    def create(self, name: str = "Zapier", capabilities=("links:retrieve",)):
        return self.client.post("/api-keys/new/", {"name": name, "capabilities": capabilities})

    def test_the_list_shows_alices_keys_with_the_guides_capability_names(self):
        r = self.client.get("/api-keys/")
        self.assertContains(r, "<title>API keys · AgencyAccess</title>", html=False)
        self.assertContains(r, "Alice&#x27;s key")
        self.assertContains(r, "Create Link, Retrieve Link, Edit Link, Create Customer")
        self.assertContains(r, f"aak_{self.alice_key_row.lookup}_…")
        self.assertContains(r, 'href="/api/docs"')
        self.assertNotContains(r, "Charlie")
        self.assertNotContains(r, self.alice_key)  # the secret is never shown again

    def test_the_list_costs_the_same_with_more_keys(self):
        def more_keys():
            for n in range(10):
                ApiKey.issue(self.agency_a, f"key {n}", ["links:create"])

        self.assertContains(self.assertQueriesDoNotGrow("/api-keys/", more_keys), "key 9")

    def test_a_revoked_key_is_not_listed(self):
        self.alice_key_row.revoke()
        self.assertNotContains(self.client.get("/api-keys/"), "Alice&#x27;s key")

    def test_the_create_form_offers_the_six_capabilities(self):
        r = self.client.get("/api-keys/new/")
        for name in ("Create Link", "Retrieve Link", "Edit Link", "Create Customer"):
            self.assertContains(r, name)
        self.assertContains(r, 'value="clients:edit"')

    def test_a_new_key_is_shown_once_and_works_with_its_capabilities(self):
        r = self.create("Zapier", ["links:retrieve"])
        key = self.shown_key(r)
        self.assertIn("no-store", r["Cache-Control"])
        self.assertContains(r, 'src="/static/apikeys/copy.js"')
        self.assertContains(r, 'data-copy="new-key"')

        row = ApiKey.objects.get(name="Zapier")
        self.assertEqual(row.agency, self.agency_a)
        self.assertEqual(row.capabilities, ["links:retrieve"])
        self.assertNotIn(key, str(ApiKey.objects.filter(pk=row.pk).values().get()))
        self.assertOk(self.retrieve_link(key))
        body = {"name": "Sam", "email": "sam@example.com", "language": "English"}
        self.assertError(self.api_post("/api/clients/create", body, key), 403)

        self.assertNotContains(self.client.get("/api-keys/"), key)
        self.assertNotIn(key, str(dict(self.client.session)))

    def test_capabilities_are_stored_in_the_guides_order(self):
        self.create("Both", ["clients:create", "links:create"])
        self.assertEqual(
            ApiKey.objects.get(name="Both").capabilities, ["links:create", "clients:create"]
        )

    def test_bad_input_is_refused_with_the_reason_and_creates_nothing(self):
        cases = {
            "no capability": ({"name": "x"}, "Choose at least one capability."),
            "unknown capability": (
                {"name": "x", "capabilities": ["links:delete"]},
                "Select a valid choice.",
            ),
            "no name": ({"capabilities": ["links:create"]}, "This field is required."),
            "huge name": (
                {"name": "x" * 101, "capabilities": ["links:create"]},
                "at most 100 characters",
            ),
            "name taken": (
                {"name": "Alice's key", "capabilities": ["links:create"]},
                "Another key has this name",
            ),
        }
        for case, (data, message) in cases.items():
            with self.subTest(case):
                r = self.client.post("/api-keys/new/", data)
                self.assertContains(r, message, status_code=400)
        self.assertEqual(ApiKey.objects.filter(agency=self.agency_a).count(), 1)

    def test_a_revoked_keys_name_can_be_used_again(self):
        self.alice_key_row.revoke()
        self.shown_key(self.create("Alice's key"))

    def test_rolling_asks_first_then_kills_the_old_key_at_once(self):
        r = self.client.get(f"/api-keys/{self.alice_key_row.lookup}/roll/")
        self.assertContains(r, "stops working at once")
        self.assertOk(self.retrieve_link(self.alice_key))

        new_key = self.shown_key(self.client.post(f"/api-keys/{self.alice_key_row.lookup}/roll/"))

        self.assertError(self.retrieve_link(self.alice_key), 401)
        self.assertOk(self.retrieve_link(new_key))
        rolled = ApiKey.objects.get(pk=self.alice_key_row.pk)
        self.assertEqual(rolled.name, "Alice's key")
        self.assertEqual(rolled.capabilities, self.alice_key_row.capabilities)

    def test_revoking_asks_first_then_the_key_stops_working(self):
        url = f"/api-keys/{self.alice_key_row.lookup}/revoke/"
        self.assertContains(self.client.get(url), "Revoke the key")
        self.assertOk(self.retrieve_link(self.alice_key))

        r = self.client.post(url, follow=True)

        self.assertContains(r, "was revoked")
        self.assertError(self.retrieve_link(self.alice_key), 401)
        self.assertEqual(self.client.post(url).status_code, 404)  # gone from the page too

    def test_revoking_a_key_ends_its_zapier_subscriptions_and_only_those(self):
        _, bobs_key = ApiKey.issue(self.agency_a, "Bob's key", ["links:retrieve"])
        for key in (self.alice_key, bobs_key, self.charlie_key):
            body = {"event": "access_granted", "target_url": ZAP_TARGET}
            self.assertEqual(self.api_post("/api/hooks/subscribe", body, key).status_code, 201)
        emit(self.agency_a.pk, EventType.LINK_COMPLETED, {"id": "x"}, dedupe_key="revoke")
        event = Event.objects.get()
        for endpoint in WebhookEndpoint.objects.all():
            Delivery.objects.create(event=event, endpoint=endpoint)

        self.client.post(f"/api-keys/{self.alice_key_row.lookup}/revoke/")

        self.assertEqual(
            set(WebhookEndpoint.objects.values_list("api_key__name", flat=True)),
            {"Bob's key", "Charlie's key"},
        )
        self.assertEqual(Delivery.objects.count(), 2)

    def test_rolling_a_key_keeps_its_zapier_subscriptions(self):
        body = {"event": "access_granted", "target_url": ZAP_TARGET}
        self.assertEqual(
            self.api_post("/api/hooks/subscribe", body, self.alice_key).status_code, 201
        )
        self.client.post(f"/api-keys/{self.alice_key_row.lookup}/roll/")
        self.assertEqual(WebhookEndpoint.objects.get().api_key, self.alice_key_row)

    def test_charlies_key_is_not_found_and_stays_as_it_was(self):
        lookup = self.charlie_key_row.lookup
        for url in (f"/api-keys/{lookup}/roll/", f"/api-keys/{lookup}/revoke/"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(self.client.post("/api-keys/NoSuchKeyAtAll/roll/").status_code, 404)
        charlies = self.api_get(
            "/api/links/retrieve", self.charlie_key, id=self.charlies_link.public_id
        )
        self.assertOk(charlies)
        self.assertIsNone(ApiKey.objects.get(pk=self.charlie_key_row.pk).revoked)

    def test_bob_a_member_is_refused_every_page_and_action(self):
        self.client.force_login(self.bob)
        lookup = self.alice_key_row.lookup
        for url in ("/api-keys/", "/api-keys/new/", f"/api-keys/{lookup}/roll/"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 403)
        for url in (f"/api-keys/{lookup}/roll/", f"/api-keys/{lookup}/revoke/"):
            with self.subTest(url):
                self.assertEqual(self.client.post(url).status_code, 403)
        self.assertEqual(self.create().status_code, 403)
        self.assertOk(self.retrieve_link(self.alice_key))
        self.assertEqual(ApiKey.objects.filter(agency=self.agency_a).count(), 1)

    def test_bob_does_not_see_the_api_page_in_the_menu(self):
        self.assertContains(self.client.get("/intake-form/"), 'href="/api-keys/"')
        self.client.force_login(self.bob)
        self.assertNotContains(self.client.get("/intake-form/"), 'href="/api-keys/"')

    def test_signed_out_visitors_are_sent_to_the_login(self):
        self.client.logout()
        r = self.client.get("/api-keys/")
        self.assertRedirects(r, "/account/login/?next=/api-keys/", fetch_redirect_response=False)

    def test_every_action_needs_the_csrf_token(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.alice)
        lookup = self.alice_key_row.lookup
        for url, data in (
            ("/api-keys/new/", {"name": "x", "capabilities": ["links:create"]}),
            (f"/api-keys/{lookup}/roll/", {}),
            (f"/api-keys/{lookup}/revoke/", {}),
        ):
            with self.subTest(url):
                self.assertEqual(browser.post(url, data).status_code, 403)
        self.assertOk(self.retrieve_link(self.alice_key))
        self.assertFalse(ApiKey.objects.filter(name="x").exists())
