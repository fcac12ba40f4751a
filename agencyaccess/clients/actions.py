"""Client workflows shared by the API and the dashboard. Fields arrive already cleaned."""

from typing import Any

from django.db import transaction

from agencyaccess.clients.models import Client
from agencyaccess.clients.validation import merge_metadata
from agencyaccess.lib.errors import ActionError
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import EventType

UPDATABLE_FIELDS = ("name", "email", "company", "website", "language", "type")


def create_client(agency_id: int, source: str, **fields: Any) -> Client:
    """`source` says where it was made (api, dashboard, access_page), for client.created."""
    with transaction.atomic():
        client = Client.objects.create(agency_id=agency_id, **fields)
        emit(
            agency_id,
            EventType.CLIENT_CREATED,
            {"client": client.as_api(), "source": source},
            dedupe_key=str(client.pk),
            client_id=client.pk,
        )
    return client


def update_client(client: Client, changes: dict[str, Any]) -> Client:
    """Change only the fields given; `metadata` is merged (a key set to None is removed)."""
    update_fields = []
    for field in UPDATABLE_FIELDS:
        if field in changes:
            setattr(client, field, changes[field])
            update_fields.append(field)
    if "metadata" in changes:
        try:
            client.metadata = merge_metadata(client.metadata, changes["metadata"])
        except ValueError as e:
            raise ActionError(f"metadata {e}.") from None
        update_fields.append("metadata")
    if update_fields:
        client.save(update_fields=update_fields)
    return client
