"""Client workflows shared by the API and the dashboard. Fields arrive already cleaned."""

from typing import Any

from agencyaccess.clients.models import Client
from agencyaccess.clients.validation import merge_metadata
from agencyaccess.lib.errors import ActionError

UPDATABLE_FIELDS = ("name", "email", "company", "website", "language", "type")


def create_client(agency_id: int, **fields: Any) -> Client:
    return Client.objects.create(agency_id=agency_id, **fields)


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
