from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.lib.sql import PreparedInsert


class EventKind(models.TextChoices):
    LINK_CREATED = "link.created", "Link created"
    SERVICE_GRANTED = "service.granted", "Service granted"
    SERVICE_SKIPPED = "service.skipped", "Service skipped"
    INTAKE_COMPLETED = "intake.completed", "Intake form completed"
    LINK_COMPLETED = "link.completed", "Link completed"


class Event(models.Model):
    """Something that happened to a link, for the agency's notifications, webhooks and Zapier."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="events")
    link = models.ForeignKey("links.Link", models.CASCADE, null=True, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    data = models.JSONField(default=dict)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["agency", "-created"])]

    def __str__(self) -> str:
        return f"{self.kind} ({self.created:%Y-%m-%d %H:%M})"


# A row on every link created and every answer a client gives: its INSERT is written once.
_INSERT_EVENT = PreparedInsert(Event)


def record_event(link, kind: EventKind, **data) -> None:
    _INSERT_EVENT.insert(
        [{"agency_id": link.agency_id, "link_id": link.pk, "kind": kind, "data": data}]
    )


class OutgoingEmail(models.Model):
    """An e-mail to send: a row the worker claims, sends and retries with backoff on failure."""

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
