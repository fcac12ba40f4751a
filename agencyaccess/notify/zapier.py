"""Zapier's side of the events: its trigger names and the bodies its Zaps receive.

A Zap subscribes to one trigger (`POST /api/hooks/subscribe`); its target URL is then a
webhook endpoint of kind `zapier` for the one event type behind that trigger. Zapier maps the
fields of the body it receives, so it gets the event's `data` itself (AgencyAccess's field
names, `id` and `client.*` for `access_granted`), with `event_id` and `event_type` added.
"""

import json
from typing import Any

from agencyaccess.notify.models import Event, EventType

# Trigger key -> the event type it fires on.
TRIGGERS: dict[str, EventType] = {
    "access_granted": EventType.LINK_COMPLETED,
    "client_created": EventType.CLIENT_CREATED,
    "intake_completed": EventType.INTAKE_COMPLETED,
    "service_granted": EventType.SERVICE_GRANTED,
    "webhook_failed": EventType.WEBHOOK_FAILED,
}


def zapier_body(event_body: str) -> dict[str, Any]:
    """What a Zap receives for an event, from the event's stored body."""
    envelope = json.loads(event_body)
    return {**envelope["data"], "event_id": envelope["id"], "event_type": envelope["type"]}


def zapier_bytes(event: Event) -> bytes:
    """The exact bytes POSTed to a Zapier target: compact, derived only from the stored body,
    so every attempt and replay of the event sends the same."""
    return json.dumps(zapier_body(event.body), separators=(",", ":"), ensure_ascii=False).encode()
