"""/healthz and /readyz: as a load balancer, an orchestrator or a monitor asks them."""

from datetime import timedelta
from unittest import SkipTest, mock

import redis
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from agencyaccess.ops import heartbeat
from agencyaccess.ops.tests.queued import delivery_due, email_due, grant_check_due
from agencyaccess.test import BaseTestCase

# Asked by the machine's address, as a probe does: a host that ALLOWED_HOSTS does not list.
BY_ADDRESS = {"Host": "10.0.0.7:8000"}
LOCAL_REDIS = "redis://127.0.0.1:6379/0"
NO_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
QUEUES = ("emails", "webhook_deliveries", "grant_checks")


class HealthzTests(BaseTestCase):
    def test_the_process_answers_ok_whoever_the_host(self):
        response = self.client.get("/healthz", headers=BY_ADDRESS)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_it_asks_nothing_of_the_database(self):
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_only_get_and_head_are_answered(self):
        self.assertEqual(self.client.head("/healthz").status_code, 200)
        self.assertError(
            self.client.post("/healthz"), 405, "Method POST is not allowed on /healthz; use GET."
        )


class ReadyzTests(BaseTestCase):
    def setUp(self):
        heartbeat.beat("worker-1")

    def ready(self, status: int = 200) -> dict:
        response = self.client.get("/readyz", headers=BY_ADDRESS)
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Cache-Control"], "no-store")
        return response.json()

    def test_all_ok_names_each_check(self):
        body = self.ready()
        self.assertEqual((body["status"], body["failing"]), ("ok", []))
        self.assertEqual(set(body["checks"]), {"database", "worker", *QUEUES})
        self.assertTrue(all(check["ok"] for check in body["checks"].values()))
        self.assertLess(body["checks"]["worker"]["heartbeat_age_seconds"], 5)

    def test_without_any_worker_it_is_unavailable(self):
        heartbeat.WorkerHeartbeat.objects.all().delete()
        body = self.ready(503)
        self.assertEqual((body["status"], body["failing"]), ("unavailable", ["worker"]))
        self.assertEqual(body["checks"]["worker"]["error"], "no worker has started")

    def test_a_worker_silent_for_over_a_minute_fails_it(self):
        heartbeat.beat("worker-1", now=timezone.now() - timedelta(seconds=61))
        self.assertEqual(self.ready(503)["failing"], ["worker"])

        heartbeat.beat("worker-2")  # another worker still goes round: the work is done
        self.assertEqual(self.ready()["failing"], [])

    def test_an_email_due_for_over_five_minutes_fails_it(self):
        email_due(self.link, timedelta(minutes=4))
        self.assertEqual(self.ready()["failing"], [])

        email_due(self.link, timedelta(minutes=6))
        body = self.ready(503)
        self.assertEqual(body["failing"], ["emails"])
        self.assertGreater(body["checks"]["emails"]["oldest_due_seconds"], 6 * 60 - 1)

    def test_a_webhook_delivery_due_for_over_five_minutes_fails_it(self):
        delivery_due(self.link, timedelta(minutes=6))
        self.assertEqual(self.ready(503)["failing"], ["webhook_deliveries"])

    def test_deliveries_to_a_disabled_endpoint_are_not_waiting_on_a_worker(self):
        delivery_due(self.link, timedelta(hours=6), endpoint_active=False)
        self.assertEqual(self.ready()["failing"], [])

    def test_a_grant_check_overdue_by_over_fifteen_minutes_fails_it(self):
        grant_check_due(self.link, self.google_a, timedelta(minutes=16))
        self.assertEqual(self.ready(503)["failing"], ["grant_checks"])

    def test_without_the_database_it_names_it_and_says_only_what_failed(self):
        error = OperationalError('connection to server at "db.internal", port 5432 failed')
        with (
            mock.patch("agencyaccess.ops.health.connection.cursor", side_effect=error),
            self.assertLogs("agencyaccess.ops.health", "WARNING"),
        ):
            body = self.ready(503)
        self.assertEqual(body["failing"], ["database", "worker", *QUEUES])
        self.assertEqual(body["checks"]["database"], {"ok": False, "error": "OperationalError"})
        self.assertEqual(body["checks"]["emails"]["error"], "the database cannot be reached")
        self.assertNotIn("db.internal", str(body))

    @override_settings(REDIS_URL=NO_REDIS)
    def test_an_unreachable_redis_fails_it_when_configured(self):
        with self.assertLogs("agencyaccess.ops.health", "WARNING"):
            body = self.ready(503)
        self.assertEqual(body["failing"], ["redis"])
        self.assertEqual(body["checks"]["redis"], {"ok": False, "error": "ConnectionError"})

    @override_settings(REDIS_URL=LOCAL_REDIS)
    def test_a_reachable_redis_is_ok(self):
        try:
            redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            raise SkipTest(f"no Redis at {LOCAL_REDIS}") from None
        self.assertEqual(self.ready()["checks"]["redis"], {"ok": True})
