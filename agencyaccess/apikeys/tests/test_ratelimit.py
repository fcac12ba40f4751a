import random
import uuid
from unittest import SkipTest, mock

import redis
from django.db import DatabaseError
from django.test import Client as DjangoClient
from django.test import override_settings

from agencyaccess.apikeys import ratelimit
from agencyaccess.apikeys.models import ApiKey, RateLimitCounter
from agencyaccess.clients.models import Client
from agencyaccess.test import RATE_LIMIT_NOW, BaseTestCase, rate_limit_clock

RESET = "1800000060"  # the end of RATE_LIMIT_NOW's minute, in epoch seconds
RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


class RateLimitTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        clock = rate_limit_clock()
        clock.start()
        self.addCleanup(clock.stop)

    def retrieve_jane(self, key: str | None = None, address: str = "127.0.0.1"):
        headers = {"X-Auth": key} if key else {}
        return self.client.get(
            "/api/clients/retrieve",
            {"id": self.jane.public_id},
            headers=headers,
            REMOTE_ADDR=address,
        )

    def assertRateHeaders(self, response, limit: int, remaining: int) -> None:
        self.assertEqual(
            [response[h] for h in RATE_HEADERS],
            [str(limit), str(remaining), RESET],
            response.content,
        )

    def assertLimited(self, response, limit: int) -> None:
        self.assertError(
            response,
            429,
            f"Rate limit exceeded: {limit} requests a minute. Retry after 30 seconds.",
        )
        self.assertEqual(response["Retry-After"], "30")
        self.assertRateHeaders(response, limit, 0)


class RateLimitHeaderTests(RateLimitTestCase):
    def test_every_api_answer_carries_the_rate_limit_headers(self):
        responses = {
            "success": self.retrieve_jane(self.alice_key),
            "bad request": self.api_get("/api/clients/retrieve", self.alice_key),
            "not found": self.api_get("/api/clients/retrieve", self.alice_key, id="nope"),
            "unknown path": self.api_get("/api/nothing/here", self.alice_key),
            "wrong method": self.api_get("/api/clients/create", self.alice_key),
            "bad json": self.api_post("/api/clients/create", "{", self.alice_key),
            "too large": self.api_post(
                "/api/clients/create", b" " * (1024 * 1024 + 1), self.alice_key
            ),
            "openapi": self.client.get("/api/openapi.json", headers={"X-Auth": self.alice_key}),
        }
        for remaining, (what, response) in enumerate(responses.items(), start=1):
            with self.subTest(what):
                self.assertRateHeaders(response, 120, 120 - remaining)

    def test_keyless_and_unauthorized_answers_carry_them_too(self):
        self.assertRateHeaders(self.retrieve_jane(), 120, 119)
        self.assertRateHeaders(self.retrieve_jane("aak_wrong"), 120, 118)

    def test_pages_outside_the_api_are_not_counted(self):
        r = self.client.get("/admin/login/")
        self.assertNotIn("X-RateLimit-Limit", r)
        self.assertFalse(RateLimitCounter.objects.exists())

    def test_remaining_counts_down_to_zero(self):
        with override_settings(API_RATE_LIMIT_PER_MINUTE=3):
            for remaining in [2, 1, 0]:
                self.assertRateHeaders(self.retrieve_jane(self.alice_key), 3, remaining)


class RateLimitTests(RateLimitTestCase):
    @override_settings(API_RATE_LIMIT_PER_MINUTE=2)
    def test_a_key_over_its_limit_gets_429_with_retry_after_and_the_envelope(self):
        self.assertOk(self.retrieve_jane(self.alice_key))
        self.assertOk(self.retrieve_jane(self.alice_key))

        r = self.retrieve_jane(self.alice_key)

        self.assertLimited(r, 2)
        self.assertEqual(r["Content-Type"], "application/json")

    @override_settings(API_RATE_LIMIT_PER_MINUTE=1)
    def test_a_refused_request_does_nothing(self):
        self.assertOk(self.retrieve_jane(self.alice_key))
        body = {"name": "Ann", "email": "ann@example.com", "language": "English"}

        self.assertLimited(self.api_post("/api/clients/create", body, self.alice_key), 1)

        self.assertFalse(Client.objects.filter(name="Ann").exists())

    @override_settings(API_RATE_LIMIT_PER_MINUTE=1)
    def test_the_next_minute_starts_afresh(self):
        self.assertOk(self.retrieve_jane(self.alice_key))
        self.assertLimited(self.retrieve_jane(self.alice_key), 1)

        with rate_limit_clock(RATE_LIMIT_NOW + 60):
            r = self.retrieve_jane(self.alice_key)

        self.assertOk(r)
        self.assertEqual(r["X-RateLimit-Remaining"], "0")
        self.assertEqual(r["X-RateLimit-Reset"], str(int(RESET) + 60))

    @override_settings(API_RATE_LIMIT_PER_MINUTE=1)
    def test_each_key_has_its_own_limit(self):
        self.assertOk(self.retrieve_jane(self.alice_key))
        self.assertLimited(self.retrieve_jane(self.alice_key), 1)

        r = self.api_get(
            "/api/clients/retrieve", self.charlie_key, id=self.charlies_client.public_id
        )
        self.assertOk(r)
        _, second_key = ApiKey.issue(self.agency_a, "Second key", ["clients:retrieve"])
        self.assertOk(self.retrieve_jane(second_key))

    @override_settings(API_RATE_LIMIT_PER_MINUTE=1)
    def test_a_rolled_key_keeps_its_count(self):
        self.assertOk(self.retrieve_jane(self.alice_key))
        self.assertLimited(self.retrieve_jane(self.alice_key_row.roll()), 1)

    @override_settings(API_RATE_LIMIT_PER_MINUTE=2)
    def test_requests_without_a_valid_key_are_counted_per_address(self):
        self.assertError(self.retrieve_jane(address="10.0.0.1"), 401)
        self.assertError(self.retrieve_jane("aak_guess", address="10.0.0.1"), 401)

        self.assertLimited(self.retrieve_jane("aak_another_guess", address="10.0.0.1"), 2)
        # Another address, and a valid key from the same address, have their own counts.
        self.assertError(self.retrieve_jane(address="10.0.0.2"), 401)
        self.assertOk(self.retrieve_jane(self.alice_key, address="10.0.0.1"))

    def test_a_key_may_have_its_own_limit(self):
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(rate_limit_per_minute=1)

        self.assertRateHeaders(self.assertOkResponse(self.retrieve_jane(self.alice_key)), 1, 0)
        self.assertLimited(self.retrieve_jane(self.alice_key), 1)
        r = self.api_get(
            "/api/clients/retrieve", self.charlie_key, id=self.charlies_client.public_id
        )
        self.assertRateHeaders(r, 120, 119)

    def test_a_keys_own_limit_may_be_higher_than_the_settings(self):
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(rate_limit_per_minute=5000)
        with override_settings(API_RATE_LIMIT_PER_MINUTE=1):
            self.assertRateHeaders(self.retrieve_jane(self.alice_key), 5000, 4999)
            self.assertRateHeaders(self.retrieve_jane(self.alice_key), 5000, 4998)

    @override_settings(API_RATE_LIMIT_PER_MINUTE=7)
    def test_the_limit_comes_from_the_settings(self):
        self.assertRateHeaders(self.retrieve_jane(self.alice_key), 7, 6)
        self.assertRateHeaders(self.retrieve_jane(), 7, 6)

    def test_the_database_counter_is_shared_by_every_client(self):
        first, second = DjangoClient(), DjangoClient()
        headers = {"X-Auth": self.alice_key}

        r1 = first.get("/api/clients/retrieve", {"id": self.jane.public_id}, headers=headers)
        r2 = second.get("/api/clients/retrieve", {"id": self.jane.public_id}, headers=headers)

        self.assertEqual((r1["X-RateLimit-Remaining"], r2["X-RateLimit-Remaining"]), ("119", "118"))
        counter = RateLimitCounter.objects.get(bucket=f"key:{self.alice_key_row.pk}")
        self.assertEqual((counter.hits, counter.window_start), (2, int(RATE_LIMIT_NOW // 60)))

    def test_a_new_minute_rewrites_the_same_counter_row(self):
        self.retrieve_jane(self.alice_key)
        with rate_limit_clock(RATE_LIMIT_NOW + 60):
            self.retrieve_jane(self.alice_key)
        counter = RateLimitCounter.objects.get()
        self.assertEqual((counter.hits, counter.window_start), (1, int(RATE_LIMIT_NOW // 60) + 1))

    def assertOkResponse(self, response):
        self.assertOk(response)
        return response


REDIS_URL = "redis://127.0.0.1:6379/0"


class RedisRateLimitTests(RateLimitTestCase):
    """The counters in Redis, as with REDIS_URL set; skipped where no Redis answers."""

    @classmethod
    def setUpClass(cls) -> None:
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            raise SkipTest(f"no Redis at {REDIS_URL}") from None
        super().setUpClass()

    def setUp(self) -> None:
        super().setUp()
        self.redis = redis.Redis.from_url(REDIS_URL)
        # One Redis serves every test process (and whatever else runs on the machine), while each
        # test database numbers its keys from 1: a key and an address of this test's own, so
        # only this test's counters are read, counted and deleted.
        self.address = f"test-{uuid.uuid4().hex}"
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(id=random.randint(10**9, 2 * 10**9))
        self.alice_key_row = ApiKey.objects.get(agency=self.agency_a)
        self.key_bucket = f"ratelimit:key:{self.alice_key_row.pk}:{int(RATE_LIMIT_NOW // 60)}"
        self.redis.delete(self.key_bucket)
        settings_override = override_settings(REDIS_URL=REDIS_URL, API_RATE_LIMIT_PER_MINUTE=2)
        settings_override.enable()
        ratelimit._redis.cache_clear()
        self.addCleanup(self.forget_redis)
        self.addCleanup(settings_override.disable)

    def forget_redis(self) -> None:
        self.redis.delete(self.key_bucket, *self.redis.keys(f"ratelimit:ip:{self.address}:*"))
        ratelimit._redis.cache_clear()

    def test_requests_are_counted_in_redis_not_the_database(self):
        self.assertOk(self.retrieve_jane(self.alice_key))
        r = self.retrieve_jane(self.alice_key)

        self.assertRateHeaders(r, 2, 0)
        self.assertEqual(self.redis.get(self.key_bucket), b"2")
        self.assertGreater(self.redis.ttl(self.key_bucket), 0)
        self.assertFalse(RateLimitCounter.objects.exists())
        self.assertLimited(self.retrieve_jane(self.alice_key), 2)

    def test_keyless_requests_are_counted_per_address_in_redis(self):
        self.assertError(self.retrieve_jane(address=self.address), 401)
        self.assertError(self.retrieve_jane(address=self.address), 401)
        self.assertLimited(self.retrieve_jane(address=self.address), 2)
        [key] = self.redis.keys(f"ratelimit:ip:{self.address}:*")
        self.assertEqual(self.redis.get(key), b"3")

    def test_the_redis_counter_is_shared_by_every_client(self):
        for client in [DjangoClient(), DjangoClient()]:
            client.get(
                "/api/clients/retrieve",
                {"id": self.jane.public_id},
                headers={"X-Auth": self.alice_key},
            )
        self.assertEqual(self.redis.get(self.key_bucket), b"2")


class RateLimitFailureTests(RateLimitTestCase):
    def test_a_counter_that_cannot_be_reached_is_a_500_envelope(self):
        self.client.raise_request_exception = False
        with (
            mock.patch.object(ratelimit, "hit", side_effect=DatabaseError("the database is down")),
            self.assertLogs("agencyaccess.apikeys.middleware", "ERROR") as logs,
        ):
            r = self.retrieve_jane(self.alice_key)

        body = self.assertError(r, 500)
        self.assertEqual(r["Content-Type"], "application/json")
        self.assertNotIn("database", body["msg"])
        self.assertIs(logs.records[0].exc_info and logs.records[0].exc_info[0], DatabaseError)

    @override_settings(REDIS_URL="redis://127.0.0.1:1/0", API_RATE_LIMIT_PER_MINUTE=2)
    def test_while_redis_is_down_the_database_counts_and_nothing_fails(self):
        with self.assertLogs("agencyaccess.apikeys.ratelimit", "WARNING") as logs:
            self.assertOk(self.retrieve_jane(self.alice_key))
            self.assertOk(self.retrieve_jane(self.alice_key))
            self.assertLimited(self.retrieve_jane(self.alice_key), 2)

        self.assertEqual(RateLimitCounter.objects.get().hits, 3)
        self.assertIn("Redis unreachable", logs.output[0])


@override_settings(REDIS_URL="redis://redis.invalid:6379/0", API_RATE_LIMIT_PER_MINUTE=6)
class RedisBreakerTests(RateLimitTestCase):
    """A Redis that fails or freezes is skipped for a while, and the count goes on where it was
    (with a stand-in for Redis: what is tested is what the limiter does with its answers)."""

    def setUp(self) -> None:
        super().setUp()
        self.redis = mock.Mock(spec=["pipeline", "incrby", "get"])
        self.pipeline = self.redis.pipeline.return_value
        self.enterContext(mock.patch.object(ratelimit, "_redis", return_value=self.redis))
        self.now = 1000.0
        self.enterContext(mock.patch.object(ratelimit, "monotonic", lambda: self.now))
        self.enterContext(self.assertLogs("agencyaccess.apikeys.ratelimit", "WARNING"))

    def redis_counts(self, hits: int) -> None:
        self.pipeline.execute.side_effect = None
        self.pipeline.execute.return_value = [hits, True]

    def redis_times_out(self) -> None:
        self.pipeline.execute.side_effect = redis.TimeoutError("Timeout reading from socket")

    def remaining(self) -> int:
        return int(self.retrieve_jane(self.alice_key)["X-RateLimit-Remaining"])

    def test_after_a_failure_redis_is_not_asked_until_the_breaker_closes(self):
        self.redis_times_out()
        self.assertEqual([self.remaining() for _ in range(3)], [5, 4, 3])
        self.assertEqual(self.pipeline.execute.call_count, 1, "asked once, then skipped")

        self.now += ratelimit.BREAKER_SECONDS
        self.redis_counts(4)
        self.assertEqual(self.remaining(), 2)
        self.assertEqual(self.pipeline.execute.call_count, 2)

    def test_the_database_goes_on_from_the_count_redis_had(self):
        self.redis_counts(5)  # four requests counted by other processes before this one
        self.assertEqual(self.remaining(), 1)

        self.redis_times_out()
        self.assertEqual(self.remaining(), 0)
        self.assertLimited(self.retrieve_jane(self.alice_key), 6)
        self.assertEqual(RateLimitCounter.objects.get().hits, 7)

    def test_redis_that_lost_the_count_is_raised_to_the_count_seen(self):
        self.redis_times_out()
        for _ in range(3):
            self.retrieve_jane(self.alice_key)  # counted in the database: 1, 2, 3
        self.now += ratelimit.BREAKER_SECONDS
        self.redis_counts(1)  # a Redis restarted empty
        self.redis.incrby.return_value = 4

        self.assertEqual(self.remaining(), 2)
        self.redis.incrby.assert_called_once_with(mock.ANY, 3)

    def test_a_new_window_starts_from_zero(self):
        self.redis_counts(5)
        self.remaining()
        self.redis_times_out()
        with rate_limit_clock(RATE_LIMIT_NOW + 60):
            self.assertEqual(self.remaining(), 5)
