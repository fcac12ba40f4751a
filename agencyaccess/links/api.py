"""/api/links/*: create, update and retrieve access links."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.db.models import F
from ninja import Field, Query, Router, Schema
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from agencyaccess.apikeys.auth import ApiKeyAuth
from agencyaccess.apikeys.capabilities import LINKS_CREATE, LINKS_EDIT, LINKS_RETRIEVE
from agencyaccess.apikeys.idempotency import idempotent
from agencyaccess.catalog import service_by_key
from agencyaccess.catalog.requested_accounts import ServiceSpec
from agencyaccess.clients.models import Client, client_of_agency
from agencyaccess.clients.validation import clean_email
from agencyaccess.lib.envelope import ok
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.lib.schemas import ERRORS, INVALID_CLIENT, SENTENCE, Email, Ok
from agencyaccess.lib.sql import PreparedQuery
from agencyaccess.lib.tenancy import agency_object, not_found
from agencyaccess.lib.text import one_line
from agencyaccess.lib.timestamps import epoch_ms, from_epoch_ms
from agencyaccess.links.actions import (
    check_asks_something,
    create_link,
    parse_services,
    replace_services,
)
from agencyaccess.links.link_templates import template_of_agency, with_template
from agencyaccess.links.models import (
    Link,
    RequestedService,
    ServiceStatus,
)
from agencyaccess.links.validation import (
    MAX_ACCESS_DAYS,
    MAX_CC,
    check_access_until,
    clean_redirect,
)
from agencyaccess.openapi import link_to, operation_doc

router = Router(tags=["Links"])


def _optional_fields_take_null(schema: dict[str, Any]) -> None:
    """The document says what ObjectIn accepts: null wherever a field may be left out."""
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        if name in required or {"type": "null"} in field.get("anyOf", ()):
            continue
        outer = {key: field.pop(key) for key in ("title", "description", "default") if key in field}
        schema["properties"][name] = {"anyOf": [field, {"type": "null"}], **outer}


class ObjectIn(BaseModel):
    """An object nested in a request body. Plain pydantic, not ninja's Schema: Schema reads any
    value through attribute lookups, so "ADMIN" where an object belongs would pass as an object
    with every field left out, and the error would blame a field instead of the value."""

    model_config = ConfigDict(json_schema_extra=_optional_fields_take_null)

    @model_validator(mode="before")
    @classmethod
    def _null_is_not_given(cls, data: Any) -> Any:
        """null for an optional field means "not given" (docs/api.md): its default applies."""
        if not isinstance(data, dict):
            return data
        optional = {name for name, field in cls.model_fields.items() if not field.is_required()}
        return {
            key: value for key, value in data.items() if value is not None or key not in optional
        }


class AccountLinkIn(ObjectIn):
    internalAccountID: StrictStr = Field(description="The id of your connected account.")
    googleAdsMCCAccountID: StrictStr | None = Field(
        None, description="Google Ads: your manager (MCC) account id, 10 digits, dashes allowed."
    )


class ServiceIn(ObjectIn):
    accessLevel: StrictStr | None = Field(
        None,
        description="One of the service's levels, in any case; the service's default if left out.",
    )
    requested: StrictBool = True
    requestedAccountLinks: list[AccountLinkIn] = Field(default_factory=list)
    accessUntil: StrictInt | None = Field(
        None,
        description="Extension (not in the AgencyAccess API): when the access to this service "
        "ends, in epoch milliseconds, before the link's own accessUntil if both are given. In "
        f"the future, at most {MAX_ACCESS_DAYS} days away.",
        examples=[1767225600000],
    )


RequestedAccountsIn = dict[str, dict[str, ServiceIn]]
REQUESTED_ACCOUNTS = AliasChoices("requestedAccounts", "requestedServices")


class CcIn(ObjectIn):
    name: StrictStr = Field("", max_length=200)
    email: Email

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return one_line(value.strip())

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return clean_email(value)


class LinkCreateIn(Schema):
    """Every problem of the body is reported in one answer, the clientID's and those of
    requestedAccounts against the catalogue and the agency's accounts among them: the lookups
    run as the fields are validated, with the request that ninja passes as validation context."""

    clientID: StrictStr = Field(description="The id of the client to send the link to.")
    # Before requestedAccounts: its validator lays requestedAccounts over the template.
    templateID: StrictStr | None = Field(
        None,
        description="Extension: the id of one of your templates (saved sets of requested "
        "services). The link asks for the template's services, with requestedAccounts laid "
        "over them: a service named in both is configured as requestedAccounts says, and "
        "requestedAccounts may add services. Send {} as requestedAccounts to use the "
        "template as it is.",
    )
    requestedAccounts: RequestedAccountsIn = Field(
        validation_alias=REQUESTED_ACCOUNTS,
        description='Platform name -> service name -> configuration, e.g. {"Google": {"Google Ads": {...}}}.',
    )
    intakeForm: StrictBool | None = Field(False, validate_default=True)
    sendEmail: StrictBool | None = False
    thankYouMessage: StrictStr | None = Field("", max_length=2000)
    redirect: StrictStr | None = Field(
        "", validation_alias=AliasChoices("redirect", "redirectURL"), max_length=500
    )
    retainTokens: StrictBool | None = False
    cc: list[CcIn] | None = Field(None, max_length=MAX_CC)
    accessUntil: StrictInt | None = Field(
        None,
        description="Extension (not in the AgencyAccess API): when the access granted through "
        "this link ends, in epoch milliseconds. AgencyAccess then removes it from the client's "
        "accounts, and e-mails the client and your team 3 days before. In the future, at most "
        f"{MAX_ACCESS_DAYS} days away.",
        examples=[1767225600000],
    )

    _client: Client = PrivateAttr()
    _services: list[ServiceSpec] = PrivateAttr()

    # Validators run in the order of the fields: each finds what those before it looked up in
    # the context. A field that failed its own checks left nothing there.

    @field_validator("clientID")
    @classmethod
    def _client_of_agency(cls, value: str, info: ValidationInfo) -> str:
        client = client_of_agency(_request(info).agency_id, value)
        if client is None:
            raise ValueError(INVALID_CLIENT)
        _context(info)["client"] = client
        return value

    @field_validator("templateID")
    @classmethod
    def _template_of_agency(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        template = template_of_agency(_request(info).agency_id, value)
        if template is None:
            raise ValueError(f'"{value}" is not the id of one of your agency\'s templates')
        _context(info)["template"] = template
        return value

    @field_validator("requestedAccounts")
    @classmethod
    def _services_of_catalogue(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        # Without a client, the rules for prospects are left out: the link is refused anyway.
        client = _context(info).get("client")
        as_dicts = {
            platform: {name: service.model_dump() for name, service in services.items()}
            for platform, services in value.items()
        }
        if (template := _context(info).get("template")) is not None:
            as_dicts = with_template(template.requested_accounts, as_dicts)
        with _as_sentence():
            _context(info)["services"] = parse_services(_request(info).agency_id, client, as_dicts)
        return value

    @field_validator("intakeForm")
    @classmethod
    def _asks_something(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        if (services := _context(info).get("services")) is not None:
            with _as_sentence():
                check_asks_something(services, intake_form=bool(value))
        return value

    @field_validator("redirect")
    @classmethod
    def _redirect(cls, value: str | None) -> str:
        return clean_redirect(value or "")

    @field_validator("accessUntil")
    @classmethod
    def _access_until(cls, value: int | None) -> int | None:
        if value is not None:
            check_access_until(value)
        return value

    @model_validator(mode="after")
    def _keep_lookups(self, info: ValidationInfo) -> "LinkCreateIn":
        self._client = _context(info)["client"]
        self._services = _context(info)["services"]
        return self

    @property
    def client(self) -> Client:
        return self._client

    @property
    def services(self) -> list[ServiceSpec]:
        return self._services


def _context(info: ValidationInfo) -> dict[str, Any]:
    """What the validators share: ninja passes {"request": the request}, whose key it has
    already checked, and they add what they look up."""
    if not isinstance(info.context, dict):
        raise TypeError("LinkCreateIn is validated by ninja, with the request as context")
    return info.context


def _request(info: ValidationInfo) -> Any:
    return _context(info)["request"]


@contextmanager
def _as_sentence() -> Iterator[None]:
    """A workflow's refusal as a validation error of the field, shown as its own sentence."""
    try:
        yield
    except ActionError as error:
        raise PydanticCustomError(SENTENCE, "{sentence}", {"sentence": error.message}) from None


# Fields a link keeps from its creation, and what the update says when one is sent.
_FIXED_AFTER_CREATION = (
    "clientID",
    "thankYouMessage",
    "redirect",
    "redirectURL",
    "intakeForm",
    "sendEmail",
    "retainTokens",
    "cc",
)


class LinkUpdateIn(Schema):
    id: StrictStr = Field(description="The id of the link to update.")
    requestedAccounts: RequestedAccountsIn = Field(validation_alias=REQUESTED_ACCOUNTS)

    @model_validator(mode="before")
    @classmethod
    def _only_requested_accounts(cls, data: Any) -> Any:
        # ninja's Schema hands "before" validators a DjangoGetter, which shows the body's keys
        # as attributes, not a dict.
        sent = data.__contains__ if isinstance(data, dict) else partial(hasattr, data)
        if sent("sendUpdateEmail"):
            raise ValueError(
                "sendUpdateEmail is not supported by the API: it is only available in the dashboard"
            )
        for name in _FIXED_AFTER_CREATION:
            if sent(name):
                raise ValueError(
                    f"{name} cannot be changed after the link is created: "
                    "only requestedAccounts can be updated"
                )
        return data


class AccountLinkOut(Schema):
    internalAccountID: str
    googleAdsMCCAccountID: str | None = None


class ServiceOut(Schema):
    accessLevel: str
    requested: bool
    granted: bool
    skipped: bool
    requestedAccountLinks: list[AccountLinkOut]


class CcOut(Schema):
    name: str
    email: str


class IntakeFormOut(Schema):
    requested: bool
    complete: bool


class LinkOut(Schema):
    id: str
    url: str = Field(description="The address the client opens.")
    cc: list[CcOut]
    clientID: str
    created: int
    lastReminderTimestamp: int
    requestedAccounts: dict[str, dict[str, ServiceOut]]
    intakeForm: IntakeFormOut
    redirect: str
    staticLinkRef: str
    thankYouMessage: str
    retainTokens: bool


# links/retrieve in two queries compiled once (lib/sql.py): the link with its client's and
# access page's ids, then one row per requested service and receiving account.
_LINK_FOR_API = PreparedQuery(
    lambda agency_id, public_id: Link.objects.filter(
        agency_id=agency_id, public_id=public_id
    ).annotate(client_ref=F("client__public_id"), static_link_ref=F("access_page__public_id"))[:1],
    agency_id=int,
    public_id=str,
)
_SERVICES_FOR_API = PreparedQuery(
    lambda link_id: (
        RequestedService.objects.filter(link_id=link_id)
        .order_by("position", "account_links__position")
        .values_list(
            "service_key",
            "access_level",
            "requested",
            "status",
            "access_until",
            "account_links__connected_account__public_id",
            "account_links__mcc_id",
        )
    ),
    link_id=int,
)


def requested_accounts_with_answers(link_id: int) -> dict[str, dict[str, Any]]:
    """The link's requestedAccounts as the API shows them, with granted and skipped."""
    shaped: dict[str, dict[str, Any]] = {}
    rows = _SERVICES_FOR_API.rows(link_id=link_id)
    for service_key, access_level, requested, status, access_until, account_ref, mcc in rows:
        service = service_by_key(service_key)
        entry = shaped.setdefault(service.platform.name, {}).setdefault(
            service.name,
            {
                "accessLevel": access_level,
                "requested": requested,
                "granted": status == ServiceStatus.GRANTED,
                "skipped": status == ServiceStatus.SKIPPED,
                "requestedAccountLinks": [],
            }
            # Extension (docs/api.md): the service's own end date, left out where none.
            | ({"accessUntil": epoch_ms(access_until)} if access_until else {}),
        )
        if account_ref:
            # googleAdsMCCAccountID is left out where there is none.
            entry["requestedAccountLinks"].append(
                {"internalAccountID": account_ref} | ({"googleAdsMCCAccountID": mcc} if mcc else {})
            )
    return shaped


def link_to_api(link: Link) -> dict[str, Any]:
    """The retrieve shape of a link from _LINK_FOR_API."""
    shaped = {
        "id": link.public_id,
        "url": link.url,
        "cc": link.cc,
        "clientID": link.client_ref,  # type: ignore[attr-defined]
        "created": epoch_ms(link.created),
        "lastReminderTimestamp": epoch_ms(link.last_reminder),
        "requestedAccounts": requested_accounts_with_answers(link.pk),
        "intakeForm": {
            "requested": link.intake_form_requested,
            "complete": link.intake_completed is not None,
        },
        "redirect": link.redirect,
        "staticLinkRef": link.static_link_ref or "",  # type: ignore[attr-defined]
        "thankYouMessage": link.thank_you_message,
        "retainTokens": link.retain_tokens,
    }
    if link.access_until:  # extension (docs/api.md), left out where the access does not end
        shaped["accessUntil"] = epoch_ms(link.access_until)
    return shaped


# The API guide's examples, with the ids of its other examples where it shows a placeholder.
GUIDE_REQUESTED_ACCOUNTS = {
    "Google": {
        "Google Ads": {
            "accessLevel": "ADMIN",
            "requested": True,
            "requestedAccountLinks": [{"internalAccountID": "your-linked-account-id"}],
        }
    }
}


@router.post(
    "/create",
    auth=ApiKeyAuth(LINKS_CREATE),
    response={200: Ok[str], **ERRORS},
    openapi_extra=operation_doc(
        request={
            "clientID": "client-id",
            "requestedAccounts": GUIDE_REQUESTED_ACCOUNTS,
            "intakeForm": True,
            "sendEmail": False,
            "thankYouMessage": "Thank you for granting access",
            "redirect": "yourwebsite.com",
        },
        response="link-id-here",
        errors={400: INVALID_CLIENT},
        links={
            "retrieve": link_to("links_retrieve", query="id"),
            "update": link_to("links_update", body="id"),
        },
    ),
)
@idempotent
def links_create(request, payload: LinkCreateIn):
    """Create an access link for a client. Returns its id."""
    link = create_link(
        payload.client,
        payload.services,
        intake_form=bool(payload.intakeForm),
        send_email=bool(payload.sendEmail),
        thank_you_message=payload.thankYouMessage or "",
        redirect=payload.redirect or "",
        retain_tokens=bool(payload.retainTokens),
        cc=[cc.model_dump() for cc in payload.cc or ()],
        access_until=from_epoch_ms(payload.accessUntil) if payload.accessUntil else None,
    )
    return ok(link.public_id)


@router.post(
    "/update",
    auth=ApiKeyAuth(LINKS_EDIT),
    response={200: Ok[str], **ERRORS},
    openapi_extra=operation_doc(
        request={"id": "link-id-here", "requestedAccounts": GUIDE_REQUESTED_ACCOUNTS},
        response="link-id-here",
    ),
)
def links_update(request, payload: LinkUpdateIn):
    """Replace the link's requested accounts; the services named are asked of the client again."""
    link = agency_object(
        request, Link.objects.select_related("client"), "link", public_id=payload.id
    )
    services = parse_services(
        request.agency_id, link.client, payload.model_dump()["requestedAccounts"]
    )
    replace_services(link, services)
    return ok(link.public_id)


@router.get(
    "/retrieve",
    auth=ApiKeyAuth(LINKS_RETRIEVE),
    response={200: Ok[LinkOut], **ERRORS},
    # The guide's answer, with the url this API adds and the level as it returns levels.
    openapi_extra=operation_doc(
        response={
            "id": "link-id",
            "url": "https://agencyaccess.example/l/link-id/",
            "cc": [{"name": "John Doe", "email": "john@example.com"}],
            "clientID": "client-id",
            "created": 1741951170010,
            "lastReminderTimestamp": 1741951170010,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "accessLevel": "ADMIN",
                        "requested": True,
                        "granted": True,
                        "skipped": False,
                        "requestedAccountLinks": [
                            {"internalAccountID": "account-id", "googleAdsMCCAccountID": "mcc-id"}
                        ],
                    }
                }
            },
            "intakeForm": {"requested": True, "complete": True},
            "redirect": "yourwebsite.com",
            "staticLinkRef": "static-link-id",
            "thankYouMessage": "Thank you for granting access!",
            "retainTokens": False,
        }
    ),
)
def links_retrieve(request, id: str = Query(description="The link's id.", example="link-id")):
    """Get a link: its settings and, per service, whether the client granted or skipped it."""
    return ok(retrieve_link(request.agency_id, id))


def retrieve_link(agency_id: int, public_id: str) -> dict[str, Any]:
    """The agency's link with this id, in the retrieve shape; another agency's is not found."""
    # Anything that cannot be an id is not looked up (PostgreSQL refuses a NUL byte outright).
    link = (
        _LINK_FOR_API.first(agency_id=agency_id, public_id=public_id)
        if looks_like_public_id(public_id)
        else None
    )
    if link is None:
        raise not_found("link", public_id)
    return link_to_api(link)
