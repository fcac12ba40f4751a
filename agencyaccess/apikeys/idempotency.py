"""`Idempotency-Key` on create operations: a retried request gets the first answer again
instead of creating a second client or link."""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone

from agencyaccess.apikeys.models import IdempotentRequest
from agencyaccess.lib.errors import ActionError, Conflict

KEPT_FOR = timedelta(hours=24)
HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Marks a view wrapped here, for the OpenAPI document to list the header on its operation.
_TAKES_KEY = "takes_idempotency_key"


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
        record = _claim(request.auth, key, digest)
        if record.response is not None:
            return JsonResponse(record.response)
        try:
            result = view(request, *args, **kwargs)
        except BaseException:
            record.delete()  # a failed attempt does not use up the key
            raise
        record.response = json.loads(result.content)
        record.save(update_fields=["response"])
        return result

    wrapper.__dict__[_TAKES_KEY] = True
    return wrapper


def takes_key(view) -> bool:
    return view.__dict__.get(_TAKES_KEY, False)


def _claim(api_key, key: str, digest: str) -> IdempotentRequest:
    """A new record for this key, or the earlier one when this is a replay of the same request."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotentRequest.objects.create(
                    api_key=api_key, key=key, request_hash=digest
                )
        except IntegrityError:
            earlier = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
            if earlier is None:
                continue  # deleted since: a failed first attempt; claim it again
            if earlier.created < timezone.now() - KEPT_FOR:
                earlier.delete()
                continue
            if earlier.request_hash != digest:
                raise Conflict(
                    f"This {HEADER} was already used with a different request. "
                    "Use a new key for a new request."
                ) from None
            if earlier.response is None:
                raise Conflict(
                    f"A request with this {HEADER} is still being processed. Retry in a moment."
                ) from None
            return earlier
    raise Conflict(f"This {HEADER} is being used by concurrent requests. Retry in a moment.")
