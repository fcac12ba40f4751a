"""Webhook endpoints: their secrets, the checks on their addresses, how a request to them is
signed, and what owners do with them on the dashboard and the command line (docs/webhooks.md).

Requests are signed the Standard Webhooks way with its reference library, `standardwebhooks`:
`webhook-id` (the event's id, the same on every attempt and replay), `webhook-timestamp` and
`webhook-signature`, an HMAC-SHA256 of `id.timestamp.body` with the endpoint's secret.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from agencyaccess.accounts.models import Agency
from agencyaccess.lib import http
from agencyaccess.lib.errors import ActionError, Conflict
from agencyaccess.notify.events import CATALOGUE, emit
from agencyaccess.notify.models import (
    Delivery,
    Event,
    EventType,
    WebhookEndpoint,
    new_signing_secret,
)
from agencyaccess.notify.zapier import zapier_bytes

# After a rotation, attempts are signed with the old secret too for this long.
ROTATION_OVERLAP = timedelta(hours=24)
MAX_URL_LENGTH: int = WebhookEndpoint._meta.get_field("url").max_length or 2000
USER_AGENT = "AgencyAccess-Webhooks/1"

Status = Delivery.Status


def check_url(url: str) -> str:
    """The URL, stripped, if events may be sent to it; else ActionError saying why not.

    The same check runs again before every attempt (lib/http.py): a name that resolved to a
    public address today may not tomorrow.
    """
    url = url.strip()
    if not url:
        raise ActionError("Enter the endpoint's URL.")
    if len(url) > MAX_URL_LENGTH:
        raise ActionError(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        http.check_target(url, allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS)
    except http.RefusedTarget as e:
        raise ActionError(f"Events cannot be sent there: {e}. {_WHERE_TO}") from None
    return url


_WHERE_TO = "Use a public https:// address."


def check_event_types(event_types: Iterable[str]) -> list[str]:
    """The types, in the catalogue's order; ActionError naming an unknown one."""
    wanted = set(event_types)
    unknown = sorted(wanted - set(CATALOGUE))
    if unknown:
        raise ActionError(
            f"Unknown event types: {', '.join(unknown)}. Known: {', '.join(CATALOGUE)}."
        )
    return [event_type for event_type in CATALOGUE if event_type in wanted]


def create_endpoint(
    agency: Agency, url: str, *, description: str = "", event_types: Iterable[str] = ()
) -> tuple[WebhookEndpoint, str]:
    """A webhook endpoint and its secret, which the caller shows once."""
    secret = new_signing_secret()
    endpoint = WebhookEndpoint(
        agency=agency,
        url=check_url(url),
        description=description.strip(),
        event_types=check_event_types(event_types),
    )
    endpoint.secret = secret
    endpoint.save()
    return endpoint, secret


def update_endpoint(
    endpoint: WebhookEndpoint, url: str, *, description: str, event_types: Iterable[str]
) -> None:
    """A new address clears the failure record: it is another receiver."""
    url = check_url(url)
    if url != endpoint.url:
        endpoint.url = url
        endpoint.failing_since = None
    endpoint.description = description.strip()
    endpoint.event_types = check_event_types(event_types)
    endpoint.save(update_fields=["url", "description", "event_types", "failing_since"])


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """A new secret, returned to be shown once. For ROTATION_OVERLAP attempts carry a second
    signature made with the secret it replaces, so receivers can switch without losing one.
    Rotating again during an overlap drops the oldest secret at once."""
    secret = new_signing_secret()
    endpoint.previous_secret_encrypted = endpoint.secret_encrypted
    endpoint.previous_secret_until = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = secret
    endpoint.save(
        update_fields=["secret_encrypted", "previous_secret_encrypted", "previous_secret_until"]
    )
    return secret


def enable(endpoint: WebhookEndpoint) -> None:
    """Back on, with a clean failure record: the owner says the receiver is fixed."""
    endpoint.is_active = True
    endpoint.disabled_at = None
    endpoint.disabled_reason = ""
    endpoint.failing_since = None
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "failing_since"])


def disable(endpoint: WebhookEndpoint, reason: str) -> bool:
    """Stop sending to the endpoint; its deliveries waiting for an attempt are cancelled (an
    owner can recover them once it is back). False if it was already disabled."""
    now = timezone.now()
    with transaction.atomic():
        changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=now, disabled_reason=reason[:300]
        )
        if changed:
            Delivery.objects.filter(
                endpoint=endpoint, status__in=[Status.PENDING, Status.SENDING]
            ).update(status=Status.CANCELLED, last_error=f"Endpoint disabled: {reason}"[:2000])
    endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = False, now, reason
    return bool(changed)


def send_test_event(endpoint: WebhookEndpoint) -> Delivery:
    """A webhook.test event delivered to this endpoint only, whatever its filter: one attempt."""
    if not endpoint.is_active:
        raise Conflict("The endpoint is disabled: enable it to send it a test event.")
    event_id = secrets.token_hex(8)
    with transaction.atomic():
        emit(
            endpoint.agency_id,
            EventType.WEBHOOK_TEST,
            {"message": "A test event from AgencyAccess."},
            dedupe_key=f"{endpoint.public_id}:{event_id}",
        )
        # The test is for this endpoint alone: the fan-out must not offer it to the others.
        event = Event.objects.get(
            dedupe_key=f"{EventType.WEBHOOK_TEST.value}:{endpoint.public_id}:{event_id}"
        )
        event.endpoints_dispatched = timezone.now()
        event.save(update_fields=["endpoints_dispatched"])
        return Delivery.objects.create(event=event, endpoint=endpoint, single_attempt=True)


def resend(delivery: Delivery) -> None:
    """One more attempt of a finished delivery, with the event's id and body unchanged."""
    if delivery.status in (Status.PENDING, Status.SENDING):
        raise Conflict("This delivery is already waiting for its next attempt.")
    _replay(Delivery.objects.filter(pk=delivery.pk))


def recover(endpoint: WebhookEndpoint, since: datetime) -> int:
    """One more attempt of every delivery to the endpoint that failed (or was cancelled when
    it was disabled) since `since`; how many."""
    return _replay(
        Delivery.objects.filter(
            endpoint=endpoint, status__in=[Status.FAILED, Status.CANCELLED], created__gte=since
        )
    )


def _replay(deliveries) -> int:
    return deliveries.update(
        status=Status.PENDING, next_attempt=timezone.now(), single_attempt=True
    )


def body_for(event: Event, endpoint: WebhookEndpoint) -> bytes:
    """The exact bytes sent: the event's envelope, or for a Zap its `data` (notify/zapier.py)."""
    if endpoint.kind == WebhookEndpoint.Kind.ZAPIER:
        return zapier_bytes(event)
    return event.body.encode()


def signed_headers(endpoint: WebhookEndpoint, msg_id: str, body: bytes, at: datetime) -> dict:
    """The request's headers, signed at `at`. `at` must be an aware UTC datetime: the library
    replaces any time zone with UTC, so another zone's clock time would give a signature no
    receiver accepts."""
    data = body.decode()
    signatures = [Webhook(secret).sign(msg_id, at, data) for secret in endpoint.signing_secrets(at)]
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        # Several signatures, space-separated: receivers accept any that matches.
        "webhook-signature": " ".join(signatures),
    }
