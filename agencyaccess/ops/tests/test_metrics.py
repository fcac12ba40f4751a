"""/metrics: off without a token; with one, Prometheus's text format behind the token, the
requests per route, and the queues, e-mails, grants, deliveries and workers as the database
has them at the scrape."""

from datetime import timedelta
from unittest import mock

from django.db import OperationalError
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from agencyaccess.ops import heartbeat
from agencyaccess.ops.tests.queued import delivery_due, email_due, grant_check_due
from agencyaccess.test import BaseTestCase

TOKEN = "metrics-token-of-the-test"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}", "Host": "10.0.0.7:8000"}
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


class MetricsOffTests(BaseTestCase):
    def test_without_a_token_there_is_nothing_there(self):
        self.assertError(self.client.get("/metrics", headers={"Authorization": "Bearer "}), 404)

    def test_without_a_token_nothing_is_counted(self):
        with override_settings(METRICS_TOKEN=TOKEN):
            before = scrape(self)
        # A client of its own: the test client keeps the middleware it loaded for the scrape.
        Client().get("/account/login/")
        with override_settings(METRICS_TOKEN=TOKEN):
            after = scrape(self)
        self.assertEqual(requests(after, "/account/login/"), requests(before, "/account/login/"))


@override_settings(METRICS_TOKEN=TOKEN)
class MetricsTests(BaseTestCase):
    def test_a_wrong_or_missing_token_is_refused(self):
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": TOKEN}):
            response = self.client.get("/metrics", headers=headers)
            self.assertError(
                response, 401, "Send the metrics token: Authorization: Bearer <token>."
            )
            self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="metrics"')

    def test_requests_are_counted_and_timed_by_route_not_by_path(self):
        before = scrape(self)
        self.api_get("/api/links/retrieve", self.alice_key, id=self.link.public_id)
        self.client.get(f"/l/{self.link.public_id}/")
        self.client.get("/l/another-link-entirely/")
        self.client.get("/no/such/page/")
        self.client.generic("BREW", "/")
        after = scrape(self)

        self.assertEqual(
            requests(after, "/api/links/retrieve") - requests(before, "/api/links/retrieve"), 1
        )
        self.assertEqual(
            requests(after, "/l/<str:link_id>/") - requests(before, "/l/<str:link_id>/"), 2
        )
        self.assertEqual(requests(after, "(unmatched)") - requests(before, "(unmatched)"), 1)
        self.assertEqual(
            requests(after, "/", method="other") - requests(before, "/", method="other"), 1
        )
        latency = (
            "agencyaccess_http_request_duration_seconds_count",
            (("method", "GET"), ("route", "/api/links/retrieve")),
        )
        self.assertEqual(after[latency] - before.get(latency, 0), 1)
        # The probes and the scrapes themselves are not counted.
        self.assertFalse([key for key in after if ("route", "/metrics") in key[1]])

    def test_the_queues_are_read_at_the_scrape(self):
        email_due(self.link, timedelta(minutes=2))
        email_due(self.link, timedelta(seconds=10))
        delivery_due(self.link, timedelta(minutes=1))
        grant_check_due(self.link, self.google_a, timedelta(minutes=3))

        samples = scrape(self)

        def queue(name: str, queue: str) -> float:
            return samples[(name, (("queue", queue),))]

        self.assertEqual(queue("agencyaccess_queue_due_items", "emails"), 2)
        self.assertAlmostEqual(
            queue("agencyaccess_queue_oldest_due_seconds", "emails"), 120, delta=5
        )
        self.assertEqual(queue("agencyaccess_queue_due_items", "webhook_deliveries"), 1)
        self.assertEqual(queue("agencyaccess_queue_due_items", "grant_checks"), 1)
        self.assertAlmostEqual(
            queue("agencyaccess_queue_oldest_due_seconds", "grant_checks"), 180, delta=5
        )
        self.assertEqual(samples[("agencyaccess_emails", (("status", "queued"),))], 2)
        self.assertEqual(samples[("agencyaccess_emails", (("status", "sent"),))], 0)
        self.assertEqual(samples[("agencyaccess_grants", (("state", "pending_client"),))], 1)
        self.assertEqual(samples[("agencyaccess_webhook_deliveries", (("status", "pending"),))], 1)
        self.assertEqual(samples[("agencyaccess_database_up", ())], 1)

    def test_the_workers_heartbeat(self):
        self.assertNotIn(("agencyaccess_worker_heartbeat_age_seconds", ()), scrape(self))

        heartbeat.beat("worker-1")
        samples = scrape(self)
        self.assertLess(samples[("agencyaccess_worker_heartbeat_age_seconds", ())], 5)
        self.assertEqual(samples[("agencyaccess_workers_alive", ())], 1)

    def test_without_the_database_the_requests_are_still_reported(self):
        self.client.get("/account/login/")
        with (
            mock.patch("agencyaccess.ops.metrics.backlog", side_effect=OperationalError("down")),
            self.assertLogs("agencyaccess.ops.metrics", "WARNING"),
        ):
            samples = scrape(self)
        self.assertEqual(samples[("agencyaccess_database_up", ())], 0)
        self.assertGreater(requests(samples, "/account/login/"), 0)
        self.assertFalse([key for key in samples if key[0] == "agencyaccess_emails"])


def scrape(test: BaseTestCase) -> Samples:
    response = test.client.get("/metrics", headers=AUTHORIZED)
    test.assertEqual(response.status_code, 200, response.content)
    test.assertTrue(response["Content-Type"].startswith("text/plain; version="))
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def requests(samples: Samples, route: str, method: str = "GET") -> float:
    """Requests to the route with the method, whatever their status."""
    return sum(
        value
        for (name, labels), value in samples.items()
        if name == "agencyaccess_http_requests_total"
        and ("route", route) in labels
        and ("method", method) in labels
    )
