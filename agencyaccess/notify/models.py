import base64
import json
import secrets
from datetime import datetime
from email.utils import make_msgid, parseaddr
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency, Membership, User
from agencyaccess.lib import crypto
from agencyaccess.lib.ids import PublicIdField


class EventType(models.TextChoices):
    """What can happen, as webhooks and Zapier name it (docs/events.md): `<object>.<verb>`."""

    CLIENT_CREATED = "client.created", "Client created"
    LINK_CREATED = "link.created", "Link created"
    LINK_OPENED = "link.opened", "Link opened"
    SERVICE_GRANTED = "service.granted", "Service granted"
    SERVICE_FAILED = "service.failed", "Service failed"
    SERVICE_SKIPPED = "service.skipped", "Service skipped"
    INTAKE_COMPLETED = "intake.completed", "Intake form completed"
    LINK_COMPLETED = "link.completed", "Link completed"
    GRANT_ACTIVATED = "grant.activated", "Grant activated"
    GRANT_DRIFTED = "grant.drifted", "Grant changed outside AgencyAccess"
    GRANT_REVOKED = "grant.revoked", "Grant revoked"
    CLIENT_OFFBOARDED = "client.offboarded", "Client offboarded"
    WEBHOOK_FAILED = "webhook.failed", "Webhook delivery failed"
    WEBHOOK_DISABLED = "webhook.disabled", "Webhook endpoint disabled"
    WEBHOOK_TEST = "webhook.test", "Webhook test"


SEALED = "sealed:"


def seal(body: str) -> str:
    """How a body that carries secrets (a client's retained tokens) is stored: encrypted."""
    return SEALED + crypto.encrypt(body)


class EventBodyField(models.TextField):
    """An event's JSON envelope. A sealed one (`seal`) is stored encrypted and read back as the
    JSON itself, however it is read (instances, values_list), so no reader can forget to open
    it."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is not None and value.startswith(SEALED):
            return crypto.decrypt(value.removeprefix(SEALED))
        return value


class EventQuerySet(models.QuerySet["Event"]):
    def undispatched_to_endpoints(self) -> "EventQuerySet":
        return self.filter(endpoints_dispatched__isnull=True)

    def teammates_not_notified(self) -> "EventQuerySet":
        return self.filter(teammates_notified__isnull=True)


class Event(models.Model):
    """One thing that happened in an agency, written in the same transaction as the change it
    records (an outbox). Its body is rendered once, as the exact bytes every webhook attempt and
    replay sends; the consumers (webhook endpoints, teammates' e-mails) each take it once and
    stamp their column in the same transaction as the work they queue for it."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="events")
    public_id = PublicIdField()
    type = models.CharField(max_length=40, choices=EventType.choices)
    # Unique: a retried job or a double submit cannot record the same happening twice.
    dedupe_key = models.CharField(max_length=200, unique=True)
    # What the event is about, for the activity feed's filters; kept when those are deleted.
    link = models.ForeignKey("links.Link", models.SET_NULL, null=True, related_name="events")
    client = models.ForeignKey("clients.Client", models.SET_NULL, null=True, related_name="events")
    occurred = models.DateTimeField(default=timezone.now)
    body = EventBodyField()  # the JSON envelope (docs/events.md), compact
    api_version = models.PositiveSmallIntegerField(default=1)
    endpoints_dispatched = models.DateTimeField(null=True, blank=True)
    teammates_notified = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["agency", "-occurred", "-id"], name="event_feed"),
            models.Index(fields=["agency", "type", "-occurred", "-id"], name="event_feed_type"),
            models.Index(fields=["client", "-occurred", "-id"], name="event_feed_client"),
            models.Index(
                fields=["id"],
                condition=models.Q(endpoints_dispatched__isnull=True),
                name="event_to_endpoints",
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(teammates_notified__isnull=True),
                name="event_to_teammates",
            ),
            # The worker purges events older than 30 days (notify/deliveries.py).
            models.Index(fields=["occurred"], name="event_age"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"

    @cached_property
    def envelope(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def data(self) -> dict[str, Any]:
        return self.envelope["data"]


class NotificationKind(models.TextChoices):
    """What a teammate can be e-mailed about; each is a choice on their notifications page."""

    SERVICE_GRANTED = "service_granted", "A client grants a service"
    INTAKE_COMPLETED = "intake_completed", "A client completes the intake form"
    LINK_COMPLETED = "link_completed", "A client completes a link"
    NEEDS_ACTION = "needs_action", "A grant waits for the agency to accept an invitation"
    ACCESS_CHANGED = (
        "access_changed",
        "Access changes outside a link: removed or changed on a platform, or by the client",
    )


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Immediately"
    DIGEST = "digest", "In a daily digest"
    OFF = "off", "Off"


# Until an owner sets the agency's own: what the former on/off settings defaulted to, so that a
# team that never chose keeps getting what it got.
DEFAULT_FREQUENCIES: dict[str, str] = {
    NotificationKind.SERVICE_GRANTED: Frequency.OFF,
    NotificationKind.INTAKE_COMPLETED: Frequency.IMMEDIATELY,
    NotificationKind.LINK_COMPLETED: Frequency.IMMEDIATELY,
    NotificationKind.NEEDS_ACTION: Frequency.IMMEDIATELY,
    NotificationKind.ACCESS_CHANGED: Frequency.IMMEDIATELY,
}


class NotificationSetting(models.Model):
    """How often one kind of notification is e-mailed: a teammate's own choice in one agency
    (membership set), or the agency's default for the teammates who have not chosen (membership
    empty, set by an owner)."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="notification_settings")
    membership = models.ForeignKey(
        Membership, models.CASCADE, null=True, blank=True, related_name="notification_settings"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "kind"],
                condition=models.Q(membership__isnull=True),
                name="one_agency_default_per_kind",
            ),
            models.UniqueConstraint(
                fields=["membership", "kind"], name="one_choice_per_membership_and_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.frequency} ({self.membership or self.agency})"


class DigestItem(models.Model):
    """An event waiting for the next daily digest of one teammate; deleted once in a digest.
    Removing someone from the team deletes theirs."""

    membership = models.ForeignKey(Membership, models.CASCADE, related_name="digest_items")
    event = models.ForeignKey(Event, models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "event"], name="one_digest_item")
        ]
        indexes = [models.Index(fields=["created"])]

    def __str__(self) -> str:
        return f"{self.event} for {self.membership}"


class Digest(models.Model):
    """One daily digest e-mailed to one user: at most one a day (UTC), which the unique
    constraint makes true however many workers run."""

    user = models.ForeignKey(User, models.CASCADE, related_name="digests")
    day = models.DateField()
    events = models.PositiveIntegerField()
    email = models.ForeignKey("OutgoingEmail", models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"digest of {self.day} for {self.user}"


class WebhookEndpoint(models.Model):
    """An address the agency's events are POSTed to: a webhook the agency set up, or a Zapier
    subscription (one trigger of one Zap, made through the API with an API key)."""

    class Kind(models.TextChoices):
        WEBHOOK = "webhook", "Webhook"
        ZAPIER = "zapier", "Zapier"

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="webhook_endpoints")
    public_id = PublicIdField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEBHOOK)
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    # The event types sent to it; empty means all of them.
    event_types = models.JSONField(default=list, blank=True)
    api_version = models.PositiveSmallIntegerField(default=1)
    # Standard Webhooks signing secrets ("whsec_..."), encrypted at rest. While a rotation's
    # overlap lasts, attempts carry a signature with the previous secret too.
    secret_encrypted = models.TextField()
    previous_secret_encrypted = models.TextField(blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Set on the first failure after a success, cleared by any success: auto-disable reads it.
    failing_since = models.DateTimeField(null=True, blank=True)
    # A Zapier subscription belongs to the API key that made it.
    api_key = models.ForeignKey(
        "apikeys.ApiKey", models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["agency", "is_active"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.url}"

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value)

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def signing_secrets(self, at: datetime) -> list[str]:
        """The secrets an attempt at `at` is signed with: the current one, and the previous
        one while a rotation's overlap lasts."""
        current = [self.secret]
        if self.previous_secret_until and at < self.previous_secret_until:
            return [*current, crypto.decrypt(self.previous_secret_encrypted)]
        return current

    @property
    def url_host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def as_ref(self) -> dict[str, str]:
        """The endpoint as webhook.failed and webhook.disabled name it (payloads.EndpointRef)."""
        return {"id": self.public_id, "url_host": self.url_host, "description": self.description}


def new_signing_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Delivery(models.Model):
    """One event to send to one endpoint: a row the worker claims, sends, and retries on the
    schedule until the endpoint answers 2xx or the attempts run out."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(default=timezone.now)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A test event, or resent or recovered by an owner: one attempt, no retries after it and no
    # webhook.failed when it fails.
    single_attempt = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="one_delivery_per_endpoint")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt"]),
            models.Index(fields=["endpoint", "-created"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint} ({self.status})"


class DeliveryAttempt(models.Model):
    """One POST of a delivery and what came back: the endpoint's delivery log."""

    delivery = models.ForeignKey(Delivery, models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(null=True, blank=True)  # the HTTP status, if any
    response_excerpt = models.TextField(blank=True)  # at most 2 KB
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.status or self.error}"


def new_message_id() -> str:
    """A Message-ID (RFC 5322) in the sender's domain."""
    return make_msgid(domain=parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None)


class OutgoingEmail(models.Model):
    """An e-mail to send: a row the worker claims, sends and retries with backoff on failure.
    Its Message-ID is chosen when it is queued and sent with every attempt."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    agency = models.ForeignKey(Agency, models.CASCADE, null=True, related_name="emails")
    link = models.ForeignKey("links.Link", models.SET_NULL, null=True, related_name="emails")
    kind = models.CharField(max_length=50)  # the function that made it: "invitation", …
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    reply_to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    # Empty on the e-mails sent before Message-IDs were kept.
    message_id = models.CharField(max_length=255, default=new_message_id, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt"])]

    def __str__(self) -> str:
        return f"{self.kind} to {', '.join(self.to)} ({self.status})"
