"""`Idempotency-Key` on create operations: a retried request gets the first answer again
instead of creating a second client or link.

The key's record and the create share one transaction: the record is inserted first, the view
runs, and its answer is stored before the commit. A request that dies (its process killed, the
database gone) rolls back both, so its key is free again and a retry creates once; one that
committed has its answer stored, so a retry always gets it. A concurrent request with the same
key waits on the key's unique index until the first ends, then replays its answer; after
CLAIM_WAIT (on PostgreSQL) it is told the first is still running.
"""

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import JsonResponse
from django.utils import timezone

from agencyaccess.apikeys.models import IdempotentRequest
from agencyaccess.lib.errors import ActionError, Conflict

KEPT_FOR = timedelta(hours=24)
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Marks a view wrapped here, for the OpenAPI document to list the header on its operation.
_TAKES_KEY = "takes_idempotency_key"
# How long a request waits for another one with the same key to finish (a create takes well
# under a second); then it answers 409 rather than hold its thread.
CLAIM_WAIT = timedelta(seconds=5)
# PostgreSQL's "lock_not_available": lock_timeout ran out.
LOCK_NOT_AVAILABLE = "55P03"


def idempotent(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key:
            return view(request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            raise ActionError(f"{HEADER} must be at most {MAX_KEY_LENGTH} characters.")
        if "\x00" in key:  # PostgreSQL cannot store it
            raise ActionError(f"{HEADER} must not contain NUL characters.")
        digest = hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()
        # A failed attempt (an error answer, a crash) raises out of here: nothing is kept, and
        # the key is not used up.
        with transaction.atomic():
            record = _claim(request.auth, key, digest)
            if record.response is not None:
                return JsonResponse(record.response)
            result = view(request, *args, **kwargs)
            record.response = json.loads(result.content)
            record.save(update_fields=["response"])
        return result

    wrapper.__dict__[_TAKES_KEY] = True
    return wrapper


def takes_key(view) -> bool:
    return view.__dict__.get(_TAKES_KEY, False)


def _claim(api_key, key: str, digest: str) -> IdempotentRequest:
    """A new record for this key (its response still None), or the earlier one, answered, when
    this is a replay of the same request."""
    for _ in range(2):
        try:
            with transaction.atomic(), _lock_wait_at_most(CLAIM_WAIT):
                return IdempotentRequest.objects.create(
                    api_key=api_key, key=key, request_hash=digest
                )
        except IntegrityError:
            earlier = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
            if earlier is None:
                continue  # deleted since (forgotten after a day); claim it again
            if earlier.created < timezone.now() - KEPT_FOR:
                earlier.delete()
                continue
            if earlier.request_hash != digest:
                raise Conflict(
                    f"This {HEADER} was already used with a different request. "
                    "Use a new key for a new request."
                ) from None
            return earlier
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            raise Conflict(
                f"A request with this {HEADER} is still being processed. Retry in a moment."
            ) from None
    raise Conflict(f"This {HEADER} is being used by concurrent requests. Retry in a moment.")


@contextmanager
def _lock_wait_at_most(wait: timedelta) -> Iterator[None]:
    """On PostgreSQL, a lock wait inside the block (on the unique index, held by a concurrent
    request's uncommitted record) fails after `wait` instead of lasting as long as that request.
    SQLite runs one write transaction at a time: there the request waits for the database lock
    before its transaction starts."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
            [f"{int(wait.total_seconds() * 1000)}ms"],
        )
        previous = cursor.fetchone()[0]
    yield
    # Only reached without an error: after one, the savepoint's rollback undoes the setting.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
