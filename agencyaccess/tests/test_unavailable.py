"""While the database cannot be reached: 503 with Retry-After, on the API and on the pages, and
one log line per kind of failure a minute instead of a traceback per request."""

import logging
from unittest import mock

import psycopg
from django.db import DatabaseError, OperationalError

from agencyaccess.lib import unavailable
from agencyaccess.lib.unavailable import LogThrottle, OnePerInterval
from agencyaccess.test import BaseTestCase

REFUSED = OperationalError("connection failed: Connection refused\nIs the server running?")
REFUSED.__cause__ = psycopg.OperationalError("connection failed: Connection refused")
UNAVAILABLE = {"error": True, "msg": unavailable.MESSAGE}


class UnavailableTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.raise_request_exception = False
        self.enterContext(mock.patch.object(unavailable, "_throttle", LogThrottle(60)))

    def assertUnavailable(self, response) -> None:
        self.assertEqual(response.status_code, 503, response.content)
        self.assertEqual(response["Retry-After"], "10")
        self.assertEqual(response["Cache-Control"], "no-store")

    def retrieve_jane(self):
        return self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)


class ApiUnavailableTests(UnavailableTestCase):
    def test_a_view_that_cannot_reach_the_database_answers_503_and_logs_one_line(self):
        with (
            mock.patch("agencyaccess.clients.models.Client.as_api", side_effect=REFUSED),
            self.assertLogs(level="WARNING") as logs,
        ):
            responses = [self.retrieve_jane() for _ in range(3)]

        for r in responses:
            self.assertUnavailable(r)
            self.assertEqual(r.json(), UNAVAILABLE)
        [record] = logs.records  # and nothing from django.request, which logs every 5xx
        self.assertEqual(
            record.getMessage(),
            "API: database unavailable, OperationalError: connection failed: Connection refused",
        )
        self.assertIsNone(record.exc_info)

    def test_a_key_lookup_that_cannot_reach_the_database_answers_503(self):
        with (
            mock.patch("agencyaccess.apikeys.models.ApiKeyQuerySet.for_key", side_effect=REFUSED),
            self.assertLogs("agencyaccess.lib.unavailable", "ERROR"),
        ):
            r = self.retrieve_jane()
        self.assertUnavailable(r)
        self.assertEqual(r.json(), UNAVAILABLE)

    def test_other_database_errors_stay_500s_with_their_traceback(self):
        with (
            mock.patch(
                "agencyaccess.clients.models.Client.as_api", side_effect=DatabaseError("a bug")
            ),
            self.assertLogs("agencyaccess.api", "ERROR") as logs,
        ):
            self.assertError(self.retrieve_jane(), 500)
        self.assertIsNotNone(logs.records[0].exc_info)


class PageUnavailableTests(UnavailableTestCase):
    def test_a_page_that_cannot_reach_the_database_answers_503_without_a_traceback(self):
        self.client.force_login(self.alice)
        with (
            mock.patch(
                "django.contrib.sessions.backends.db.SessionStore.load", side_effect=REFUSED
            ),
            self.assertLogs("agencyaccess.lib.unavailable", "ERROR") as logs,
            self.assertNoLogs("django.request", "ERROR"),
        ):
            r = self.client.get("/")

        self.assertUnavailable(r)
        self.assertContains(r, "Temporarily unavailable", status_code=503)
        self.assertIn("pages: database unavailable", logs.output[0])

    def test_other_crashes_are_still_the_500_page(self):
        with (
            mock.patch("agencyaccess.urls.redirect", side_effect=ZeroDivisionError),
            self.assertLogs("django.request", "ERROR") as logs,
        ):
            r = self.client.get("/")
        self.assertEqual(r.status_code, 500)
        self.assertNotIn("Retry-After", r)
        self.assertIs(logs.records[0].exc_info and logs.records[0].exc_info[0], ZeroDivisionError)


class LogThrottleTests(BaseTestCase):
    def test_one_line_per_kind_per_interval_then_how_many_were_held_back(self):
        throttle = LogThrottle(60)
        with mock.patch("agencyaccess.lib.unavailable.time.monotonic") as clock:
            clock.return_value = 1000.0
            admitted = [throttle.admit("refused"), throttle.admit("refused")]
            admitted.append(throttle.admit("pool timeout"))
            clock.return_value = 1059.0
            admitted.append(throttle.admit("refused"))
            clock.return_value = 1060.0
            admitted.append(throttle.admit("refused"))
            admitted.append(throttle.admit("refused"))

        self.assertEqual(admitted, [0, None, 0, None, 2, None])

    def test_the_pools_warnings_are_one_a_minute_then_say_how_many_were_held_back(self):
        one_per_interval = OnePerInterval()
        warnings = [
            logging.LogRecord(
                "psycopg.pool",
                logging.WARNING,
                "",
                0,
                "error connecting in %r: %s",
                ("pool-1", error),
                None,
            )
            for error in ("refused", "refused again", "and again")
        ]
        with mock.patch(
            "agencyaccess.lib.unavailable.time.monotonic", side_effect=[0.0, 1.0, 60.0]
        ):
            passed = [record for record in warnings if one_per_interval.filter(record)]

        self.assertEqual(
            [record.getMessage() for record in passed],
            [
                "error connecting in 'pool-1': refused",
                "error connecting in 'pool-1': and again (1 more since the last report)",
            ],
        )
