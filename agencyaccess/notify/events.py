"""The event catalogue and `emit`, the one way an event is recorded (docs/events.md).

An event is written in the transaction of the change it records, under a dedupe key that names
the happening (`link.completed:<link>:<n>`), so a retried job or a double submit records it
once. Its body, the envelope below, is rendered here once; every delivery sends those bytes.

    {"id": "<event id>", "type": "link.completed", "timestamp": "2026-11-27T18:03:12.345Z",
     "api_version": 1, "agency": "<agency id>", "data": {...}}
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.lib.ids import new_public_id
from agencyaccess.lib.sql import PreparedInsert, PreparedQuery
from agencyaccess.notify import payloads
from agencyaccess.notify.models import Event, EventType, seal

API_VERSION = 1


@dataclass(frozen=True)
class EventSpec:
    """One type of the catalogue: when it fires, the schema of its `data`, an example."""

    event_type: EventType
    when: str
    data: type[payloads.Data]
    example: dict[str, Any]

    def json_schema(self) -> dict[str, Any]:
        return self.data.model_json_schema()

    def example_envelope(self) -> dict[str, Any]:
        """The example as a whole body, as an endpoint receives it."""
        return json.loads(
            envelope(_EVENT_ID, self.event_type.value, _EXAMPLE_TIME, _AGENCY_ID, self.example)
        )


_CLIENT = {
    "id": "kq3Xw9ZpT2mLr8Vb1NcY",
    "name": "Jane Doe",
    "email": "jane@example.com",
    "company": "Jane's Bakery",
    "website": "janesbakery.example",
    "language": "English",
    "type": "Client",
    "created": 1764547200000,
    "metadata": {"crmId": "4711"},
}
_ASSET = {
    "native_id": "customers/1234567890",
    "name": "Jane's Bakery Ads",
    "type": "ad_account",
    "platform": "Google",
    "service": "Google Ads",
    "state": "active",
    "role": "STANDARD",
    "access_level": "STANDARD",
    "connected_account": {"id": "Gh7Tq2Lm9Xc4Vb8Nz1Kd", "name": "ads@agency.example"},
    "notes": "",
    "granted_at": 1764550800000,
    "last_verified_at": 1764550800000,
}
_LINK_ID = "ccXFZzXwyB35IXNFMW6N"
_OFFBOARDING_ID = "Of5Rk2Nw8Lq3Xt7Vb9Hm"
_EVENT_ID = "Ev9Pz4Kw7Hd2Qm5Ts8Ra"
_AGENCY_ID = "Ag3Nc7Yq1Dk5Rm9Tp2Wx"
_EXAMPLE_TIME = datetime(2025, 12, 1, 1, 3, 20, 345000, tzinfo=UTC)
_ENDPOINT = {"id": "Wb4Hk8Qs2Np6Rt1Yx9Lm", "url_host": "hooks.agency.example", "description": "CRM"}

CATALOGUE: dict[str, EventSpec] = {
    spec.event_type.value: spec
    for spec in (
        EventSpec(
            EventType.CLIENT_CREATED,
            "A client was created: through the API, on the dashboard, or by a visitor of an "
            "access page.",
            payloads.ClientCreated,
            {"client": _CLIENT, "source": "api"},
        ),
        EventSpec(
            EventType.LINK_CREATED,
            "An access link was created.",
            payloads.LinkCreated,
            {
                "link": {
                    "id": _LINK_ID,
                    "clientID": _CLIENT["id"],
                    "url": f"https://access.agency.example/l/{_LINK_ID}/",
                    "created": 1764547300000,
                    "staticLinkRef": "",
                    "services": [
                        {
                            "platform": "Google",
                            "service": "Google Ads",
                            "access_level": "STANDARD",
                            "requested": True,
                        }
                    ],
                },
                "client": _CLIENT,
            },
        ),
        EventSpec(
            EventType.LINK_OPENED,
            "The client opened the link for the first time (later visits fire nothing).",
            payloads.LinkOpened,
            {
                "link_id": _LINK_ID,
                "client_id": _CLIENT["id"],
                "opened_at": 1764550000000,
                "language": "English",
            },
        ),
        EventSpec(
            EventType.SERVICE_GRANTED,
            "The client granted a service: at least one asset is active or waiting for someone "
            "to accept. `result` is `partial` when some assets could not be granted.",
            payloads.ServiceResult,
            {
                "link_id": _LINK_ID,
                "client": _CLIENT,
                "platform": "Google",
                "service": "Google Ads",
                "access_level": "STANDARD",
                "result": "granted",
                "assets": [_ASSET],
                "assets_truncated": False,
            },
        ),
        EventSpec(
            EventType.SERVICE_FAILED,
            "The client tried to grant a service and no asset could be granted; `notes` of each "
            "asset says why.",
            payloads.ServiceResult,
            {
                "link_id": _LINK_ID,
                "client": _CLIENT,
                "platform": "Google",
                "service": "Google Ads",
                "access_level": "STANDARD",
                "result": "failed",
                "assets": [
                    {
                        **_ASSET,
                        "state": "failed",
                        "notes": "The Google account has no administrator access to this account.",
                    }
                ],
                "assets_truncated": False,
            },
        ),
        EventSpec(
            EventType.SERVICE_SKIPPED,
            "The client skipped a service.",
            payloads.ServiceSkipped,
            {
                "link_id": _LINK_ID,
                "client_id": _CLIENT["id"],
                "platform": "Meta",
                "service": "Facebook Pages",
                "skipped_at": 1764550900000,
            },
        ),
        EventSpec(
            EventType.INTAKE_COMPLETED,
            "The client submitted the intake form.",
            payloads.IntakeCompleted,
            {
                "link_id": _LINK_ID,
                "client": _CLIENT,
                "answers": {"monthly_budget": 1500, "goals": "More bookings"},
            },
        ),
        EventSpec(
            EventType.LINK_COMPLETED,
            "The client finished the link: every requested service granted or skipped, and the "
            "intake form submitted if it was asked. Zapier's `access_granted`. Fires again if "
            "the link is completed again after a service was asked anew.",
            payloads.LinkCompleted,
            {
                "id": _LINK_ID,
                "client": {
                    "owner": _AGENCY_ID,
                    "website": "janesbakery.example",
                    "created": 1764547200000,
                    "name": "Jane Doe",
                    "company": "Jane's Bakery",
                    "type": "Client",
                    "email": "jane@example.com",
                    "usingFavicon": True,
                    "pfp": "https://janesbakery.example/favicon.ico",
                    "intakeForm": {"monthly_budget": 1500},
                    "id": _CLIENT["id"],
                },
                "url": f"https://access.agency.example/l/{_LINK_ID}/",
                "completed": 1764551000000,
                "services": [
                    {
                        "platform": "Google",
                        "service": "Google Ads",
                        "access_level": "STANDARD",
                        "status": "granted",
                        "assets": [_ASSET],
                        "assets_truncated": False,
                    }
                ],
                "skipped": 0,
                "tokens": None,
            },
        ),
        EventSpec(
            EventType.GRANT_ACTIVATED,
            "A grant that was waiting (an invitation or a manager link to accept, a platform "
            "review) became active.",
            payloads.GrantActivated,
            {
                "link_id": _LINK_ID,
                "client_id": _CLIENT["id"],
                "grant": _ASSET,
                "previous_state": "pending_agency",
            },
        ),
        EventSpec(
            EventType.GRANT_DRIFTED,
            "A re-check found a grant changed on the platform by someone other than "
            "AgencyAccess: the agency's access removed (`removed`), or its role lowered or "
            "raised (`role_changed`). Fires once per change found.",
            payloads.GrantDrifted,
            {
                "link_id": _LINK_ID,
                "client": _CLIENT,
                "grant": {
                    **_ASSET,
                    "state": "revoked",
                    "notes": "The agency no longer has access.",
                },
                "drift": "removed",
                "observed_role": "",
                "detected_at": 1764637200000,
            },
        ),
        EventSpec(
            EventType.GRANT_REVOKED,
            "The platform confirmed that the agency's access was removed: by an offboarding, by "
            "the client on their page, or at the access's end date (`reason`).",
            payloads.GrantRevoked,
            {
                "link_id": _LINK_ID,
                "client": _CLIENT,
                "grant": {**_ASSET, "state": "revoked"},
                "offboarding_id": _OFFBOARDING_ID,
                "reason": "agency",
                "revoked_at": 1764723600000,
            },
        ),
        EventSpec(
            EventType.CLIENT_OFFBOARDED,
            "An offboarding (of a client, one link's service, or an end date reached) is "
            "settled: each grant was removed, or is left for steps by hand, or kept failing. "
            "The client was sent the dated confirmation at `confirmation_url`.",
            payloads.ClientOffboarded,
            {
                "offboarding_id": _OFFBOARDING_ID,
                "client": _CLIENT,
                "link_id": None,
                "service": None,
                "reason": "agency",
                "requested_at": 1764723500000,
                "settled_at": 1764723600000,
                "grants": [
                    {
                        "platform": "Google",
                        "service": "Google Ads",
                        "name": "Jane's Bakery Ads",
                        "native_id": "customers/1234567890",
                        "status": "done",
                        "notes": "",
                    }
                ],
                "grants_truncated": False,
                "confirmation_url": f"https://access.agency.example/offboarding/{_OFFBOARDING_ID}/",
            },
        ),
        EventSpec(
            EventType.WEBHOOK_FAILED,
            "A delivery to one of your endpoints failed on its last attempt. Never sent to the "
            "endpoint that failed.",
            payloads.WebhookFailed,
            {
                "endpoint": _ENDPOINT,
                "event": {"id": "Ev1Xq8Lm3Nt6Ps2Rb7Yk", "type": "link.completed"},
                "attempts": 10,
                "last_status": 500,
                "last_error": "",
            },
        ),
        EventSpec(
            EventType.WEBHOOK_DISABLED,
            "An endpoint was disabled: it answered 410 Gone, or kept failing for days. Never "
            "sent to that endpoint.",
            payloads.WebhookDisabled,
            {"endpoint": _ENDPOINT, "reason": "failing for 5 days", "failing_since": 1764100000000},
        ),
        EventSpec(
            EventType.WEBHOOK_TEST,
            "Sent by “Send test event” to check an endpoint.",
            payloads.WebhookTest,
            {"message": "A test event from AgencyAccess."},
        ),
    )
}


def envelope(event_id: str, event_type: str, occurred: datetime, agency: str, data: Any) -> str:
    """The exact body of the event: compact JSON, times in UTC with milliseconds."""
    timestamp = occurred.astimezone(UTC).isoformat(timespec="milliseconds")
    return json.dumps(
        {
            "id": event_id,
            "type": event_type,
            "timestamp": timestamp.replace("+00:00", "Z"),
            "api_version": API_VERSION,
            "agency": agency,
            "data": data,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


# Events are written on every link created and every answer: the INSERT is written once, and
# a dedupe key seen before is a no-op rather than an error that would undo the transaction.
_INSERT_EVENT = PreparedInsert(Event, ignore_conflicts=True)


def emit(
    agency_id: int,
    event_type: EventType,
    data: dict[str, Any],
    *,
    dedupe_key: str,
    link_id: int | None = None,
    client_id: int | None = None,
    occurred: datetime | None = None,
    sealed: bool = False,
) -> None:
    """Record one event; call it inside the transaction of the change it records. `sealed`:
    the data carries secrets (a client's retained tokens), so the body is stored encrypted."""
    occurred = occurred or timezone.now()
    event_id = new_public_id()
    body = envelope(event_id, event_type.value, occurred, agency_public_id(agency_id), data)
    _INSERT_EVENT.insert(
        [
            {
                "agency_id": agency_id,
                "public_id": event_id,
                "type": event_type.value,
                "dedupe_key": f"{event_type.value}:{dedupe_key}",
                "link_id": link_id,
                "client_id": client_id,
                "occurred": occurred,
                "body": seal(body) if sealed else body,
                "api_version": API_VERSION,
            }
        ]
    )


_AGENCY_PUBLIC_ID = PreparedQuery(
    lambda agency_id: Agency.objects.filter(pk=agency_id).values_list("public_id"), agency_id=int
)


def agency_public_id(agency_id: int) -> str:
    [(public_id,)] = _AGENCY_PUBLIC_ID.rows(agency_id=agency_id)
    return public_id
