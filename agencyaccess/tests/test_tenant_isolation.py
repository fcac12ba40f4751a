"""As Charlie, touch Alice's things: the answer never tells they exist, and nothing changes."""

from typing import Any

from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import EventType, WebhookEndpoint
from agencyaccess.notify.zapier import subscribe
from agencyaccess.test import BaseTestCase

ZAP_TARGET = "https://hooks.zapier.com/hooks/standard/1/alice/"


class TenantIsolationTests(BaseTestCase):
    alices_zap: WebhookEndpoint

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.alices_zap = subscribe(cls.alice_key_row, "client_created", ZAP_TARGET)
        emit(
            cls.agency_a.pk,
            EventType.CLIENT_CREATED,
            {"client": cls.jane.as_api(), "source": "api"},
            dedupe_key="jane",
        )

    def snapshot(self) -> dict[str, Any]:
        """Everything of Alice's that the API could change."""
        return {
            "clients": list(Client.objects.filter(agency=self.agency_a).order_by("pk").values()),
            "links": list(Link.objects.filter(agency=self.agency_a).order_by("pk").values()),
            "services": list(
                RequestedService.objects.filter(link__agency=self.agency_a).order_by("pk").values()
            ),
            "account_links": list(
                RequestedAccountLink.objects.filter(requested_service__link__agency=self.agency_a)
                .order_by("pk")
                .values()
            ),
            "endpoints": list(
                WebhookEndpoint.objects.filter(agency=self.agency_a).order_by("pk").values()
            ),
            "all_links": Link.objects.count(),
            "all_clients": Client.objects.count(),
        }

    def setUp(self) -> None:
        super().setUp()
        self.before = self.snapshot()

    def tearDown(self) -> None:
        self.assertEqual(self.snapshot(), self.before)
        super().tearDown()

    def charlies_requested_accounts(self, account_id: str) -> dict[str, Any]:
        return {
            "Google": {"Google Ads": {"requestedAccountLinks": [{"internalAccountID": account_id}]}}
        }

    def test_charlie_cannot_retrieve_jane(self):
        r = self.api_get("/api/clients/retrieve", self.charlie_key, id=self.jane.public_id)
        unknown = self.api_get("/api/clients/retrieve", self.charlie_key, id="NoSuchClientAtAll000")
        self.assertError(r, 404, f'No client of your agency has the id "{self.jane.public_id}".')
        self.assertError(unknown, 404)
        self.assertNotIn(b"Jane", r.content)

    def test_charlie_cannot_update_jane(self):
        r = self.api_post(
            "/api/clients/update",
            {"id": self.jane.public_id, "name": "Hacked", "metadata": {"owner": "Charlie"}},
            self.charlie_key,
        )
        self.assertError(r, 404, f'No client of your agency has the id "{self.jane.public_id}".')

    def test_charlie_cannot_create_a_link_for_jane(self):
        r = self.api_post(
            "/api/links/create",
            {
                "clientID": self.jane.public_id,
                "requestedAccounts": self.charlies_requested_accounts(self.google_b.public_id),
            },
            self.charlie_key,
        )
        self.assertError(r, 400, "Please provide a valid clientID")

    def test_charlie_cannot_send_access_to_alices_account(self):
        r = self.api_post(
            "/api/links/create",
            {
                "clientID": self.charlies_client.public_id,
                "requestedAccounts": self.charlies_requested_accounts(self.google_a.public_id),
            },
            self.charlie_key,
        )
        self.assertError(
            r,
            400,
            "requestedAccounts.Google.Google Ads.requestedAccountLinks[0].internalAccountID: "
            f'"{self.google_a.public_id}" is not a connected Google account of your agency, '
            "which Google Ads needs.",
        )

    def test_charlie_cannot_retrieve_alices_link(self):
        r = self.api_get("/api/links/retrieve", self.charlie_key, id=self.link.public_id)
        self.assertError(r, 404, f'No link of your agency has the id "{self.link.public_id}".')
        self.assertNotIn(self.jane.public_id.encode(), r.content)

    def test_charlie_cannot_update_alices_link(self):
        r = self.api_post(
            "/api/links/update",
            {
                "id": self.link.public_id,
                "requestedAccounts": self.charlies_requested_accounts(self.google_b.public_id),
            },
            self.charlie_key,
        )
        self.assertError(r, 404, f'No link of your agency has the id "{self.link.public_id}".')

    def test_charlie_cannot_point_his_link_at_alices_account(self):
        r = self.api_post(
            "/api/links/update",
            {
                "id": self.charlies_link.public_id,
                "requestedAccounts": self.charlies_requested_accounts(self.google_a.public_id),
            },
            self.charlie_key,
        )
        self.assertError(r, 400)

    def test_alices_key_cannot_reach_charlies_things_either(self):
        self.assertError(
            self.api_get(
                "/api/clients/retrieve", self.alice_key, id=self.charlies_client.public_id
            ),
            404,
        )
        self.assertError(
            self.api_get("/api/links/retrieve", self.alice_key, id=self.charlies_link.public_id),
            404,
        )

    def test_charlie_works_on_his_own_things_as_usual(self):
        data = self.assertOk(
            self.api_get(
                "/api/clients/retrieve", self.charlie_key, id=self.charlies_client.public_id
            )
        )
        self.assertEqual(data["name"], "Carl")
        self.assertOk(
            self.api_get("/api/links/retrieve", self.charlie_key, id=self.charlies_link.public_id)
        )

    def test_charlie_cannot_unsubscribe_alices_zap(self):
        r = self.api_post(
            "/api/hooks/unsubscribe", {"id": self.alices_zap.public_id}, self.charlie_key
        )
        self.assertError(
            r,
            404,
            f'No Zapier subscription of your agency has the id "{self.alices_zap.public_id}".',
        )

    def test_charlies_subscription_to_the_same_target_is_his_own(self):
        r = self.api_post(
            "/api/hooks/subscribe",
            {"event": "client_created", "target_url": ZAP_TARGET},
            self.charlie_key,
        )
        self.assertEqual(r.status_code, 201)
        self.assertNotEqual(r.json()["data"]["id"], self.alices_zap.public_id)
        charlies = WebhookEndpoint.objects.get(public_id=r.json()["data"]["id"])
        self.assertEqual((charlies.agency, charlies.api_key), (self.agency_b, self.charlie_key_row))

    def test_charlie_sees_no_sample_of_alices_events(self):
        [sample] = self.assertOk(
            self.api_get("/api/hooks/sample", self.charlie_key, event="client_created")
        )
        self.assertEqual(sample["event_id"], "SampleEvent000000000")
        [alices] = self.assertOk(
            self.api_get("/api/hooks/sample", self.alice_key, event="client_created")
        )
        self.assertEqual(alices["client"]["id"], self.jane.public_id)

    def test_charlie_cannot_find_jane_by_her_address(self):
        found = self.assertOk(
            self.api_get("/api/clients/find", self.charlie_key, email="jane@example.com")
        )
        self.assertEqual(found, [])

    def test_charlies_key_is_about_charlies_agency(self):
        data = self.assertOk(self.api_get("/api/me", self.charlie_key))
        self.assertEqual(data["agency"], {"id": self.agency_b.public_id, "name": "Charlie Ltd"})
