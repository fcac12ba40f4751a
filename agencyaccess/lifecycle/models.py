"""Giving access back: offboardings and the revocations they are made of (docs/lifecycle.md).

An offboarding is one request to remove access (a teammate offboarding a client or one of its
services, the client removing something on their own page, or an end date reached), with the
dated confirmation the client receives. Each grant it removes is one Revocation: durable work
the worker does through the platform's API, retried with a backoff, and never counted as done
until the platform says so.
"""

from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.clients.models import Client
from agencyaccess.lib.ids import PublicIdField
from agencyaccess.links.models import Grant, Link


class Reason(models.TextChoices):
    AGENCY = "agency", "Offboarded by the agency"
    CLIENT = "client", "Removed by the client"
    EXPIRED = "expired", "The access reached its end date"


class Offboarding(models.Model):
    """One request to remove access from a client's accounts, and its confirmation. Its public
    id is the address of the confirmation page the client opens: as unguessable as a link's."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="offboardings")
    client = models.ForeignKey(Client, models.CASCADE, related_name="offboardings")
    # The link and the service it was limited to, when it was (empty: the whole client).
    link = models.ForeignKey(Link, models.SET_NULL, null=True, blank=True, related_name="+")
    service_key = models.CharField(max_length=50, blank=True)
    public_id = PublicIdField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    # Who asked: a teammate's e-mail, "API key <name>", "client" or "worker".
    requested_by = models.CharField(max_length=300)
    created = models.DateTimeField(default=timezone.now)
    # When no revocation was left for the worker to try: the confirmation went out then.
    settled = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "-created"])]

    def __str__(self) -> str:
        return f"offboarding {self.public_id} of {self.client_id}"

    @property
    def retryable(self) -> bool:
        """Some removal failed or was left by hand (from the prefetched revocations)."""
        return any(
            revocation.status in (RevocationStatus.FAILED, RevocationStatus.MANUAL)
            for revocation in self.revocations.all()
        )


class RevocationStatus(models.TextChoices):
    QUEUED = "queued", "Being removed"  # the worker tries (again) at next_attempt
    DONE = "done", "Removed"  # the platform confirmed it
    MANUAL = "manual", "To remove by hand"  # no API, or it needs a sign-in we do not hold
    FAILED = "failed", "Could not be removed"  # the platform kept refusing; shown, never done


class RevocationQuerySet(models.QuerySet["Revocation"]):
    def unsettled(self) -> "RevocationQuerySet":
        return self.filter(status=RevocationStatus.QUEUED)


class Revocation(models.Model):
    """One grant to remove, as part of an offboarding, and how far that got."""

    offboarding = models.ForeignKey(Offboarding, models.CASCADE, related_name="revocations")
    grant = models.ForeignKey(Grant, models.CASCADE, related_name="revocations")
    status = models.CharField(
        max_length=10, choices=RevocationStatus.choices, default=RevocationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(null=True, blank=True, default=timezone.now)
    # What the platform said last: the steps to follow by hand, or why it failed.
    message = models.TextField(blank=True)
    done = models.DateTimeField(null=True, blank=True)

    objects = RevocationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["offboarding", "grant"], name="one_revocation_per_grant"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt"],
                condition=models.Q(status="queued"),
                name="revocation_due",
            )
        ]

    def __str__(self) -> str:
        return f"revocation of grant {self.grant_id}: {self.status}"


OFFBOARDINGS_SHOWN = 10


def recent_offboardings(client: Client) -> list[Offboarding]:
    """The client's latest offboardings with their revocations, in two queries."""
    return list(
        client.offboardings.prefetch_related(
            models.Prefetch(
                "revocations", Revocation.objects.select_related("grant").order_by("id")
            )
        ).order_by("-created")[:OFFBOARDINGS_SHOWN]
    )
