"""The dashboard's Webhooks page: Alice (the owner) manages her agency's endpoints; Bob (a
member) may not; Charlie never reaches Alice's endpoints or their deliveries. And the
`create_webhook` command."""

import re
from datetime import timedelta
from unittest import mock

from django.test import override_settings
from django.utils import timezone

from agencyaccess.lib import http
from agencyaccess.notify.deliveries import dispatch_events
from agencyaccess.notify.events import CATALOGUE, emit
from agencyaccess.notify.models import Delivery, DeliveryAttempt, Event, EventType, WebhookEndpoint
from agencyaccess.notify.webhooks import create_endpoint
from agencyaccess.test import BaseTestCase, run_command

SECRET = re.compile(r'value="(whsec_[A-Za-z0-9+/]{43}=)"')
PUBLIC = "93.184.216.34"


def resolving_to(address: str):
    return mock.patch.object(http, "resolve", return_value=[address])


class WebhookPagesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(resolving_to(PUBLIC))
        self.client.force_login(self.alice)
        self.endpoint, self.secret = create_endpoint(
            self.agency_a, "https://crm.alice.example/hooks", description="CRM"
        )
        self.url = f"/webhooks/{self.endpoint.public_id}/"

    def shown_secret(self, response) -> str:
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(
            response["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private"
        )
        found = SECRET.search(response.content.decode())
        assert found is not None
        return found.group(1)

    def deliveries(self, count: int, endpoint: WebhookEndpoint | None = None) -> list[Delivery]:
        endpoint = endpoint or self.endpoint
        made = []
        for n in range(count):
            key = f"{endpoint.public_id}:{n}:{Event.objects.count()}"
            emit(endpoint.agency_id, EventType.CLIENT_CREATED, {"n": n}, dedupe_key=key)
        dispatch_events()
        for delivery in Delivery.objects.filter(endpoint=endpoint, attempts=0):
            DeliveryAttempt.objects.create(delivery=delivery, number=1, status=500, error="")
            made.append(delivery)
        Delivery.objects.filter(pk__in=[d.pk for d in made]).update(status="failed", attempts=1)
        return made


class WebhookPagesTests(WebhookPagesTestCase):
    def test_the_list_shows_alices_endpoints_and_zapier_subscriptions(self):
        WebhookEndpoint.objects.filter(pk=self.endpoint.pk).update(
            failing_since=timezone.now() - timedelta(hours=3)
        )
        zap = WebhookEndpoint(
            agency=self.agency_a,
            kind="zapier",
            url="https://hooks.zapier.com/hooks/standard/1/abc/",
            event_types=["link.completed"],
        )
        zap.secret = "whsec_x"
        zap.save()
        create_endpoint(self.agency_b, "https://charlie.example/hooks")

        r = self.client.get("/webhooks/")
        self.assertContains(r, "<title>Webhooks · AgencyAccess</title>", html=False)
        self.assertContains(r, "https://crm.alice.example/hooks")
        self.assertContains(r, "Failing</strong> since")
        self.assertContains(r, "All events")
        self.assertContains(r, "hooks.zapier.com")
        self.assertContains(r, f'href="/webhooks/{zap.public_id}/delete/"')
        self.assertNotContains(r, "charlie.example")
        self.assertNotContains(r, self.secret)
        self.assertContains(r, 'href="/webhooks/" aria-current="page">Webhooks</a>', html=False)

    def test_adding_an_endpoint_shows_its_secret_once_and_keeps_it_encrypted(self):
        r = self.client.post(
            "/webhooks/new/",
            {
                "url": "https://erp.alice.example/in",
                "description": "ERP",
                "event_types": ["link.completed", "client.created"],
            },
        )
        secret = self.shown_secret(r)
        endpoint = WebhookEndpoint.objects.get(url="https://erp.alice.example/in")
        self.assertEqual(
            (endpoint.agency, endpoint.description, endpoint.event_types),
            (self.agency_a, "ERP", ["client.created", "link.completed"]),
        )
        self.assertEqual(endpoint.secret, secret)
        self.assertNotIn(secret, endpoint.secret_encrypted)
        self.assertNotContains(self.client.get(f"/webhooks/{endpoint.public_id}/"), secret)

    def test_the_form_offers_every_event_type_of_the_catalogue(self):
        r = self.client.get("/webhooks/new/")
        for event_type in CATALOGUE:
            self.assertContains(r, f'value="{event_type}"')

    def test_private_and_plain_http_addresses_are_refused_with_a_clear_message(self):
        cases = {
            "http://crm.alice.example/": "is not an https:// address",
            "https://localhost/": "localhost resolves to a private, loopback or link-local address",
            "https://10.0.0.8/": "10.0.0.8 is a private, loopback or link-local address",
            "https://[fe80::1]/": "fe80::1 is a private",
        }
        for url, message in cases.items():
            with self.subTest(url), resolving_to("127.0.0.1"):
                r = self.client.post("/webhooks/new/", {"url": url})
                self.assertContains(r, message, status_code=400)
                self.assertContains(r, "Use a public https:// address.", status_code=400)
        self.assertEqual(WebhookEndpoint.objects.count(), 1)

    @override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True)
    def test_with_private_targets_allowed_an_intranet_address_is_accepted(self):
        with resolving_to("10.0.0.8"):
            self.shown_secret(self.client.post("/webhooks/new/", {"url": "http://crm.lan/in"}))

    def test_editing_a_url_clears_the_failure_record(self):
        WebhookEndpoint.objects.update(failing_since=timezone.now())
        r = self.client.post(
            f"{self.url}edit/",
            {"url": "https://new.alice.example/hooks", "description": "New", "event_types": []},
        )
        self.assertRedirects(r, self.url)
        self.endpoint.refresh_from_db()
        self.assertEqual(self.endpoint.url, "https://new.alice.example/hooks")
        self.assertIsNone(self.endpoint.failing_since)
        self.assertEqual(self.endpoint.secret, self.secret)

    def test_disabling_then_enabling_clears_the_disabled_state(self):
        self.assertRedirects(self.client.post(f"{self.url}disable/"), self.url)
        self.endpoint.refresh_from_db()
        self.assertFalse(self.endpoint.is_active)
        self.assertEqual(self.endpoint.disabled_reason, "Disabled by alice@example.org.")
        self.assertContains(self.client.get(self.url), "Disabled</strong>")

        WebhookEndpoint.objects.update(failing_since=timezone.now())
        self.assertRedirects(self.client.post(f"{self.url}enable/"), self.url)
        self.endpoint.refresh_from_db()
        self.assertTrue(self.endpoint.is_active)
        self.assertEqual((self.endpoint.disabled_at, self.endpoint.failing_since), (None, None))

    def test_deleting_asks_first(self):
        self.assertContains(self.client.get(f"{self.url}delete/"), "It cannot be undone.")
        self.assertTrue(WebhookEndpoint.objects.filter(pk=self.endpoint.pk).exists())
        self.assertRedirects(self.client.post(f"{self.url}delete/"), "/webhooks/")
        self.assertFalse(WebhookEndpoint.objects.filter(pk=self.endpoint.pk).exists())

    def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_for_24_hours(self):
        self.assertContains(self.client.get(f"{self.url}rotate/"), "24 hours")
        new = self.shown_secret(self.client.post(f"{self.url}rotate/"))
        self.endpoint.refresh_from_db()
        self.assertNotEqual(new, self.secret)
        self.assertEqual(self.endpoint.signing_secrets(timezone.now()), [new, self.secret])
        later = timezone.now() + timedelta(hours=24, minutes=1)
        self.assertEqual(self.endpoint.signing_secrets(later), [new])

    def test_send_a_test_event_queues_one_delivery_to_this_endpoint(self):
        r = self.client.post(f"{self.url}test/", follow=True)
        self.assertContains(r, "A test event is on its way")
        [delivery] = Delivery.objects.all()
        self.assertEqual((delivery.endpoint, delivery.event.type), (self.endpoint, "webhook.test"))
        self.assertContains(r, "webhook.test")

    def test_the_delivery_log_costs_the_same_with_more_deliveries(self):
        self.deliveries(2)
        r = self.assertQueriesDoNotGrow(self.url, lambda: self.deliveries(5))
        self.assertContains(r, "HTTP 500", count=7)

    def test_resend_one_delivery(self):
        [delivery] = self.deliveries(1)
        r = self.client.post(f"{self.url}deliveries/{delivery.pk}/resend/", follow=True)
        self.assertContains(r, "same webhook-id")
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.single_attempt), ("pending", True))

    def test_recover_failed_deliveries_since_a_date(self):
        old, recent = self.deliveries(2)
        Delivery.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=3))
        since = (timezone.now() - timedelta(days=1)).date().isoformat()
        r = self.client.post(f"{self.url}recover/", {"since": since}, follow=True)
        self.assertContains(r, "1 failed delivery will be sent again.")
        statuses = dict(Delivery.objects.values_list("pk", "status"))
        self.assertEqual(statuses, {old.pk: "failed", recent.pk: "pending"})

    def test_recover_without_a_date_says_so(self):
        r = self.client.post(f"{self.url}recover/", {"since": ""}, follow=True)
        self.assertContains(r, "Choose a date.")

    def test_a_zapier_subscription_can_be_read_and_deleted_but_not_edited(self):
        WebhookEndpoint.objects.update(kind="zapier")
        for path in ("edit/", "rotate/"):
            self.assertEqual(self.client.get(f"{self.url}{path}").status_code, 404)
        self.assertEqual(self.client.post(f"{self.url}test/").status_code, 404)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertRedirects(self.client.post(f"{self.url}delete/"), "/webhooks/")


class WhoMayTests(WebhookPagesTestCase):
    def urls(self, endpoint: WebhookEndpoint, delivery: Delivery) -> list[tuple[str, str]]:
        base = f"/webhooks/{endpoint.public_id}/"
        return [
            ("get", base),
            ("get", f"{base}edit/"),
            ("post", f"{base}edit/"),
            ("post", f"{base}enable/"),
            ("post", f"{base}disable/"),
            ("get", f"{base}delete/"),
            ("post", f"{base}delete/"),
            ("get", f"{base}rotate/"),
            ("post", f"{base}rotate/"),
            ("post", f"{base}test/"),
            ("post", f"{base}recover/"),
            ("post", f"{base}deliveries/{delivery.pk}/resend/"),
        ]

    def test_members_get_403_and_no_menu_entry(self):
        [delivery] = self.deliveries(1)
        self.client.force_login(self.bob)
        for method, url in [
            ("get", "/webhooks/"),
            ("get", "/webhooks/new/"),
            *self.urls(self.endpoint, delivery),
        ]:
            with self.subTest(url, method=method):
                self.assertEqual(getattr(self.client, method)(url).status_code, 403)
        self.assertNotContains(self.client.get("/links/"), "/webhooks/")

    def test_charlie_cannot_see_or_touch_alices_endpoints_or_deliveries(self):
        [delivery] = self.deliveries(1)
        self.client.force_login(self.charlie)
        for method, url in self.urls(self.endpoint, delivery):
            with self.subTest(url, method=method):
                self.assertEqual(getattr(self.client, method)(url).status_code, 404)
        self.endpoint.refresh_from_db()
        self.assertTrue(self.endpoint.is_active)
        self.assertEqual(self.endpoint.secret, self.secret)
        self.assertEqual(Delivery.objects.get().status, "failed")

    def test_a_delivery_of_another_endpoint_is_not_found_under_this_one(self):
        charlies, _ = create_endpoint(self.agency_b, "https://charlie.example/hooks")
        [theirs] = self.deliveries(1, charlies)
        r = self.client.post(f"{self.url}deliveries/{theirs.pk}/resend/")
        self.assertEqual(r.status_code, 404)


class CreateWebhookCommandTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(resolving_to(PUBLIC))

    def test_it_prints_the_secret_and_nothing_else(self):
        result = run_command(
            "create_webhook",
            "--agency",
            self.agency_a.public_id,
            "--url",
            "https://crm.alice.example/hooks",
            "--events",
            "link.completed, client.created",
        )
        self.assertEqual((result.code, result.stderr), (0, ""))
        self.assertRegex(result.stdout, r"^whsec_[A-Za-z0-9+/]{43}=\n$")
        endpoint = WebhookEndpoint.objects.get()
        self.assertEqual(endpoint.secret, result.stdout.strip())
        self.assertEqual(endpoint.event_types, ["client.created", "link.completed"])
        self.assertEqual(endpoint.agency, self.agency_a)

    def test_without_events_it_gets_them_all(self):
        result = run_command(
            "create_webhook", "--agency", "alice@example.org", "--url", "https://a.example/"
        )
        self.assertEqual(result.code, 0)
        self.assertEqual(WebhookEndpoint.objects.get().event_types, [])

    def test_mistakes_are_one_line_on_stderr(self):
        cases = [
            (
                ["--url", "https://a.example/", "--events", "link.done"],
                "CommandError: Unknown event types: link.done. Known: client.created,",
            ),
            (["--url", "http://a.example/"], "CommandError: Events cannot be sent there:"),
        ]
        for args, message in cases:
            with self.subTest(args):
                result = run_command("create_webhook", "--agency", "alice@example.org", *args)
                self.assertNotEqual(result.code, 0)
                self.assertEqual(result.stdout, "")
                self.assertTrue(result.stderr.startswith(message), result.stderr)
                self.assertEqual(result.stderr.count("\n"), 1)
        with resolving_to("127.0.0.1"):
            result = run_command(
                "create_webhook", "--agency", "alice@example.org", "--url", "https://lo.example/"
            )
        self.assertIn("lo.example resolves to a private", result.stderr)
        self.assertFalse(WebhookEndpoint.objects.exists())
