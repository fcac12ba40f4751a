"""Zapier's REST hooks through the API: a Zap subscribes its target URL to a trigger, reads
sample events while it is set up, and unsubscribes when it is turned off."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencyaccess.apikeys.models import ApiKey
from agencyaccess.notify.events import CATALOGUE, emit
from agencyaccess.notify.models import Delivery, Event, EventType, WebhookEndpoint
from agencyaccess.notify.zapier import MAX_SUBSCRIPTIONS, TRIGGERS, zapier_body
from agencyaccess.test import BaseTestCase

TARGET = "https://hooks.zapier.com/hooks/standard/1234567/abcdef0123456789/"
TRIGGER_LIST = (
    "access_granted, client_created, intake_completed, service_granted, webhook_failed, "
    "grant_drifted, client_offboarded"
)
NOT_HTTPS = "target_url must be an absolute https URL, such as https://hooks.zapier.com/hooks/standard/1/2/."
PRIVATE = "target_url must not point to a private, loopback or link-local address."
LACKS_LINKS = (
    "This API key lacks the links:retrieve capability (Retrieve Link). Create a key that has it."
)
LACKS_CLIENTS = "This API key lacks the clients:retrieve capability (Retrieve Customer). Create a key that has it."


class HooksTestCase(BaseTestCase):
    def subscribe(self, body, key: str | None = None):
        return self.api_post("/api/hooks/subscribe", body, key or self.alice_key)

    def unsubscribe(self, body, key: str | None = None):
        return self.api_post("/api/hooks/unsubscribe", body, key or self.alice_key)

    def sample(self, key: str | None = None, **params):
        return self.api_get("/api/hooks/sample", key or self.alice_key, **params)

    def subscribed(self, event: str = "access_granted", target_url: str = TARGET) -> str:
        """Subscribe as Alice; the subscription's id."""
        return self.assertCreated(self.subscribe({"event": event, "target_url": target_url}))

    def assertCreated(self, response) -> str:
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()["data"]["id"]

    def key_with(self, *capabilities: str) -> str:
        return ApiKey.issue(self.agency_a, f"Key with {capabilities}", list(capabilities))[1]


class SubscribeTests(HooksTestCase):
    def test_a_zap_subscribes_and_gets_201_with_its_subscription(self):
        r = self.subscribe({"event": "access_granted", "target_url": TARGET})

        self.assertEqual(r.status_code, 201, r.content)
        body = r.json()
        self.assertIs(body["error"], False)
        [endpoint] = WebhookEndpoint.objects.all()
        self.assertEqual(
            body["data"],
            {"id": endpoint.public_id, "event": "access_granted", "target_url": TARGET},
        )
        self.assertEqual(endpoint.kind, WebhookEndpoint.Kind.ZAPIER)
        self.assertEqual(endpoint.agency, self.agency_a)
        self.assertEqual(endpoint.url, TARGET)
        self.assertEqual(endpoint.event_types, ["link.completed"])
        self.assertEqual(endpoint.api_key, self.alice_key_row)
        self.assertTrue(endpoint.is_active)

    def test_each_subscription_gets_its_own_signing_secret_encrypted_at_rest(self):
        self.subscribed("access_granted")
        self.subscribed("client_created")

        first, second = WebhookEndpoint.objects.order_by("pk")
        self.assertRegex(first.secret, r"^whsec_[A-Za-z0-9+/]{43}=$")  # 32 bytes
        self.assertNotEqual(first.secret, second.secret)
        self.assertNotIn(first.secret, first.secret_encrypted)

    def test_each_trigger_subscribes_to_its_one_event_type(self):
        for trigger, event_type in TRIGGERS.items():
            with self.subTest(trigger):
                public_id = self.subscribed(trigger)
                endpoint = WebhookEndpoint.objects.get(public_id=public_id)
                self.assertEqual(endpoint.event_types, [event_type.value])
        self.assertEqual(WebhookEndpoint.objects.count(), len(TRIGGERS))

    def test_subscribing_again_gives_the_subscription_the_key_has(self):
        first = self.subscribed()

        r = self.subscribe({"event": "access_granted", "target_url": TARGET})

        self.assertEqual(r.status_code, 201)
        self.assertEqual(r.json()["data"]["id"], first)
        self.assertEqual(WebhookEndpoint.objects.count(), 1)

    def test_another_trigger_url_or_key_is_another_subscription(self):
        first = self.subscribed()
        others = {
            self.subscribed("client_created"),
            self.subscribed(target_url=TARGET + "2/"),
            self.assertCreated(
                self.subscribe(
                    {"event": "access_granted", "target_url": TARGET},
                    self.key_with("links:retrieve"),
                )
            ),
        }
        self.assertEqual(len(others | {first}), 4)

    def test_a_disabled_subscription_is_not_given_again(self):
        first = self.subscribed()
        WebhookEndpoint.objects.update(is_active=False)
        self.assertNotEqual(self.subscribed(), first)

    def test_bad_bodies_are_refused_and_nothing_is_made(self):
        cases = [
            ({}, "event is required. target_url is required."),
            ({"target_url": TARGET}, "event is required."),
            ({"event": "access_granted"}, "target_url is required."),
            ({"event": 1, "target_url": TARGET}, "event must be a string."),
            ({"event": "access_granted", "target_url": ["x"]}, "target_url must be a string."),
            (
                {"event": None, "target_url": None},
                "event must be a string. target_url must be a string.",
            ),
            (
                {"event": "link.completed", "target_url": TARGET},
                f"event must be one of {TRIGGER_LIST}.",
            ),
            ({"event": "", "target_url": TARGET}, f"event must be one of {TRIGGER_LIST}."),
            (
                {"event": "access_granted\x00", "target_url": TARGET},
                "event must not contain NUL characters.",
            ),
            (
                {"event": "access_granted", "target_url": TARGET + "\x00"},
                "target_url must not contain NUL characters.",
            ),
            (
                {"event": "access_granted", "target_url": TARGET + "x" * (2001 - len(TARGET))},
                "target_url must be at most 2000 characters.",
            ),
            ({"event": "access_granted", "target_url": ""}, NOT_HTTPS),
            ({"event": "access_granted", "target_url": "hooks.zapier.com/hooks/1"}, NOT_HTTPS),
            ({"event": "access_granted", "target_url": "/hooks/standard/1/"}, NOT_HTTPS),
            ({"event": "access_granted", "target_url": "http://hooks.zapier.com/1/"}, NOT_HTTPS),
            ({"event": "access_granted", "target_url": "ftp://hooks.zapier.com/1/"}, NOT_HTTPS),
            ({"event": "access_granted", "target_url": "https://hooks zapier.com/"}, NOT_HTTPS),
            ({"event": "access_granted", "target_url": " " + TARGET}, NOT_HTTPS),
            (
                [{"event": "access_granted", "target_url": TARGET}],
                "The request body must be a JSON object.",
            ),
            ('{"event": "access_granted",', "The request body is not valid JSON."),
        ]
        for body, msg in cases:
            with self.subTest(body=body):
                self.assertError(self.subscribe(body), 400, msg)
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_private_and_loopback_addresses_are_refused(self):
        for host in (
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.10",
            "169.254.169.254",  # cloud metadata
            "0.0.0.0",  # noqa: S104 (an address refused, not bound)
            "100.64.0.1",  # carrier-grade NAT
            "[::1]",
            "[fd00::1]",
            "[fe80::1]",
            "[::ffff:127.0.0.1]",
            "localhost",
            "api.localhost",
            "LOCALHOST:8443",
        ):
            with self.subTest(host):
                r = self.subscribe(
                    {"event": "access_granted", "target_url": f"https://{host}/hook"}
                )
                self.assertError(r, 400, PRIVATE)
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_public_addresses_and_ports_are_taken(self):
        for url in (
            "https://93.184.215.14/hook",
            "https://[2606:2800:21f::1]/h",
            TARGET[:-1] + ":8443/",
        ):
            with self.subTest(url):
                self.subscribed(target_url=url)

    @override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True)
    def test_http_and_private_targets_are_taken_where_the_setting_allows_them(self):
        public_id = self.subscribed(target_url="http://127.0.0.1:8001/hook")
        self.assertEqual(
            WebhookEndpoint.objects.get(public_id=public_id).url, "http://127.0.0.1:8001/hook"
        )
        self.assertError(
            self.subscribe({"event": "access_granted", "target_url": "ftp://127.0.0.1/"}),
            400,
            "target_url must be an absolute http(s) URL, such as https://hooks.zapier.com/hooks/standard/1/2/.",
        )

    def test_an_agency_has_at_most_100_subscriptions(self):
        self.assertEqual(MAX_SUBSCRIPTIONS, 100)
        for n in range(MAX_SUBSCRIPTIONS):
            endpoint = WebhookEndpoint(
                agency=self.agency_a,
                kind=WebhookEndpoint.Kind.ZAPIER,
                url=f"{TARGET}{n}/",
                event_types=["link.completed"],
                api_key=self.alice_key_row,
            )
            endpoint.secret = "whsec_x"
            endpoint.save()

        r = self.subscribe({"event": "access_granted", "target_url": TARGET})

        self.assertError(
            r,
            409,
            "Your agency has 100 Zapier subscriptions, the most it can have: turn off Zaps you "
            "no longer use, then try again.",
        )
        self.assertEqual(WebhookEndpoint.objects.count(), MAX_SUBSCRIPTIONS)
        # One that exists is still given; Charlie's agency has its own allowance.
        self.assertCreated(self.subscribe({"event": "access_granted", "target_url": f"{TARGET}7/"}))
        self.assertCreated(
            self.subscribe({"event": "access_granted", "target_url": TARGET}, self.charlie_key)
        )

    def test_webhooks_the_agency_set_up_do_not_count_towards_the_limit(self):
        for n in range(MAX_SUBSCRIPTIONS):
            WebhookEndpoint.objects.create(agency=self.agency_a, url=f"{TARGET}{n}/")
        self.subscribed()

    def test_a_key_needs_the_capability_that_reads_what_the_event_carries(self):
        links_only, clients_only = (
            self.key_with("links:retrieve"),
            self.key_with("clients:retrieve"),
        )
        for trigger in ("access_granted", "intake_completed", "service_granted", "webhook_failed"):
            with self.subTest(trigger):
                body = {"event": trigger, "target_url": TARGET}
                self.assertError(self.subscribe(body, clients_only), 403, LACKS_LINKS)
                self.assertCreated(self.subscribe(body, links_only))
        body = {"event": "client_created", "target_url": TARGET}
        self.assertError(self.subscribe(body, links_only), 403, LACKS_CLIENTS)
        self.assertError(self.subscribe(body, self.key_with("clients:create")), 403, LACKS_CLIENTS)
        self.assertCreated(self.subscribe(body, clients_only))
        self.assertEqual(WebhookEndpoint.objects.count(), 5)

    def test_without_a_valid_key_it_is_401_and_nothing_is_made(self):
        body = {"event": "access_granted", "target_url": TARGET}
        self.assertError(
            self.api_post("/api/hooks/subscribe", body),
            401,
            "Missing API key: send your key in the X-Auth header.",
        )
        self.assertError(self.api_post("/api/hooks/subscribe", body, "aak_wrong"), 401)
        self.alice_key_row.revoke()
        self.assertError(self.subscribe(body), 401)
        self.assertFalse(WebhookEndpoint.objects.exists())


class UnsubscribeTests(HooksTestCase):
    def test_subscribe_then_unsubscribe_deletes_it_with_its_pending_deliveries(self):
        public_id = self.subscribed()
        emit(self.agency_a.pk, EventType.LINK_COMPLETED, {"id": "x"}, dedupe_key="t")
        endpoint = WebhookEndpoint.objects.get(public_id=public_id)
        Delivery.objects.create(event=Event.objects.get(), endpoint=endpoint)

        data = self.assertOk(self.unsubscribe({"id": public_id}))

        self.assertEqual(data, {"id": public_id})
        self.assertFalse(WebhookEndpoint.objects.exists())
        self.assertFalse(Delivery.objects.exists())
        self.assertTrue(Event.objects.exists())  # the event stays in the agency's history
        # Zapier may turn a Zap off twice: the second time there is nothing left.
        self.assertError(self.unsubscribe({"id": public_id}), 404)

    def test_after_unsubscribing_the_same_target_can_subscribe_anew(self):
        first = self.subscribed()
        self.assertOk(self.unsubscribe({"id": first}))
        self.assertNotEqual(self.subscribed(), first)
        self.assertEqual(WebhookEndpoint.objects.count(), 1)

    def test_any_key_of_the_agency_can_unsubscribe(self):
        public_id = self.subscribed()
        self.assertOk(self.unsubscribe({"id": public_id}, self.key_with()))
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_unknown_ids_and_webhooks_the_agency_set_up_are_not_found(self):
        webhook = WebhookEndpoint.objects.create(agency=self.agency_a, url=TARGET)
        self.subscribed()
        for public_id in (webhook.public_id, "NoSuchSubscription0", "short", "x" * 5000):
            with self.subTest(public_id=public_id[:30]):
                self.assertError(
                    self.unsubscribe({"id": public_id}),
                    404,
                    f'No Zapier subscription of your agency has the id "{public_id}".',
                )
        self.assertEqual(WebhookEndpoint.objects.count(), 2)

    def test_bad_bodies_are_refused(self):
        for body, msg in [
            ({}, "id is required."),
            ({"id": 5}, "id must be a string."),
            ({"id": None}, "id must be a string."),
            ({"id": "a\x00b"}, "id must not contain NUL characters."),
            ("[]", "The request body must be a JSON object."),
        ]:
            with self.subTest(body=body):
                self.assertError(self.unsubscribe(body), 400, msg)

    def test_without_a_valid_key_it_is_401_and_nothing_changes(self):
        public_id = self.subscribed()
        self.assertError(self.api_post("/api/hooks/unsubscribe", {"id": public_id}), 401)
        self.assertError(self.api_post("/api/hooks/unsubscribe", {"id": public_id}, "aak_x"), 401)
        self.assertTrue(WebhookEndpoint.objects.filter(public_id=public_id).exists())


class SampleTests(HooksTestCase):
    def setUp(self) -> None:
        super().setUp()
        # A key used within the last minute: a request does not record its use again.
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=timezone.now())

    def create_clients(self, *names: str) -> list[str]:
        return [
            self.assertOk(
                self.api_post(
                    "/api/clients/create",
                    {"name": name, "email": f"{name.lower()}@example.com", "language": "English"},
                    self.alice_key,
                )
            )
            for name in names
        ]

    def test_without_events_it_is_the_catalogues_example_as_a_zap_would_receive_it(self):
        for trigger, event_type in TRIGGERS.items():
            with self.subTest(trigger):
                data = self.assertOk(self.sample(event=trigger))
                example = CATALOGUE[event_type.value].example
                self.assertEqual(
                    data,
                    [
                        {
                            **example,
                            "event_id": "SampleEvent000000000",
                            "event_type": event_type.value,
                        }
                    ],
                )

    def test_the_three_newest_real_events_newest_first_exactly_as_sent(self):
        ids = self.create_clients("Ann", "Ben", "Cat", "Dan")

        data = self.assertOk(self.sample(event="client_created"))

        self.assertEqual([item["client"]["id"] for item in data], ids[:0:-1])
        events = Event.objects.filter(type="client.created").order_by("-occurred", "-id")[:3]
        self.assertEqual(data, [zapier_body(event.body) for event in events])
        self.assertEqual(data[0]["event_type"], "client.created")
        self.assertEqual(data[0]["source"], "api")
        self.assertEqual(data[0]["event_id"], events[0].public_id)

    def test_a_link_completed_by_its_client_is_access_granteds_sample(self):
        self.client.post(f"/l/{self.link.public_id}/skip/google_ads/")

        [item] = self.assertOk(self.sample(event="access_granted"))

        self.assertEqual(item["id"], self.link.public_id)
        self.assertEqual(item["client"]["email"], "jane@example.com")
        self.assertEqual(item["event_type"], "link.completed")
        self.assertEqual(item["event_id"], Event.objects.get(type="link.completed").public_id)

    def test_only_the_triggers_type_and_only_the_agencys_own_events(self):
        self.create_clients("Ann")
        self.api_post(
            "/api/clients/create",
            {"name": "Cid", "email": "cid@example.com", "language": "English"},
            self.charlie_key,
        )
        emit(self.agency_a.pk, EventType.LINK_OPENED, {"link_id": "x"}, dedupe_key="t")

        data = self.assertOk(self.sample(event="client_created"))
        self.assertEqual([item["client"]["name"] for item in data], ["Ann"])
        charlies = self.assertOk(self.sample(self.charlie_key, event="client_created"))
        self.assertEqual([item["client"]["name"] for item in charlies], ["Cid"])
        example = self.assertOk(self.sample(event="access_granted"))
        self.assertEqual(example[0]["event_id"], "SampleEvent000000000")

    def test_the_query_count_does_not_grow_with_the_events(self):
        with CaptureQueriesContext(connection) as none:
            self.assertOk(self.sample(event="client_created"))
        self.create_clients("Ann", "Ben", "Cat", "Dan")
        # The key, the rate-limit counter, the events.
        with self.assertNumQueries(3):
            self.assertEqual(len(self.assertOk(self.sample(event="client_created"))), 3)
        self.assertEqual(len(none), 3)

    def test_bad_queries_are_refused(self):
        for params, msg in [
            ({}, "event is required."),
            ({"event": "client.created"}, f"event must be one of {TRIGGER_LIST}."),
            ({"event": "x" * 5000}, f"event must be one of {TRIGGER_LIST}."),
            ({"event": "client_created\x00"}, "event must not contain NUL characters."),
        ]:
            with self.subTest(params=str(params)[:40]):
                self.assertError(self.sample(**params), 400, msg)

    def test_the_same_capabilities_as_subscribe(self):
        links_only, clients_only = (
            self.key_with("links:retrieve"),
            self.key_with("clients:retrieve"),
        )
        self.assertError(self.sample(clients_only, event="access_granted"), 403, LACKS_LINKS)
        self.assertError(self.sample(links_only, event="client_created"), 403, LACKS_CLIENTS)
        self.assertOk(self.sample(links_only, event="webhook_failed"))
        self.assertOk(self.sample(clients_only, event="client_created"))

    def test_without_a_valid_key_it_is_401(self):
        self.assertError(self.api_get("/api/hooks/sample", event="client_created"), 401)
        self.assertError(self.api_get("/api/hooks/sample", "aak_x", event="client_created"), 401)
