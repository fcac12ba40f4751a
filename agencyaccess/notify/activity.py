"""What an event says in words, for the dashboard's activity feed and the teammates' e-mails:
one sentence per event, read from its data (payloads.py's shapes).

Events copied from before the catalogue existed lack some fields, so each is read with a
fallback rather than trusted to be there.
"""

from collections.abc import Callable, Mapping
from typing import Any

from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.notify.models import EventType

UNKNOWN_CLIENT = "A client"

_SOURCES = {
    "api": "through the API",
    "dashboard": "on the dashboard",
    "access_page": "through an access page",
}


def client_name(data: Mapping[str, Any]) -> str:
    """The client's name as the event recorded it, for types whose data carry the client."""
    client = data.get("client")
    return (client.get("name") if isinstance(client, dict) else "") or UNKNOWN_CLIENT


def _endpoint(data: Mapping[str, Any]) -> str:
    return (data.get("endpoint") or {}).get("url_host") or "an endpoint"


def _granted(data: Mapping[str, Any], client: str) -> str:
    part = "part of " if data.get("result") == "partial" else ""
    return f"{client} granted {part}{data.get('service', 'a service')}"


def _activated(data: Mapping[str, Any], client: str) -> str:
    grant = data.get("grant") or {}
    return f"{client}'s {grant.get('service', 'access')} ({grant.get('name', '')}) is now active"


def _drifted(data: Mapping[str, Any], client: str) -> str:
    grant = data.get("grant") or {}
    what = f"{grant.get('service', 'access')} ({grant.get('name', '')})"
    if data.get("drift") == "role_changed":
        return f"The role on {client}'s {what} was changed outside AgencyAccess"
    return f"Access to {client}'s {what} was removed outside AgencyAccess"


def _revoked(data: Mapping[str, Any], client: str) -> str:
    grant = data.get("grant") or {}
    what = f"{grant.get('service', 'access')} ({grant.get('name', '')})"
    if data.get("reason") == "client":
        return f"{client} removed the agency's access to {what}"
    return f"Access to {client}'s {what} was removed"


# event type -> (data, the client's name) -> the sentence
_SENTENCES: dict[str, Callable[[Mapping[str, Any], str], str]] = {
    EventType.CLIENT_CREATED: lambda data, client: (
        f"{client} was added as a client {_SOURCES.get(data.get('source', ''), '')}".rstrip()
    ),
    EventType.LINK_CREATED: lambda data, client: f"Link created for {client}",
    EventType.LINK_OPENED: lambda data, client: f"Link opened by {client}",
    EventType.SERVICE_GRANTED: _granted,
    EventType.SERVICE_FAILED: lambda data, client: (
        f"{client} could not grant {data.get('service', 'a service')}"
    ),
    EventType.SERVICE_SKIPPED: lambda data, client: (
        f"{client} skipped {data.get('service', 'a service')}"
    ),
    EventType.INTAKE_COMPLETED: lambda data, client: f"{client} completed the intake form",
    EventType.LINK_COMPLETED: lambda data, client: f"{client} completed their link",
    EventType.GRANT_ACTIVATED: _activated,
    EventType.GRANT_DRIFTED: _drifted,
    EventType.GRANT_REVOKED: _revoked,
    EventType.CLIENT_OFFBOARDED: lambda data, client: f"{client} was offboarded",
    EventType.WEBHOOK_FAILED: lambda data, client: (
        f"A webhook delivery to {_endpoint(data)} failed"
    ),
    EventType.WEBHOOK_DISABLED: lambda data, client: (
        f"The webhook endpoint {_endpoint(data)} was disabled"
    ),
    EventType.WEBHOOK_TEST: lambda data, client: "A test event was sent",
}


def sentence(event_type: str, data: Mapping[str, Any], client: str = "") -> str:
    """The event in words, such as "Jane Doe granted Google Ads". `client` is the client's name
    (the feed has the current one); without it, the name the event recorded."""
    describe = _SENTENCES.get(event_type)
    if describe is None:
        return EventType(event_type).label if event_type in EventType.values else event_type
    return describe(data, client or client_name(data))


def link_id(event_type: str, data: Mapping[str, Any]) -> str:
    """The public id of the link the event is about, or "" (never something no URL can hold)."""
    found = data.get("id" if event_type == EventType.LINK_COMPLETED else "link_id")
    return str(found) if looks_like_public_id(found) else ""


def awaiting_agency(event_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The assets of a service.granted that wait for the agency to accept an invitation or a
    request on the platform: a grant that needs the agency's action."""
    if event_type != EventType.SERVICE_GRANTED:
        return []
    return [asset for asset in data.get("assets", []) if asset.get("state") == "pending_agency"]
