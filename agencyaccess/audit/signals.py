"""Deleting an agency takes its audit log with it, through PostgreSQL's append-only trigger
(migration 0001): the deletion says so for its own transaction only."""

from django.db import connection
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from agencyaccess.accounts.models import Agency

# Read by the trigger function audit_entry_append_only().
ERASING_SETTING = "agencyaccess.erasing_agency"


@receiver(pre_delete, sender=Agency)
def let_the_agency_log_go(sender, instance: Agency, **kwargs) -> None:
    # Django deletes an agency and everything under it in one transaction and sends this
    # first; set_config(..., true) lasts until that transaction ends, and names the one agency
    # whose entries may go.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [ERASING_SETTING, str(instance.pk)])
