"""Background jobs of the API keys app, run by the worker."""

from django.utils import timezone

from agencyaccess.apikeys.idempotency import KEPT_FOR
from agencyaccess.apikeys.models import IdempotentRequest


def purge_idempotency_records() -> int:
    """Forget `Idempotency-Key` answers older than a day."""
    deleted, _ = IdempotentRequest.objects.filter(created__lt=timezone.now() - KEPT_FOR).delete()
    return deleted
