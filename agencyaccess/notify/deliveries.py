"""Sending events to webhook endpoints, run by the worker (docs/webhooks.md).

Two steps, each done exactly once whatever crashes, by any number of workers:

- `dispatch_events` (the fan-out) takes the events no endpoint has been offered yet and, in one
  transaction, creates a Delivery for every active endpoint of the agency that wants the type
  and stamps the event. It is a relay job rather than part of the emitting transaction: the
  code that records an event need not know who consumes it, the guarantee is the same (the
  stamp and the deliveries commit together), and it costs at most one worker tick.
- `WebhookSender` claims due deliveries (one transaction; SKIP LOCKED on PostgreSQL, SQLite
  serialises writers), POSTs them side by side in threads, and records each attempt. A claim
  is a lease: a worker killed mid-delivery leaves rows that another takes up when the lease
  ends, so an event can arrive twice, always with the same `webhook-id`, never not at all.
"""

import json
import logging
import random
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Min, QuerySet
from django.utils import timezone

from agencyaccess.lib import http
from agencyaccess.notify import emails
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    EventType,
    WebhookEndpoint,
)
from agencyaccess.notify.webhooks import body_for, disable, signed_headers

logger = logging.getLogger(__name__)

# The wait before each attempt (Standard Webhooks' example schedule: ten attempts over about
# three days), each with JITTER either way so failed deliveries do not come back in step.
SCHEDULE = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
JITTER = 0.2
RETRY_AFTER_CAP = timedelta(hours=24)
TIMEOUT = 15.0  # seconds, to connect and between bytes of the answer
# A claimed row is taken up again after this: longer than any attempt can last.
LEASE = timedelta(seconds=4 * TIMEOUT + 30)
EXCERPT_BYTES = 2048
# Svix's rule: disabled after 5 days of failures, if they are not a short blip.
DISABLE_AFTER = timedelta(days=5)
DISABLE_MIN_FAILURES = 3
DISABLE_MIN_SPREAD = timedelta(hours=12)
KEEP = timedelta(days=30)
DISPATCH_BATCH = 500
PURGE_BATCH = 500
THREADS = 16
QUEUED_PER_THREAD = 4

Status = Delivery.Status
# Events about an endpoint's failures: never sent to the endpoint that failed.
ABOUT_AN_ENDPOINT = frozenset({EventType.WEBHOOK_FAILED.value, EventType.WEBHOOK_DISABLED.value})


def dispatch_events() -> int:
    """Create the deliveries of the events not yet offered to the endpoints; how many events."""
    with transaction.atomic():
        events = list(
            Event.objects.undispatched_to_endpoints()
            .select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", "agency_id", "type", "body")[:DISPATCH_BATCH]
        )
        if not events:
            return 0
        endpoints: dict[int, list[WebhookEndpoint]] = {}
        for endpoint in WebhookEndpoint.objects.filter(
            agency_id__in={agency_id for _, agency_id, _, _ in events}, is_active=True
        ).only("id", "agency_id", "public_id", "event_types"):
            endpoints.setdefault(endpoint.agency_id, []).append(endpoint)
        deliveries = [
            Delivery(event_id=event_id, endpoint_id=endpoint.pk)
            for event_id, agency_id, event_type, body in events
            for endpoint in _recipients(endpoints.get(agency_id, []), event_type, body)
        ]
        # The pair is unique: a delivery made before (a test event's) is left as it is.
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        Event.objects.filter(id__in=[event[0] for event in events]).update(
            endpoints_dispatched=timezone.now()
        )
    return len(events)


def _recipients(
    endpoints: list[WebhookEndpoint], event_type: str, body: str
) -> list[WebhookEndpoint]:
    wanted = [endpoint for endpoint in endpoints if endpoint.wants(event_type)]
    if event_type in ABOUT_AN_ENDPOINT:
        about = json.loads(body)["data"]["endpoint"]["id"]
        wanted = [endpoint for endpoint in wanted if endpoint.public_id != about]
    return wanted


def due_deliveries(now: datetime) -> QuerySet[Delivery]:
    """Deliveries to attempt now (a claimed one whose lease ended too), to endpoints still
    active: a disabled endpoint's wait until it is enabled again."""
    return Delivery.objects.filter(
        status__in=[Status.PENDING, Status.SENDING],
        next_attempt__lte=now,
        endpoint__is_active=True,
    )


def claim_due(limit: int, now: datetime | None = None) -> list[Delivery]:
    """Take up to `limit` due deliveries for this worker, with their event and endpoint.
    Exactly one worker gets each; the row is its for LEASE."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            due_deliveries(now)
            .select_for_update(skip_locked=True, of=("self",))
            # The index's order: ordering by next_attempt alone would sort every due row.
            .order_by("status", "next_attempt")
            .values_list("pk", flat=True)[:limit]
        )
        if not due:
            return []
        Delivery.objects.filter(pk__in=due).update(
            status=Status.SENDING, next_attempt=now + LEASE, attempts=F("attempts") + 1
        )
    return list(Delivery.objects.filter(pk__in=due).select_related("event", "endpoint"))


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: an HTTP status, or an error instead."""

    at: datetime
    duration_ms: int
    status: int | None = None
    excerpt: str = ""
    error: str = ""
    retry_after: timedelta | None = None
    # The receiver's `webhook-delivery: abort-message` (Svix): do not try this one again.
    abort: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def prepare(delivery: Delivery, at: datetime | None = None) -> Request:
    """The signed request of this attempt (signed now: its timestamp is the attempt's)."""
    at = at or timezone.now()
    event, endpoint = delivery.event, delivery.endpoint
    body = body_for(event, endpoint)
    return Request(endpoint.url, body, signed_headers(endpoint, event.public_id, body, at))


def post(request: Request, timeout: float = TIMEOUT) -> Outcome:
    """Send the request; uses no database, so threads can run it side by side."""
    at = timezone.now()
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        reply = http.post_to_public_url(
            request.url,
            request.body,
            request.headers,
            timeout=timeout,
            allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS,
            read_limit=EXCERPT_BYTES,
        )
    except http.TransportError as e:
        return Outcome(at, took(), error=str(e))
    error = ""
    if 300 <= reply.status < 400:
        error = "Redirects are not followed: the endpoint's URL must answer itself."
    return Outcome(
        at,
        took(),
        status=reply.status,
        # PostgreSQL's text cannot hold NUL, which a binary answer may contain.
        excerpt=reply.excerpt.decode(errors="replace").replace("\x00", ""),
        error=error,
        retry_after=_retry_after(reply.headers.get("retry-after"), at),
        abort=reply.headers.get("webhook-delivery", "").strip().lower() == "abort-message",
    )


def _retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        return parsedate_to_datetime(value) - now
    except (TypeError, ValueError):
        return None


def deliver(delivery: Delivery, timeout: float = TIMEOUT) -> Outcome:
    """One attempt of a claimed delivery, start to end (the tests' entry point)."""
    outcome = post(prepare(delivery), timeout)
    record(delivery, outcome)
    return outcome


def next_delay(attempts: int, outcome: Outcome) -> timedelta | None:
    """The wait before the next attempt after `attempts` failed ones; None: no more."""
    if attempts >= len(SCHEDULE) or outcome.status == 410 or outcome.abort:
        return None
    delay = SCHEDULE[attempts] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311
    if outcome.retry_after is not None:
        delay = max(delay, min(outcome.retry_after, RETRY_AFTER_CAP))
    return delay


def record(delivery: Delivery, outcome: Outcome) -> None:
    """Log the attempt and move the delivery on: done, retried later, or failed for good;
    and the endpoint with it (failing since when, disabled, or for Zapier unsubscribed)."""
    record_all([(delivery, outcome)])


def record_all(finished: list[tuple[Delivery, Outcome]]) -> None:
    """record() for several attempts in one transaction: the attempts inserted at once, and
    the successes (the usual case) marked done by one UPDATE per status code."""
    if not finished:
        return
    with transaction.atomic():
        kept = []
        for delivery, outcome in finished:
            endpoint = delivery.endpoint
            if outcome.status == 410 and endpoint.kind == WebhookEndpoint.Kind.ZAPIER:
                # Zapier's rule: 410 means the Zap was turned off or deleted; unsubscribe.
                WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
            else:
                kept.append((delivery, outcome))
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(
                delivery=delivery,
                number=delivery.attempts,
                at=outcome.at,
                duration_ms=outcome.duration_ms,
                status=outcome.status,
                response_excerpt=outcome.excerpt,
                error=outcome.error[:2000],
            )
            for delivery, outcome in kept
        )
        succeeded: dict[tuple[int | None, int], list[int]] = {}
        for delivery, outcome in kept:
            if outcome.ok:
                succeeded.setdefault((outcome.status, delivery.attempts), []).append(delivery.pk)
            else:
                _failed(delivery, outcome)
        for (status, attempts), pks in succeeded.items():
            # Only rows still this worker's (see _finish).
            Delivery.objects.filter(pk__in=pks, status=Status.SENDING, attempts=attempts).update(
                status=Status.SUCCEEDED, last_status=status, last_error="", single_attempt=False
            )
        recovered = {d.endpoint_id for d, o in kept if o.ok and d.endpoint.failing_since}
        if recovered:
            WebhookEndpoint.objects.filter(pk__in=recovered).update(failing_since=None)


def _failed(delivery: Delivery, outcome: Outcome) -> None:
    delay = None if delivery.single_attempt else next_delay(delivery.attempts, outcome)
    if delay is None:
        mine = _finish(delivery, outcome, Status.FAILED)
        # A 410 disables the endpoint: webhook.disabled tells of it, not webhook.failed.
        if mine and not delivery.single_attempt and outcome.status != 410:
            _failed_for_good(delivery, outcome)
    else:
        _finish(delivery, outcome, Status.PENDING, next_attempt=outcome.at + delay)
    _endpoint_failed(delivery.endpoint, outcome)


def _finish(delivery: Delivery, outcome: Outcome, status: str, **more) -> bool:
    """Update the delivery if this worker still holds it (its lease did not run out and
    another worker took it up meanwhile); whether it did."""
    updated = Delivery.objects.filter(
        pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts
    ).update(
        status=status,
        last_status=outcome.status,
        last_error=outcome.error[:2000],
        single_attempt=False,
        **more,
    )
    return bool(updated)


def _failed_for_good(delivery: Delivery, outcome: Outcome) -> None:
    """webhook.failed for the agency's other endpoints, except about a webhook.failed: one
    failing endpoint must not set off a chain of them."""
    event = delivery.event
    if event.type == EventType.WEBHOOK_FAILED:
        return
    emit(
        delivery.endpoint.agency_id,
        EventType.WEBHOOK_FAILED,
        {
            "endpoint": delivery.endpoint.as_ref(),
            "event": {"id": event.public_id, "type": event.type},
            "attempts": delivery.attempts,
            "last_status": outcome.status,
            "last_error": outcome.error,
        },
        dedupe_key=f"{delivery.endpoint.public_id}:{event.public_id}",
    )


def _endpoint_failed(endpoint: WebhookEndpoint, outcome: Outcome) -> None:
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
            failing_since=outcome.at
        )
        endpoint.failing_since = outcome.at
    if outcome.status == 410:
        disable_and_tell(endpoint, "It answered 410 Gone.")
    elif failing_too_long(endpoint, outcome.at):
        disable_and_tell(
            endpoint, f"Every attempt failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC."
        )


def failing_too_long(endpoint: WebhookEndpoint, now: datetime) -> bool:
    """Failing for DISABLE_AFTER, with at least DISABLE_MIN_FAILURES failed attempts spread
    over DISABLE_MIN_SPREAD (a receiver down for an hour five days ago is not failing)."""
    since = endpoint.failing_since
    if since is None or now - since < DISABLE_AFTER:
        return False
    failures = (
        DeliveryAttempt.objects.filter(delivery__endpoint=endpoint, at__gte=since)
        .exclude(status__gte=200, status__lt=300)
        .aggregate(count=Count("id"), first=Min("at"), last=Max("at"))
    )
    return (
        failures["count"] >= DISABLE_MIN_FAILURES
        and failures["last"] - failures["first"] >= DISABLE_MIN_SPREAD
    )


def disable_and_tell(endpoint: WebhookEndpoint, reason: str) -> None:
    """Disable the endpoint, e-mail the agency's owners and emit webhook.disabled (sent to
    the agency's other endpoints), once however many attempts see it fail."""
    failing_since = endpoint.failing_since
    if not disable(endpoint, reason):
        return
    emails.webhook_disabled(endpoint)
    emit(
        endpoint.agency_id,
        EventType.WEBHOOK_DISABLED,
        {
            "endpoint": endpoint.as_ref(),
            "reason": reason,
            "failing_since": round(failing_since.timestamp() * 1000) if failing_since else None,
        },
        dedupe_key=f"{endpoint.public_id}:{endpoint.disabled_at.isoformat()}",  # type: ignore[union-attr]
    )


class WebhookSender:
    """The worker's deliveries under way: up to `threads` POSTs at once, each in a thread, so
    a slow receiver holds one thread and not the others. The threads only send; the worker's
    own thread claims and records, so the threads need no database connection."""

    def __init__(self, threads: int = THREADS, timeout: float = TIMEOUT) -> None:
        self.threads = threads
        self.timeout = timeout
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="webhook")
        self.under_way: dict[Future[Outcome], Delivery] = {}
        # Claimed ahead of the free threads, so each tick's queries serve a bigger batch; the
        # few queued seconds at most are far inside the lease.
        self.most_under_way = threads * QUEUED_PER_THREAD

    def send_due(self) -> int:
        """The job: record the attempts that finished, then start due ones. With as many
        under way as it takes, it waits a moment for one to finish rather than let the
        worker's loop sleep a whole interval."""
        if len(self.under_way) >= self.most_under_way:
            wait(self.under_way, timeout=0.5, return_when=FIRST_COMPLETED)
        done = self._record_finished()
        free = self.most_under_way - len(self.under_way)
        claimed = claim_due(free) if free else []
        for delivery in claimed:
            request = prepare(delivery)
            self.under_way[self.pool.submit(post, request, self.timeout)] = delivery
        return done + len(claimed)

    def _record_finished(self) -> int:
        finished = [
            (self.under_way.pop(future), future.result())
            for future in [future for future in self.under_way if future.done()]
        ]
        try:
            record_all(finished)
        except Exception:
            # One by one, so that one attempt that cannot be recorded holds up no other; it is
            # left claimed, to be taken up again when its lease ends.
            for one in finished:
                try:
                    record_all([one])
                except Exception:
                    logger.exception("recording an attempt of delivery %s failed", one[0].pk)
        return len(finished)

    def close(self) -> None:
        """Wait for the POSTs under way and record them (the worker is stopping)."""
        wait(self.under_way)
        self._record_finished()
        self.pool.shutdown()


def purge_webhook_history(now: datetime | None = None) -> int:
    """Delete events older than KEEP with their deliveries and attempts; how many events."""
    cutoff = (now or timezone.now()) - KEEP
    purged = 0
    while True:
        ids = list(
            Event.objects.filter(occurred__lt=cutoff).values_list("id", flat=True)[:PURGE_BATCH]
        )
        if not ids:
            return purged
        with transaction.atomic():
            DeliveryAttempt.objects.filter(delivery__event_id__in=ids).delete()
            Delivery.objects.filter(event_id__in=ids).delete()
            Event.objects.filter(id__in=ids).delete()
        purged += len(ids)
