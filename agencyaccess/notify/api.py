"""/api/hooks/*: REST hook subscriptions for Zapier's triggers, and their sample events."""

from typing import Any

from django.db import transaction
from ninja import Field, Query, Router, Schema
from pydantic import StrictStr, field_validator

from agencyaccess.apikeys.auth import ApiKeyAuth, require_capability
from agencyaccess.audit import log as audit
from agencyaccess.lib.addresses import client_address
from agencyaccess.lib.envelope import ok
from agencyaccess.lib.schemas import ERRORS, Ok
from agencyaccess.lib.tenancy import agency_object
from agencyaccess.notify import validation
from agencyaccess.notify.models import WebhookEndpoint
from agencyaccess.notify.zapier import (
    TRIGGER_CAPABILITIES,
    TRIGGERS,
    example,
    samples,
    subscribe,
)
from agencyaccess.openapi import link_to, operation_doc

router = Router(tags=["Zapier"])

_EVENT_DESCRIPTION = "The trigger: " + ", ".join(
    f"`{trigger}` ({event_type.value}, needs {TRIGGER_CAPABILITIES[trigger]})"
    for trigger, event_type in TRIGGERS.items()
)
_EXAMPLE_EVENT = "access_granted"
_EXAMPLE_URL = "https://hooks.zapier.com/hooks/standard/1234567/abcdef0123456789/"
_EXAMPLE_ID = "subscription-id"  # a placeholder, as the guide's examples have "client-id"


class Trigger(Schema):
    """A Zapier trigger (subscribe's body and sample's query)."""

    event: StrictStr = Field(
        description=_EVENT_DESCRIPTION,
        json_schema_extra={"enum": list(TRIGGERS)},
        examples=[_EXAMPLE_EVENT],  # what hooks/sample's query parameter gives as its example
    )

    @field_validator("event")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in TRIGGERS:
            raise ValueError(f"must be one of {', '.join(TRIGGERS)}")
        return value


class SubscribeIn(Trigger):
    target_url: StrictStr = Field(
        max_length=validation.MAX_TARGET_URL,
        description="Where to POST the events: an absolute https URL (Zapier's `targetUrl`), "
        "not an address of a private network.",
        json_schema_extra={"format": "uri"},
    )

    @field_validator("target_url")
    @classmethod
    def _target_url(cls, value: str) -> str:
        return validation.clean_target_url(value)


class SubscriptionOut(Schema):
    id: str = Field(description="The subscription's id, for unsubscribe.")
    event: str
    target_url: str


class UnsubscribeIn(Schema):
    id: StrictStr = Field(description="The id subscribe returned.")


class UnsubscribeOut(Schema):
    id: str


@router.post(
    "/subscribe",
    auth=ApiKeyAuth(),
    response={201: Ok[SubscriptionOut], **ERRORS},
    openapi_extra=operation_doc(
        request={"event": _EXAMPLE_EVENT, "target_url": _EXAMPLE_URL},
        response={"id": _EXAMPLE_ID, "event": _EXAMPLE_EVENT, "target_url": _EXAMPLE_URL},
        status=201,  # what Zapier's REST hook guide asks a subscribe to answer
        links={"unsubscribe": link_to("hooks_unsubscribe", body="id", field="id")},
    ),
    summary="Subscribe to a trigger",
)
def hooks_subscribe(request, payload: SubscribeIn):
    """Send the trigger's events to `target_url` until unsubscribed: each as a POST of the body
    `GET /api/hooks/sample` shows. Answers 201 with the subscription; the same key subscribing
    the same URL to the same trigger again gets the subscription it has. The key needs the
    capability that reads what the events carry (see `event`); an agency has at most 100
    subscriptions (409 beyond)."""
    require_capability(request.auth, TRIGGER_CAPABILITIES[payload.event])
    with transaction.atomic():
        subscription = subscribe(request.auth, payload.event, payload.target_url)
        _record(request, audit.Action.ZAPIER_SUBSCRIBED, subscription)
    return ok(
        {"id": subscription.public_id, "event": payload.event, "target_url": subscription.url},
        status=201,
    )


@router.post(
    "/unsubscribe",
    auth=ApiKeyAuth(),
    response={200: Ok[UnsubscribeOut], **ERRORS},
    openapi_extra=operation_doc(request={"id": _EXAMPLE_ID}, response={"id": _EXAMPLE_ID}),
    summary="Unsubscribe",
)
def hooks_unsubscribe(request, payload: UnsubscribeIn):
    """Stop sending events to a subscription and delete it, with the deliveries still due to
    it. Any key of the agency can end any of its subscriptions."""
    subscription = agency_object(
        request,
        WebhookEndpoint.objects.filter(kind=WebhookEndpoint.Kind.ZAPIER),
        "Zapier subscription",
        public_id=payload.id,
    )
    public_id = subscription.public_id
    with transaction.atomic():
        subscription.delete()
        _record(request, audit.Action.ZAPIER_UNSUBSCRIBED, subscription)
    return ok({"id": public_id})


@router.get(
    "/sample",
    auth=ApiKeyAuth(),
    response={200: Ok[list[dict[str, Any]]], **ERRORS},
    openapi_extra=operation_doc(response=[example(_EXAMPLE_EVENT)]),
    summary="Sample events of a trigger",
)
def hooks_sample(request, query: Query[Trigger]):
    """Up to 3 of the agency's newest events of the trigger, newest first, each exactly as a
    subscription receives it: the event's `data` with `event_id` and `event_type` added. Without any such event yet, one made-up example. Same capability as
    subscribe."""
    require_capability(request.auth, TRIGGER_CAPABILITIES[query.event])
    return ok(samples(request.agency_id, query.event))


def _record(request, action: audit.Action, subscription: WebhookEndpoint) -> None:
    """Zapier's subscriptions are made by an API key, from the address that called."""
    audit.record(
        action,
        agency=request.auth.agency_id,
        actor=request.auth,
        target=subscription,
        address=client_address(request),
        details={"event": subscription.event_types},
    )
