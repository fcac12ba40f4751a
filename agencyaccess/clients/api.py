"""/api/clients/*: create, retrieve and update clients."""

from typing import Any

from ninja import Field, Router, Schema
from pydantic import StrictStr, field_validator, model_validator

from agencyaccess.apikeys.auth import ApiKeyAuth
from agencyaccess.apikeys.capabilities import CLIENTS_CREATE, CLIENTS_EDIT, CLIENTS_RETRIEVE
from agencyaccess.apikeys.idempotency import idempotent
from agencyaccess.clients import validation
from agencyaccess.clients.actions import create_client, update_client
from agencyaccess.clients.models import get_client_for_request
from agencyaccess.lib.envelope import ok
from agencyaccess.lib.schemas import ERRORS, Ok
from agencyaccess.lib.text import one_line

router = Router(tags=["Clients"])

Name = Field(min_length=1, max_length=200)


class ClientFields(Schema):
    """Validators shared by create and update."""

    # Before the length checks, so a name of only spaces is refused as empty.
    @field_validator("name", "company", check_fields=False, mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return one_line(value.strip()) if isinstance(value, str) else value

    @field_validator("email", check_fields=False)
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else validation.clean_email(value)

    @field_validator("website", check_fields=False)
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return None if value is None else validation.clean_website(value)

    @field_validator("language", check_fields=False)
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else validation.clean_language(value)

    @field_validator("type", check_fields=False)
    @classmethod
    def _type(cls, value: str | None) -> str | None:
        return None if value is None else validation.clean_client_type(value)


class ClientCreateIn(ClientFields):
    name: StrictStr = Name
    email: StrictStr = Field(max_length=254)
    company: StrictStr | None = Field(None, max_length=200)
    website: StrictStr | None = Field(None, max_length=500)
    language: StrictStr = Field(description='"English", "Spanish" or "Dutch"')
    metadata: dict[str, StrictStr] | None = Field(None, description="String values only.")
    type: StrictStr | None = Field(None, description='"Client" (the default) or "Prospect".')

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else validation.clean_metadata(value)


class ClientUpdateIn(ClientFields):
    id: StrictStr
    name: StrictStr | None = Field(None, min_length=1, max_length=200)
    email: StrictStr | None = Field(None, max_length=254)
    company: StrictStr | None = Field(None, max_length=200)
    website: StrictStr | None = Field(None, max_length=500)
    language: StrictStr | None = None
    metadata: dict[str, StrictStr | None] | None = Field(
        None, description="Merged into the client's metadata; a key sent as null is removed."
    )
    type: StrictStr | None = None

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else validation.clean_metadata(value, allow_null=True)

    @model_validator(mode="after")
    def _required_fields_not_null(self) -> "ClientUpdateIn":
        for field in ("name", "email", "language", "type"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null: leave it out to keep the current value")
        return self

    def changes(self) -> dict[str, Any]:
        """The fields sent, as the model stores them: a null company or website clears it."""
        changes = self.model_dump(include=self.model_fields_set - {"id"})
        for field in ("company", "website"):
            if field in changes and changes[field] is None:
                changes[field] = ""
        if changes.get("metadata", {}) is None:
            del changes["metadata"]
        return changes


class ClientOut(Schema):
    id: str
    name: str
    email: str
    company: str
    website: str
    language: str
    type: str
    created: int
    metadata: dict[str, str]


@router.post("/create", auth=ApiKeyAuth(CLIENTS_CREATE), response={200: Ok[str], **ERRORS})
@idempotent
def clients_create(request, payload: ClientCreateIn):
    """Create a client. Returns its id."""
    client = create_client(
        request.agency_id,
        "api",
        name=payload.name,
        email=payload.email,
        company=payload.company or "",
        website=payload.website or "",
        language=payload.language,
        type=payload.type or "Client",
        metadata=payload.metadata or {},
    )
    return ok(client.public_id)


@router.get("/retrieve", auth=ApiKeyAuth(CLIENTS_RETRIEVE), response={200: Ok[ClientOut], **ERRORS})
def clients_retrieve(request, id: str):
    """Get a client by its id."""
    return ok(get_client_for_request(request, id).as_api())


@router.post("/update", auth=ApiKeyAuth(CLIENTS_EDIT), response={200: Ok[str], **ERRORS})
def clients_update(request, payload: ClientUpdateIn):
    """Change the fields sent, and only those. `metadata` keys are merged."""
    client = get_client_for_request(request, payload.id)
    update_client(client, payload.changes())
    return ok(client.public_id)
