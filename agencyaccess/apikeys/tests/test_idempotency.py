import json
import threading
from datetime import timedelta
from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client as DjangoClient
from django.test import TransactionTestCase
from django.utils import timezone

from agencyaccess.apikeys import idempotency
from agencyaccess.apikeys.jobs import purge_idempotency_records
from agencyaccess.apikeys.models import ApiKey, IdempotentRequest
from agencyaccess.clients.models import Client
from agencyaccess.links.actions import create_link
from agencyaccess.links.models import Link
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.test import BaseTestCase

OTHER_BODY_MESSAGE = "This Idempotency-Key was already used with a different request. Use a new key for a new request."


class IdempotencyTestCase(BaseTestCase):
    def link_body(self, **fields: Any) -> dict[str, Any]:
        return {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}]
                    }
                }
            },
            **fields,
        }

    def create_link(self, body: Any, idempotency_key: str, key: str | None = None):
        return self.api_post(
            "/api/links/create", body, key or self.alice_key, **{"Idempotency-Key": idempotency_key}
        )

    def create_client(self, body: Any, idempotency_key: str, key: str | None = None):
        return self.api_post(
            "/api/clients/create",
            body,
            key or self.alice_key,
            **{"Idempotency-Key": idempotency_key},
        )


class LinkIdempotencyTests(IdempotencyTestCase):
    def test_a_retry_gets_the_first_answer_and_creates_nothing(self):
        first = self.assertOk(self.create_link(self.link_body(), "retry-1"))
        links = Link.objects.count()

        again = self.assertOk(self.create_link(self.link_body(), "retry-1"))

        self.assertEqual(again, first)
        self.assertEqual(Link.objects.count(), links)

    def test_the_same_key_with_another_body_is_a_conflict(self):
        first = self.assertOk(self.create_link(self.link_body(), "retry-1"))

        r = self.create_link(self.link_body(sendEmail=True), "retry-1")

        self.assertError(r, 409, OTHER_BODY_MESSAGE)
        self.assertFalse(Link.objects.exclude(public_id=first).filter(send_email=True).exists())

    def test_without_the_header_every_request_creates(self):
        r1 = self.api_post("/api/links/create", self.link_body(), self.alice_key)
        r2 = self.api_post("/api/links/create", self.link_body(), self.alice_key)
        self.assertNotEqual(self.assertOk(r1), self.assertOk(r2))
        self.assertFalse(IdempotentRequest.objects.exists())

    def test_different_keys_create_different_links(self):
        self.assertNotEqual(
            self.assertOk(self.create_link(self.link_body(), "a")),
            self.assertOk(self.create_link(self.link_body(), "b")),
        )

    def test_a_failed_request_does_not_use_up_the_key(self):
        self.assertError(
            self.create_link(self.link_body(clientID="NoSuchClientAtAll000"), "retry-1"), 400
        )
        self.assertError(self.create_link(self.link_body(redirect="javascript:x"), "retry-1"), 400)

        self.assertOk(self.create_link(self.link_body(), "retry-1"))
        self.assertEqual(IdempotentRequest.objects.count(), 1)

    def test_a_key_over_255_characters_is_refused(self):
        self.assertError(
            self.create_link(self.link_body(), "k" * 256),
            400,
            "Idempotency-Key must be at most 255 characters.",
        )
        self.assertEqual(Link.objects.count(), 2)
        self.assertOk(self.create_link(self.link_body(), "k" * 255))

    def test_a_key_with_a_nul_character_is_refused(self):
        self.assertError(
            self.create_link(self.link_body(), "retry\x00"),
            400,
            "Idempotency-Key must not contain NUL characters.",
        )
        self.assertEqual(Link.objects.count(), 2)

    def test_keys_are_scoped_to_the_api_key(self):
        alices = self.assertOk(self.create_link(self.link_body(), "shared"))
        charlies_body = {
            "clientID": self.charlies_client.public_id,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.google_b.public_id}]
                    }
                }
            },
        }
        charlies = self.assertOk(self.create_link(charlies_body, "shared", self.charlie_key))

        self.assertNotEqual(alices, charlies)
        self.assertEqual(Link.objects.get(public_id=charlies).agency, self.agency_b)

    def test_charlie_cannot_replay_alices_answer_with_her_key_name(self):
        alices = self.assertOk(self.create_link(self.link_body(), "shared"))
        r = self.create_link(self.link_body(), "shared", self.charlie_key)
        # Alice's client and account are no ids of Charlie's agency.
        msg = self.assertError(r, 400)["msg"]
        self.assertTrue(msg.startswith("Please provide a valid clientID. "), msg)
        self.assertIn("is not a connected Google account of your agency", msg)
        self.assertNotIn(alices, r.content.decode())

    def test_another_key_of_the_same_agency_has_its_own_keys(self):
        _, bobs_key = ApiKey.issue(self.agency_a, "Bob's key", ["links:create"])
        first = self.assertOk(self.create_link(self.link_body(), "same"))
        second = self.assertOk(self.create_link(self.link_body(), "same", bobs_key))
        self.assertNotEqual(first, second)

    def test_a_key_is_forgotten_after_a_day(self):
        first = self.assertOk(self.create_link(self.link_body(), "daily"))
        IdempotentRequest.objects.update(created=timezone.now() - timedelta(hours=25))

        second = self.assertOk(self.create_link(self.link_body(sendEmail=True), "daily"))

        self.assertNotEqual(first, second)

    def test_the_worker_purges_records_older_than_a_day(self):
        self.assertOk(self.create_link(self.link_body(), "old"))
        self.assertOk(self.create_link(self.link_body(), "new"))
        IdempotentRequest.objects.filter(key="old").update(
            created=timezone.now() - timedelta(hours=25)
        )

        self.assertEqual(purge_idempotency_records(), 1)
        self.assertEqual(list(IdempotentRequest.objects.values_list("key", flat=True)), ["new"])

    def test_a_request_that_crashed_after_creating_leaves_no_link_and_no_key(self):
        def create_then_crash(*args, **kwargs):
            create_link(*args, **kwargs)
            raise RuntimeError("the process died here")

        links = Link.objects.count()
        self.client.raise_request_exception = False
        with (
            mock.patch("agencyaccess.links.api.create_link", side_effect=create_then_crash),
            self.assertLogs("agencyaccess.api", "ERROR"),
        ):
            self.assertError(self.create_link(self.link_body(sendEmail=True), "crash"), 500)
        self.assertEqual(Link.objects.count(), links)
        self.assertFalse(OutgoingEmail.objects.exists(), "nor its invitation")
        self.assertFalse(IdempotentRequest.objects.exists())

        created = self.assertOk(self.create_link(self.link_body(sendEmail=True), "crash"))

        self.assertEqual(Link.objects.count(), links + 1)
        self.assertEqual(OutgoingEmail.objects.get().link, Link.objects.get(public_id=created))
        self.assertEqual(
            self.assertOk(self.create_link(self.link_body(sendEmail=True), "crash")), created
        )


class ClientIdempotencyTests(IdempotencyTestCase):
    BODY = {"name": "Ann", "email": "ann@example.com", "language": "English"}

    def test_a_retried_client_create_returns_the_same_client(self):
        first = self.assertOk(self.create_client(self.BODY, "client-1"))
        again = self.assertOk(self.create_client(self.BODY, "client-1"))

        self.assertEqual(again, first)
        self.assertEqual(Client.objects.filter(name="Ann").count(), 1)

    def test_the_same_key_with_another_client_is_a_conflict(self):
        self.assertOk(self.create_client(self.BODY, "client-1"))
        self.assertError(
            self.create_client({**self.BODY, "name": "Bea"}, "client-1"), 409, OTHER_BODY_MESSAGE
        )
        self.assertFalse(Client.objects.filter(name="Bea").exists())

    def test_a_key_used_on_links_is_not_reused_on_clients(self):
        self.assertOk(self.create_link(self.link_body(), "everywhere"))
        self.assertError(self.create_client(self.BODY, "everywhere"), 409, OTHER_BODY_MESSAGE)


STILL_RUNNING = "A request with this Idempotency-Key is still being processed. Retry in a moment."


class ConcurrentIdempotencyTests(TransactionTestCase):
    """Two requests with one key at the same time, each on its own connection (PostgreSQL: on
    SQLite one write transaction runs at a time, so the second simply starts after the first)."""

    jane: Client
    google_a: Any
    alice_key: str

    def setUp(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("concurrent transactions need PostgreSQL")
        super().setUp()
        BaseTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        self.inside_create = threading.Event()
        self.release = threading.Event()
        self.enterContext(
            mock.patch("agencyaccess.links.api.create_link", side_effect=self.held_create)
        )

    def held_create(self, *args, **kwargs):
        """The first request's create, held until the test lets it finish."""
        self.inside_create.set()
        self.assertTrue(self.release.wait(10))
        return create_link(*args, **kwargs)

    def post(self, results: list | None = None):
        body = {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}]
                    }
                }
            },
        }
        response = DjangoClient().post(
            "/api/links/create",
            json.dumps(body),
            content_type="application/json",
            headers={"X-Auth": self.alice_key, "Idempotency-Key": "together"},
        )
        if results is not None:
            results.append(response)
            connection.close()  # this thread's own
        return response

    def in_thread(self, results: list) -> threading.Thread:
        thread = threading.Thread(target=self.post, args=(results,))
        thread.start()
        self.addCleanup(thread.join, 10)
        self.addCleanup(self.release.set)
        return thread

    def waiting_for_a_lock(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            return cursor.fetchone()[0] > 0

    def test_a_retry_while_the_first_runs_waits_for_it_and_gets_its_answer(self):
        first: list = []
        self.in_thread(first)
        self.assertTrue(self.inside_create.wait(10))
        second: list = []
        waiting = self.in_thread(second)
        for _ in range(1000):
            if self.waiting_for_a_lock():
                break
            threading.Event().wait(0.01)
        self.assertTrue(self.waiting_for_a_lock(), "the second waits on the key's index")

        self.release.set()
        waiting.join(10)

        self.assertEqual(second[0].json(), first[0].json())
        self.assertEqual(Link.objects.filter(client=self.jane).count(), 2)  # the cast's and one

    def test_a_retry_that_waited_too_long_is_told_the_first_still_runs(self):
        first: list = []
        thread = self.in_thread(first)
        self.assertTrue(self.inside_create.wait(10))

        with mock.patch.object(idempotency, "CLAIM_WAIT", timedelta(milliseconds=100)):
            r = self.post()

        self.assertEqual((r.status_code, r.json()), (409, {"error": True, "msg": STILL_RUNNING}))
        self.release.set()
        thread.join(10)
        self.assertEqual(self.post().json(), first[0].json())
