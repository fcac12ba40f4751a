"""Fixed windows of requests per bucket (one minute unless the caller says otherwise), shared
by every process.

Counted in Redis when REDIS_URL is set, else in one database row per bucket with an atomic
upsert: one round trip per request either way. A bucket always uses the same window length.
While Redis cannot be reached the database counts instead: the limits hold (with counts that
start again from zero) and no request fails because of it.
"""

import logging
import math
import time
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

logger = logging.getLogger(__name__)

_UPSERT = """
INSERT INTO apikeys_ratelimitcounter (bucket, window_start, hits) VALUES (%s, %s, 1)
ON CONFLICT (bucket) DO UPDATE SET
    hits = CASE WHEN apikeys_ratelimitcounter.window_start = excluded.window_start
                THEN apikeys_ratelimitcounter.hits + 1 ELSE 1 END,
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
    hits = _counted(
        in_redis=lambda: _hit_redis(bucket, window, window_seconds),
        in_database=lambda: _hit_database(bucket, window),
    )
    return Usage(limit=limit, hits=hits, reset_at=(window + 1) * window_seconds)


def peek(bucket: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> Usage:
    """What `bucket` has counted so far in its current window, without counting anything: for
    limits on failures, which are counted only once they have happened."""
    window = int(time.time() // window_seconds)
    hits = _counted(
        in_redis=lambda: int(_redis().get(_redis_key(bucket, window)) or 0),
        in_database=lambda: _database_hits(bucket, window),
    )
    return Usage(limit=limit, hits=hits, reset_at=(window + 1) * window_seconds)


def _database_hits(bucket: str, window: int) -> int:
    row = RateLimitCounter.objects.filter(bucket=bucket, window_start=window).first()
    return row.hits if row else 0


def _hit_database(bucket: str, window: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [bucket, window])
        return cursor.fetchone()[0]


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


_last_warning = 0.0


def _counted(in_redis: Callable[[], int], in_database: Callable[[], int]) -> int:
    """The count from Redis when REDIS_URL is set, else, or while Redis cannot be reached
    (logged once a minute), from the database."""
    global _last_warning
    if settings.REDIS_URL:
        try:
            return in_redis()
        except redis.RedisError as error:
            if monotonic() - _last_warning > REDIS_DOWN_WARNING_EVERY_SECONDS:
                _last_warning = monotonic()
                logger.warning("Redis unreachable (%s): rate limits counted in the database", error)
    return in_database()


def _redis_key(bucket: str, window: int) -> str:
    return f"ratelimit:{bucket}:{window}"


def _hit_redis(bucket: str, window: int, window_seconds: int) -> int:
    key = _redis_key(bucket, window)
    pipe = _redis().pipeline()
    pipe.incr(key)
    pipe.expire(key, window_seconds * 2)
    hits, _ = pipe.execute()
    return int(hits)
