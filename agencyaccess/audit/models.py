"""The audit log: one row per access action, never changed or deleted once written.

Who acted is copied into the row (kind, id and name), not pointed to, so that deleting a
teammate, a key or a client leaves what they did readable. Only the agency is a foreign key:
deleting an agency takes its log with it (see docs/audit.md for how PostgreSQL lets that one
deletion through its trigger).
"""

from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency


class AppendOnly(Exception):
    """Someone tried to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries are never changed.")

    def delete(self):
        raise AppendOnly("Audit entries are never deleted (an agency's go with the agency).")


class ActorKind(models.TextChoices):
    TEAMMATE = "teammate", "Teammate"
    API_KEY = "api_key", "API key"
    CLIENT = "client", "Client"
    WORKER = "worker", "Worker"
    COMMAND_LINE = "command_line", "Command line"


class AuditEntry(models.Model):
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="+")
    occurred = models.DateTimeField(default=timezone.now)
    # A name of audit.Action; not a choices field, so that new actions need no migration.
    action = models.CharField(max_length=50)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor_id = models.CharField(max_length=64, blank=True)  # a public id, or a row id
    actor_name = models.CharField(max_length=300, blank=True)  # an e-mail, a key's name
    target_type = models.CharField(max_length=30, blank=True)  # "grant", "link", "api_key", …
    target_id = models.CharField(max_length=64, blank=True)
    target_name = models.CharField(max_length=300, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["agency", "-occurred", "-id"], name="audit_by_time"),
            models.Index(fields=["agency", "action", "-occurred", "-id"], name="audit_by_action"),
            models.Index(
                fields=["agency", "actor_kind", "actor_name", "-occurred", "-id"],
                name="audit_by_actor",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred:%Y-%m-%d %H:%M} {self.action} by {self.actor_name or self.actor_kind}"
        )

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnly("Audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries are never deleted (an agency's go with the agency).")
