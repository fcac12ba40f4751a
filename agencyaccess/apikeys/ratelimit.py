"""Fixed windows of requests per bucket (one minute unless the caller says otherwise), shared
by every process.

Counted in Redis when REDIS_URL is set, else in one database row per bucket with an atomic
upsert: one round trip per request either way. A bucket always uses the same window length.

While Redis cannot be reached the database counts instead, and no request fails because of it.
A circuit breaker keeps requests from waiting on a Redis that is down or frozen: after a failure
(or a timeout) Redis is skipped for BREAKER_SECONDS, then the next request tries it again. So
that switching stores does not start a window's count again from zero (or from a Redis that lost
its data), each process remembers the last count it saw per bucket in the current window and
neither store counts below it: the database row, or the Redis key, is raised to it first.
"""

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from time import monotonic

import redis
from django.conf import settings
from django.db import connection

from agencyaccess.apikeys.models import RateLimitCounter

WINDOW_SECONDS = 60
# Redis answers in well under a millisecond; one that does not answer in this is treated as down.
REDIS_TIMEOUT_SECONDS = 0.5
REDIS_DOWN_WARNING_EVERY_SECONDS = 60
# After a failure, Redis is not asked again for this long: a frozen Redis costs one request a
# REDIS_TIMEOUT_SECONDS wait per process every 30 s, not every request.
BREAKER_SECONDS = 30
# Buckets whose last count a process remembers (the busiest recent ones): a few hundred KB.
REMEMBERED_BUCKETS = 10_000

logger = logging.getLogger(__name__)

# `excluded.hits` is the first count of a new row: one more than the count remembered (usually 0).
_UPSERT = """
INSERT INTO apikeys_ratelimitcounter (bucket, window_start, hits) VALUES (%s, %s, %s)
ON CONFLICT (bucket) DO UPDATE SET
    hits = CASE WHEN apikeys_ratelimitcounter.window_start <> excluded.window_start
                  OR apikeys_ratelimitcounter.hits < excluded.hits
                THEN excluded.hits ELSE apikeys_ratelimitcounter.hits + 1 END,
    window_start = excluded.window_start
RETURNING hits
"""


@dataclass(frozen=True)
class Usage:
    limit: int
    hits: int
    reset_at: int  # epoch seconds when the window ends

    @property
    def exceeded(self) -> bool:
        return self.hits > self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.hits)

    def retry_after(self) -> int:
        return max(1, math.ceil(self.reset_at - time.time()))

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }


def hit(bucket: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> Usage:
    """Count one request in `bucket`; the caller refuses it when `exceeded`."""
    window = int(time.time() // window_seconds)
    known = _seen.get(bucket, window)
    hits = _counted(
        in_redis=lambda: _hit_redis(bucket, window, window_seconds, known),
        in_database=lambda: _hit_database(bucket, window, known),
    )
    _seen.saw(bucket, window, hits)
    return Usage(limit=limit, hits=hits, reset_at=(window + 1) * window_seconds)


def peek(bucket: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> Usage:
    """What `bucket` has counted so far in its current window, without counting anything: for
    limits on failures, which are counted only once they have happened."""
    window = int(time.time() // window_seconds)
    hits = _counted(
        in_redis=lambda: int(_redis().get(_redis_key(bucket, window)) or 0),
        in_database=lambda: _database_hits(bucket, window),
    )
    hits = max(hits, _seen.get(bucket, window))
    return Usage(limit=limit, hits=hits, reset_at=(window + 1) * window_seconds)


class _Seen:
    """The last count this process saw for each recently counted bucket, in its window."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._counts: OrderedDict[str, tuple[int, int]] = OrderedDict()

    def get(self, bucket: str, window: int) -> int:
        with self._lock:
            seen_window, hits = self._counts.get(bucket, (window, 0))
        return hits if seen_window == window else 0

    def saw(self, bucket: str, window: int, hits: int) -> None:
        with self._lock:
            self._counts[bucket] = (window, hits)
            self._counts.move_to_end(bucket)
            if len(self._counts) > self.size:
                self._counts.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


_seen = _Seen(REMEMBERED_BUCKETS)


def _database_hits(bucket: str, window: int) -> int:
    row = RateLimitCounter.objects.filter(bucket=bucket, window_start=window).first()
    return row.hits if row else 0


def _hit_database(bucket: str, window: int, known: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [bucket, window, known + 1])
        return cursor.fetchone()[0]


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


class _Breaker:
    """Open (Redis skipped) for BREAKER_SECONDS after a failure; then the next call tries Redis
    again, and a failure opens it again. Failures are logged once a minute, not per request."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.open_until = float("-inf")
        self.last_warning = float("-inf")

    def allows(self) -> bool:
        return monotonic() >= self.open_until

    def failed(self, error: redis.RedisError) -> None:
        now = monotonic()
        self.open_until = now + BREAKER_SECONDS
        if now - self.last_warning > REDIS_DOWN_WARNING_EVERY_SECONDS:
            self.last_warning = now
            logger.warning(
                "Redis unreachable (%s): rate limits counted in the database, Redis tried again "
                "every %d s",
                error,
                BREAKER_SECONDS,
            )


_breaker = _Breaker()


def forget() -> None:
    """Start afresh: no remembered counts, the breaker closed, a new Redis client. Tests call it
    between tests, which reuse bucket names and the same frozen clock."""
    _seen.clear()
    _breaker.reset()
    _redis.cache_clear()


def _counted(in_redis: Callable[[], int], in_database: Callable[[], int]) -> int:
    """The count from Redis when REDIS_URL is set and the breaker lets it be asked, else, or
    when it fails, from the database."""
    if settings.REDIS_URL and _breaker.allows():
        try:
            return in_redis()
        except redis.RedisError as error:
            _breaker.failed(error)
    return in_database()


def _redis_key(bucket: str, window: int) -> str:
    return f"ratelimit:{bucket}:{window}"


def _hit_redis(bucket: str, window: int, window_seconds: int, known: int) -> int:
    key = _redis_key(bucket, window)
    pipe = _redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, window_seconds * 2)
    hits, _ = pipe.execute()
    if hits <= known:
        # Redis lost this window's count, or it was counted in the database meanwhile.
        hits = _redis().incrby(key, known + 1 - hits)
    return int(hits)
