"""Zapier's side of the events: its trigger names, the bodies its Zaps receive, and the
subscriptions it makes through the API (docs/api.md, "Zapier endpoints").

A Zap subscribes to one trigger (`POST /api/hooks/subscribe`); its target URL is then a
webhook endpoint of kind `zapier` for the one event type behind that trigger. Zapier maps the
fields of the body it receives, so it gets the event's `data` itself (AgencyAccess's field
names, `id` and `client.*` for `access_granted`), with `event_id` and `event_type` added.
"""

import json
from typing import Any

from django.db import transaction

from agencyaccess.accounts.models import Agency
from agencyaccess.apikeys.capabilities import CLIENTS_RETRIEVE, LINKS_RETRIEVE
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.lib.errors import Conflict
from agencyaccess.notify.events import CATALOGUE
from agencyaccess.notify.models import Event, EventType, WebhookEndpoint, new_signing_secret

# Trigger key -> the event type it fires on.
TRIGGERS: dict[str, EventType] = {
    "access_granted": EventType.LINK_COMPLETED,
    "client_created": EventType.CLIENT_CREATED,
    "intake_completed": EventType.INTAKE_COMPLETED,
    "service_granted": EventType.SERVICE_GRANTED,
    "webhook_failed": EventType.WEBHOOK_FAILED,
    "grant_drifted": EventType.GRANT_DRIFTED,
    "client_offboarded": EventType.CLIENT_OFFBOARDED,
}

# Trigger key -> the capability a key needs to subscribe to it or read its samples: the one
# that reads what its events carry through the API.
TRIGGER_CAPABILITIES: dict[str, str] = {
    "access_granted": LINKS_RETRIEVE,
    "client_created": CLIENTS_RETRIEVE,
    "intake_completed": LINKS_RETRIEVE,
    "service_granted": LINKS_RETRIEVE,
    "webhook_failed": LINKS_RETRIEVE,
    "grant_drifted": LINKS_RETRIEVE,
    "client_offboarded": CLIENTS_RETRIEVE,
}

# Far more Zaps than an agency runs; a script subscribing in a loop stops here.
MAX_SUBSCRIPTIONS = 100
# Zapier shows a few recent items when a user sets a trigger up.
SAMPLES = 3
# The event id of a catalogue example: obviously made up, and never a real event's.
EXAMPLE_EVENT_ID = "SampleEvent000000000"


def zapier_body(event_body: str) -> dict[str, Any]:
    """What a Zap receives for an event, from the event's stored body."""
    envelope = json.loads(event_body)
    return _zap_fields(envelope["data"], envelope["id"], envelope["type"])


def zapier_bytes(event: Event) -> bytes:
    """The exact bytes POSTed to a Zapier target: compact, derived only from the stored body,
    so every attempt and replay of the event sends the same."""
    return json.dumps(zapier_body(event.body), separators=(",", ":"), ensure_ascii=False).encode()


def _zap_fields(data: dict[str, Any], event_id: str, event_type: str) -> dict[str, Any]:
    return {**data, "event_id": event_id, "event_type": event_type}


def samples(agency_id: int, trigger: str) -> list[dict[str, Any]]:
    """The trigger's newest events of the agency as Zaps receive them, newest first; the
    catalogue's example when there is none yet. One query."""
    event_type = TRIGGERS[trigger].value
    bodies = (
        Event.objects.filter(agency_id=agency_id, type=event_type)
        .order_by("-occurred", "-id")
        .values_list("body", flat=True)[:SAMPLES]
    )
    return [zapier_body(body) for body in bodies] or [example(trigger)]


def example(trigger: str) -> dict[str, Any]:
    """The catalogue's example of the trigger's event, as a Zap would receive it."""
    event_type = TRIGGERS[trigger].value
    return _zap_fields(CATALOGUE[event_type].example, EXAMPLE_EVENT_ID, event_type)


def subscribe(api_key: ApiKey, trigger: str, target_url: str) -> WebhookEndpoint:
    """A subscription of the key's agency sending the trigger's events to `target_url`. One the
    key already has for the same trigger and URL is returned instead: the same Zap asking twice
    (a retried subscribe) must not receive every event twice."""
    event_types = [TRIGGERS[trigger].value]
    with transaction.atomic():
        # One subscribe of an agency at a time, so neither the limit nor the duplicate check
        # can be passed by two requests at once. (SQLite serializes writes anyway.)
        list(Agency.objects.select_for_update().filter(pk=api_key.agency_id).values_list("pk"))
        for existing in WebhookEndpoint.objects.filter(
            api_key=api_key, kind=WebhookEndpoint.Kind.ZAPIER, is_active=True, url=target_url
        ).only("public_id", "url", "event_types"):
            if existing.event_types == event_types:
                return existing
        subscriptions = WebhookEndpoint.objects.filter(
            agency_id=api_key.agency_id, kind=WebhookEndpoint.Kind.ZAPIER
        )
        if subscriptions.count() >= MAX_SUBSCRIPTIONS:
            raise Conflict(
                f"Your agency has {MAX_SUBSCRIPTIONS} Zapier subscriptions, the most it can "
                "have: turn off Zaps you no longer use, then try again."
            )
        endpoint = WebhookEndpoint(
            agency_id=api_key.agency_id,
            kind=WebhookEndpoint.Kind.ZAPIER,
            url=target_url,
            description=f"Zapier: {trigger}",
            event_types=event_types,
            api_key=api_key,
        )
        endpoint.secret = new_signing_secret()
        endpoint.save()
    return endpoint
