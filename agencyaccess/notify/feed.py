"""The agency's activity feed, on the dashboard's home: its events, newest first, each as a
sentence linking to its link (or client), filtered by client and by type.

Pages go by keyset, `?before=<event id>`: the next page starts after that event, so any page of
100,000 events is one indexed query (Event's `event_feed*` indexes; bench/dashboard.py), and
an event recorded meanwhile does not shift the rows of the pages already read.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from agencyaccess.clients.models import Client
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.notify import activity
from agencyaccess.notify.models import Event, EventType

FEED_SIZE = 20


@dataclass(frozen=True)
class Row:
    event: Event
    sentence: str
    url: str  # the link's page, else the client's, else none


@dataclass(frozen=True)
class Feed:
    rows: Sequence[Row]
    event_type: str  # the type filtered on, or ""
    older: str  # the `before` of the next page, or "" on the last one
    paged: bool  # a later page than the first
    types: Sequence[tuple[str, str]] = tuple(EventType.choices)


def feed_for_request(request: AgencyRequest, client: Client | None) -> Feed:
    """The page of the feed the request asks for (`?type=`, `?before=`), of `client`'s events
    only when given. `client` must be the request's agency's; an event id of another agency in
    `before` is a 404."""
    event_type = request.GET.get("type", "")
    if event_type not in EventType.values:
        event_type = ""
    events = Event.objects.filter(agency_id=request.agency_id)
    if client is not None:
        events = events.filter(client=client)
    if event_type:
        events = events.filter(type=event_type)
    before = request.GET.get("before", "")
    if before:
        cursor = agency_object(request, Event, "event", public_id=before)
        # The first condition alone lets the index bound the scan; the second is the exact one.
        events = events.filter(occurred__lte=cursor.occurred).filter(
            Q(occurred__lt=cursor.occurred) | Q(id__lt=cursor.pk)
        )
    found = list(
        events.select_related("client", "link")
        .only(*_COLUMNS)
        .order_by("-occurred", "-id")[: FEED_SIZE + 1]
    )
    return Feed(
        rows=[_row(event) for event in found[:FEED_SIZE]],
        event_type=event_type,
        older=found[FEED_SIZE - 1].public_id if len(found) > FEED_SIZE else "",
        paged=bool(before),
    )


_COLUMNS = (
    "public_id",
    "type",
    "occurred",
    "body",
    "client",
    "link",
    "client__public_id",
    "client__name",
    "link__public_id",
)


def _row(event: Event) -> Row:
    client = event.client
    if event.link is not None:
        url = reverse("links-detail", args=[event.link.public_id])
    elif client is not None:
        url = reverse("clients-detail", args=[client.public_id])
    else:
        url = ""
    name = client.name if client is not None else ""
    return Row(event, activity.sentence(event.type, event.data, name), url)
