"""Readiness: whether this install can do its work, check by check (docs/operations.md).

Each check answers {"ok": bool, ...what it measured}. The database comes first: when it cannot
be reached, the checks that read it are not tried (each would wait on it again) but named as
failing because of it.
"""

import logging
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from agencyaccess.ops import heartbeat
from agencyaccess.ops.queues import QUEUES, backlog

REDIS_TIMEOUT_SECONDS = 0.5

logger = logging.getLogger(__name__)

Check = dict[str, Any]


def readiness() -> dict[str, Check]:
    checks = {"database": _database()}
    if settings.REDIS_URL:
        checks["redis"] = _redis()
    if not checks["database"]["ok"]:
        unreachable = {"ok": False, "error": "the database cannot be reached"}
        return checks | {"worker": unreachable} | {queue.name: unreachable for queue in QUEUES}
    now = timezone.now()
    checks["worker"] = _worker(now)
    for queue in QUEUES:
        measured = backlog(queue, now)
        checks[queue.name] = {"ok": measured.ok, "oldest_due_seconds": measured.oldest_seconds}
    return checks


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # whatever the driver raises, the answer is "not ready"
        return _failed("database", error)
    return {"ok": True}


def _redis() -> Check:
    try:
        _redis_client(settings.REDIS_URL).ping()
    except redis.RedisError as error:
        return _failed("redis", error)
    return {"ok": True}


@cache
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )


def _worker(now) -> Check:
    last = heartbeat.last_beat()
    if last is None:
        return {"ok": False, "error": "no worker has started"}
    age = max((now - last).total_seconds(), 0.0)
    return {"ok": age <= heartbeat.STALE_AFTER.total_seconds(), "heartbeat_age_seconds": age}


def _failed(name: str, error: Exception) -> Check:
    """The error is logged in full; the answer, which anyone may ask for, names only its kind
    (a driver's message can carry host names and user names)."""
    logger.warning("readiness: %s check failed: %s", name, error)
    return {"ok": False, "error": type(error).__name__}
