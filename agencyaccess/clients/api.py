"""/api/clients/*: create, retrieve and update clients."""

from typing import Annotated, Any

from ninja import Field, Query, Router, Schema
from pydantic import StrictStr, field_validator

from agencyaccess.apikeys.auth import ApiKeyAuth
from agencyaccess.apikeys.capabilities import CLIENTS_CREATE, CLIENTS_EDIT, CLIENTS_RETRIEVE
from agencyaccess.apikeys.idempotency import idempotent
from agencyaccess.clients import validation
from agencyaccess.clients.actions import create_client, update_client
from agencyaccess.clients.models import CLIENT_OF_AGENCY, Client, ClientType, Language
from agencyaccess.lib.envelope import ok
from agencyaccess.lib.schemas import ERRORS, Email, Ok, documented
from agencyaccess.lib.tenancy import agency_object
from agencyaccess.lib.text import one_line
from agencyaccess.openapi import link_to, operation_doc

router = Router(tags=["Clients"])

UNCHANGED = "null, like leaving it out, keeps the current value."


# Not blank: the name is stripped before its length is checked.
NameText = Annotated[StrictStr, Field(min_length=1, max_length=200), documented(pattern=r"\S")]
LanguageName = Annotated[
    StrictStr,
    documented(
        enum=[str(language.label) for language in Language],
        description="In any case; the two-letter codes too (" + ", ".join(Language.values) + ").",
    ),
]
ClientTypeName = Annotated[
    StrictStr, documented(enum=ClientType.values, description="In any case.")
]
_METADATA_LIMITS = {
    "maxProperties": validation.METADATA_MAX_KEYS,
    "propertyNames": {"minLength": 1, "maxLength": validation.METADATA_MAX_KEY_LENGTH},
}
_METADATA_VALUE = {"type": "string", "maxLength": validation.METADATA_MAX_VALUE_LENGTH}
Metadata = Annotated[
    dict[str, StrictStr], documented(**_METADATA_LIMITS, additionalProperties=_METADATA_VALUE)
]
MetadataChanges = Annotated[
    dict[str, StrictStr | None],
    documented(
        **_METADATA_LIMITS, additionalProperties={"anyOf": [_METADATA_VALUE, {"type": "null"}]}
    ),
]


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
    """A field that may be left out may also be sent as null, with the same meaning."""

    name: NameText
    email: Email
    company: StrictStr | None = Field(None, max_length=200)
    website: StrictStr | None = Field(None, max_length=500)
    language: LanguageName
    metadata: Metadata | None = Field(None, description="String values only.")
    type: ClientTypeName | None = Field(None, description='"Client" if left out.')

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else validation.clean_metadata(value)


class ClientUpdateIn(ClientFields):
    """Only the fields sent change. A field sent as null keeps its value, as if it were left
    out; an empty string clears company or website."""

    id: StrictStr = Field(description="The id of the client to update.")
    name: NameText | None = Field(None, description=UNCHANGED)
    email: Email | None = Field(None, description=UNCHANGED)
    company: StrictStr | None = Field(None, max_length=200, description=UNCHANGED)
    website: StrictStr | None = Field(None, max_length=500, description=UNCHANGED)
    language: LanguageName | None = Field(None, description=UNCHANGED)
    metadata: MetadataChanges | None = Field(
        None,
        description="Merged into the client's metadata: a key sent as null is removed. "
        + UNCHANGED,
    )
    type: ClientTypeName | None = Field(None, description=UNCHANGED)

    @field_validator("metadata")
    @classmethod
    def _metadata(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else validation.clean_metadata(value, allow_null=True)

    def changes(self) -> dict[str, Any]:
        """The fields sent with a value, as the model stores them."""
        return {
            field: getattr(self, field)
            for field in self.model_fields_set - {"id"}
            if getattr(self, field) is not None
        }


# The API guide's examples, with the ids of the other examples.
GUIDE_CLIENT = {
    "name": "John Doe",
    "email": "john@example.com",
    "company": "Example Corp",
    "website": "https://example.com",
    "language": "English",
}
GUIDE_CLIENT_OUT = {
    "id": "client-id",
    **GUIDE_CLIENT,
    "type": "Client",
    "created": 1741951170010,
    "metadata": {},
}


class ClientFindIn(ClientFields):
    email: Email = Field(
        description="The e-mail address, in any case; surrounding spaces are ignored.",
        examples=[GUIDE_CLIENT["email"]],  # the e-mail of the client in find's example answer
    )


FOUND_AT_MOST = 10


class ClientOut(Schema):
    id: str
    name: str
    email: Email
    company: str
    website: str
    language: LanguageName
    type: ClientTypeName
    created: int = Field(description="When the client was created: Unix time in milliseconds.")
    metadata: dict[str, str]


@router.post(
    "/create",
    auth=ApiKeyAuth(CLIENTS_CREATE),
    response={200: Ok[str], **ERRORS},
    openapi_extra=operation_doc(
        request={
            **GUIDE_CLIENT,
            "metadata": {"customField1": "value1", "customField2": "value2"},
        },
        response="client-id-here",
        links={
            "retrieve": link_to("clients_retrieve", query="id"),
            "update": link_to("clients_update", body="id"),
            "createLink": link_to("links_create", body="clientID"),
        },
    ),
)
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


@router.get(
    "/retrieve",
    auth=ApiKeyAuth(CLIENTS_RETRIEVE),
    response={200: Ok[ClientOut], **ERRORS},
    openapi_extra=operation_doc(
        response=GUIDE_CLIENT_OUT,
        links={"find": link_to("clients_find", query="email", field="email")},
    ),
)
def clients_retrieve(request, id: str = Query(description="The client's id.", example="client-id")):
    """Get a client by its id."""
    return ok(agency_object(request, CLIENT_OF_AGENCY, "client", public_id=id).as_api())


@router.post(
    "/update",
    auth=ApiKeyAuth(CLIENTS_EDIT),
    response={200: Ok[str], **ERRORS},
    openapi_extra=operation_doc(
        request={
            "id": "client-id",
            "name": "John Doe Updated",
            "email": "john.new@example.com",
            "company": "New Company Name",
            "website": "https://newwebsite.com",
            "language": "Spanish",
            "metadata": {"updatedField": "newValue"},
        },
        response="client-id",
    ),
)
def clients_update(request, payload: ClientUpdateIn):
    """Change the fields sent, and only those. `metadata` keys are merged."""
    client = agency_object(request, CLIENT_OF_AGENCY, "client", public_id=payload.id)
    update_client(client, payload.changes())
    return ok(client.public_id)


@router.get(
    "/find",
    auth=ApiKeyAuth(CLIENTS_RETRIEVE),
    response={200: Ok[list[ClientOut]], **ERRORS},
    openapi_extra=operation_doc(response=[GUIDE_CLIENT_OUT]),
)
def clients_find(request, query: Query[ClientFindIn]):
    """The clients with this e-mail address, newest first, at most 10, each as retrieve shows
    it; an empty list when there is none. Zapier's "Find Client" search."""
    clients = (
        Client.objects.filter(agency_id=request.agency_id)
        .with_email(query.email)
        .order_by("-created", "-id")[:FOUND_AT_MOST]
    )
    return ok([client.as_api() for client in clients])
