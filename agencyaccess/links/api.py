"""/api/links/*: create, update and retrieve access links."""

from functools import partial
from typing import Any

from ninja import Field, Router, Schema
from pydantic import (
    AliasChoices,
    BaseModel,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from agencyaccess.apikeys.auth import ApiKeyAuth
from agencyaccess.apikeys.capabilities import LINKS_CREATE, LINKS_EDIT, LINKS_RETRIEVE
from agencyaccess.apikeys.idempotency import idempotent
from agencyaccess.catalog import service_by_key
from agencyaccess.clients.models import Client
from agencyaccess.clients.validation import clean_email
from agencyaccess.lib.envelope import ok
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.schemas import ERRORS, Ok
from agencyaccess.lib.timestamps import epoch_ms
from agencyaccess.links.actions import create_link, parse_services, replace_services
from agencyaccess.links.models import Link, ServiceStatus, get_link_for_request
from agencyaccess.links.validation import MAX_CC, clean_redirect

router = Router(tags=["Links"])

INVALID_CLIENT = "Please provide a valid clientID"


class ObjectIn(BaseModel):
    """An object nested in a request body. Plain pydantic, not ninja's Schema: Schema reads any
    value through attribute lookups, so "ADMIN" where an object belongs would pass as an object
    with every field left out, and the error would blame a field instead of the value."""

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


RequestedAccountsIn = dict[str, dict[str, ServiceIn]]
REQUESTED_ACCOUNTS = AliasChoices("requestedAccounts", "requestedServices")


class CcIn(ObjectIn):
    name: StrictStr = Field("", max_length=200)
    email: StrictStr = Field(max_length=254)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return clean_email(value)


class LinkCreateIn(Schema):
    clientID: StrictStr = Field(description="The id of the client to send the link to.")
    requestedAccounts: RequestedAccountsIn = Field(
        validation_alias=REQUESTED_ACCOUNTS,
        description='Platform name -> service name -> configuration, e.g. {"Google": {"Google Ads": {...}}}.',
    )
    intakeForm: StrictBool | None = False
    sendEmail: StrictBool | None = False
    thankYouMessage: StrictStr | None = Field("", max_length=2000)
    redirect: StrictStr | None = Field(
        "", validation_alias=AliasChoices("redirect", "redirectURL"), max_length=500
    )
    retainTokens: StrictBool | None = False
    cc: list[CcIn] | None = Field(None, max_length=MAX_CC)

    @field_validator("redirect")
    @classmethod
    def _redirect(cls, value: str | None) -> str:
        return clean_redirect(value or "")


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


def link_to_api(link: Link) -> dict[str, Any]:
    """The retrieve shape; `link` comes from `Link.objects.with_services()`."""
    requested_accounts: dict[str, dict[str, Any]] = {}
    for row in link.services.all():
        service = service_by_key(row.service_key)
        requested_accounts.setdefault(service.platform.name, {})[service.name] = {
            "accessLevel": row.access_level,
            "requested": row.requested,
            "granted": row.status == ServiceStatus.GRANTED,
            "skipped": row.status == ServiceStatus.SKIPPED,
            "requestedAccountLinks": [
                {"internalAccountID": al.connected_account.public_id}
                | ({"googleAdsMCCAccountID": al.mcc_id} if al.mcc_id else {})
                for al in row.account_links.all()
            ],
        }
    return {
        "id": link.public_id,
        "url": link.url,
        "cc": link.cc,
        "clientID": link.client.public_id,
        "created": epoch_ms(link.created),
        "lastReminderTimestamp": epoch_ms(link.last_reminder),
        "requestedAccounts": requested_accounts,
        "intakeForm": {
            "requested": link.intake_form_requested,
            "complete": link.intake_completed is not None,
        },
        "redirect": link.redirect,
        "staticLinkRef": link.access_page.public_id if link.access_page else "",
        "thankYouMessage": link.thank_you_message,
        "retainTokens": link.retain_tokens,
    }


def _client_for_link(request, client_id: str) -> Client:
    client = Client.objects.filter(agency_id=request.agency_id, public_id=client_id).first()
    if client is None:
        raise ActionError(INVALID_CLIENT)
    return client


@router.post("/create", auth=ApiKeyAuth(LINKS_CREATE), response={200: Ok[str], **ERRORS})
@idempotent
def links_create(request, payload: LinkCreateIn):
    """Create an access link for a client. Returns its id."""
    client = _client_for_link(request, payload.clientID)
    services = parse_services(request.agency_id, client, payload.model_dump()["requestedAccounts"])
    link = create_link(
        client,
        services,
        intake_form=bool(payload.intakeForm),
        send_email=bool(payload.sendEmail),
        thank_you_message=payload.thankYouMessage or "",
        redirect=payload.redirect or "",
        retain_tokens=bool(payload.retainTokens),
        cc=[cc.model_dump() for cc in payload.cc or ()],
    )
    return ok(link.public_id)


@router.post("/update", auth=ApiKeyAuth(LINKS_EDIT), response={200: Ok[str], **ERRORS})
def links_update(request, payload: LinkUpdateIn):
    """Replace the link's requested accounts; the services named are asked of the client again."""
    link = get_link_for_request(request, payload.id, Link.objects.select_related("client"))
    services = parse_services(
        request.agency_id, link.client, payload.model_dump()["requestedAccounts"]
    )
    replace_services(link, services)
    return ok(link.public_id)


@router.get(
    "/retrieve",
    auth=ApiKeyAuth(LINKS_RETRIEVE),
    response={200: Ok[LinkOut], **ERRORS},
    exclude_none=True,  # googleAdsMCCAccountID is left out where there is none
)
def links_retrieve(request, id: str):
    """Get a link: its settings and, per service, whether the client granted or skipped it."""
    return ok(link_to_api(get_link_for_request(request, id, Link.objects.with_services())))
