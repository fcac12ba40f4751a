from typing import Any

from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog import PLATFORM_CHOICES
from agencyaccess.lib.ids import PublicIdField


class ConnectionMethod(models.TextChoices):
    OAUTH = "oauth", "Signed in"
    MANUAL = "manual", "Entered by hand"


class ConnectedAccount(models.Model):
    """The agency's own account on a platform, which receives the access clients grant.

    Its public id is the API's `internalAccountID`. What it holds depends on the platform (an
    e-mail address, a Business Manager id, Google Ads manager ids): `email` and `fields`, as the
    catalogue's account fields describe.
    """

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="connected_accounts")
    public_id = PublicIdField()
    platform = models.CharField(max_length=30, choices=PLATFORM_CHOICES)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    fields = models.JSONField(default=dict, blank=True)
    method = models.CharField(
        max_length=10, choices=ConnectionMethod.choices, default=ConnectionMethod.MANUAL
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["agency", "platform"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.name or self.email or self.public_id}"

    def field_value(self, key: str) -> Any:
        """A catalogue account field: `email` is a column, the rest live in `fields`."""
        return self.email if key == "email" else self.fields.get(key)
