"""The `data` of each event type: one pydantic model per type, which is both the documented
JSON Schema (the event catalogue, docs/events.md) and what the tests check every body against,
and the functions that build those dicts from the rows. Objects keep the public API's shapes:
public ids, epoch-ms times, platform and service names as `requestedAccounts` spells them.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, Protocol

from django.conf import settings
from django.utils import translation
from pydantic import BaseModel, ConfigDict, Field

from agencyaccess.catalog import service_by_key
from agencyaccess.lib.timestamps import epoch_ms

if TYPE_CHECKING:
    from agencyaccess.catalog import Service
    from agencyaccess.clients.models import Client
    from agencyaccess.links.models import Grant, Link, RequestedService

# A service's assets listed in one event at most; beyond, `assets_truncated` says so.
MAX_ASSETS = 50


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- Objects ---------------------------------------------------------------------------------


class ClientObject(Data):
    """A client as `GET /api/clients/retrieve` returns it."""

    id: str
    name: str
    email: str
    company: str
    website: str
    language: str = Field(examples=["English"])
    type: Literal["Client", "Prospect"]
    created: int = Field(description="Epoch milliseconds.")
    metadata: dict[str, str]


class ConnectedAccountObject(Data):
    id: str = Field(description="The connected account's id (the API's internalAccountID).")
    name: str


class AssetObject(Data):
    """One asset a client shared with one of the agency's accounts, and where it stands."""

    native_id: str = Field(description="The platform's id of the asset.")
    name: str
    type: str = Field(examples=["ad_account", "property", "page"])
    platform: str
    service: str
    state: Literal[
        "active",
        "pending_client",
        "pending_agency",
        "pending_review",
        "manual_required",
        "failed",
        "revoked",
    ]
    role: str = Field(description="The platform's own name of the role given.")
    access_level: str
    connected_account: ConnectedAccountObject
    notes: str = Field(description="Why it stands so, and what to do next, in words.")
    granted_at: int
    last_verified_at: int | None


class ServiceSummary(Data):
    platform: str
    service: str
    access_level: str
    status: Literal["granted", "skipped", "pending"]
    assets: list[AssetObject]
    assets_truncated: bool = False


class LinkObject(Data):
    id: str
    clientID: str
    url: str
    created: int
    staticLinkRef: str
    services: list[dict[str, Any]] = Field(
        description="Each requested service: platform, service, access_level, requested."
    )


class CompletedClient(Data):
    """The client as AgencyAccess's Zapier `access_granted` trigger sends it."""

    owner: str = Field(description="The agency's id.")
    website: str
    created: int
    name: str
    company: str
    type: Literal["Client", "Prospect"]
    email: str
    usingFavicon: bool = Field(description="Whether `pfp` is the favicon of `website`.")
    pfp: str = Field(description="A picture for the client: its website's favicon, or empty.")
    intakeForm: dict[str, Any] = Field(description="Intake answers by question key.")
    id: str


class RetainedToken(Data):
    platform: str
    accessToken: str
    refreshToken: str | None
    scopes: list[str]
    expiresAt: int | None
    keptUntil: int


# -- Event data ------------------------------------------------------------------------------


class ClientCreated(Data):
    client: ClientObject
    source: Literal["api", "dashboard", "access_page"]


class LinkCreated(Data):
    link: LinkObject
    client: ClientObject


class LinkOpened(Data):
    link_id: str
    client_id: str
    opened_at: int
    language: str


class ServiceResult(Data):
    link_id: str
    client: ClientObject
    platform: str
    service: str
    access_level: str
    result: Literal["granted", "partial", "failed"]
    assets: list[AssetObject]
    assets_truncated: bool = False


class ServiceSkipped(Data):
    link_id: str
    client_id: str
    platform: str
    service: str
    skipped_at: int


class IntakeCompleted(Data):
    link_id: str
    client: ClientObject
    answers: dict[str, Any]


class LinkCompleted(Data):
    """AgencyAccess's `access_granted` payload, plus the services and, for links that retain
    them, the client's tokens."""

    id: str = Field(description="The link's id.")
    client: CompletedClient
    url: str
    completed: int
    services: list[ServiceSummary]
    skipped: int = Field(description="How many requested services the client skipped.")
    tokens: list[RetainedToken] | None = Field(
        None, description="The client's platform tokens, only for links with retainTokens."
    )


class GrantActivated(Data):
    link_id: str
    client_id: str
    grant: AssetObject
    previous_state: str


class GrantDrifted(Data):
    link_id: str
    client: ClientObject
    grant: AssetObject = Field(description="The grant as it stands now (`role`: as granted).")
    drift: Literal["removed", "role_changed"] = Field(
        description="`removed`: the agency no longer has the access; `role_changed`: it has "
        "another role than the one granted (lowered or raised)."
    )
    observed_role: str = Field(description="The role the platform shows now; empty if removed.")
    detected_at: int


class GrantRevoked(Data):
    link_id: str
    client: ClientObject
    grant: AssetObject
    offboarding_id: str = Field(description="The offboarding this revocation belongs to.")
    reason: Literal["agency", "client", "expired"] = Field(
        description="`agency`: a teammate offboarded; `client`: the client removed it on their "
        "page; `expired`: the access reached its end date (accessUntil)."
    )
    revoked_at: int


class OffboardedGrant(Data):
    platform: str
    service: str
    name: str
    native_id: str
    status: Literal["done", "manual", "failed"] = Field(
        description="`done`: removed through the platform's API; `manual`: steps to follow by "
        "hand (`notes`); `failed`: the platform kept refusing, still held."
    )
    notes: str


class ClientOffboarded(Data):
    offboarding_id: str
    client: ClientObject
    link_id: str | None = Field(description="The link it was limited to, if it was.")
    service: str | None = Field(description="The service it was limited to, if it was.")
    reason: Literal["agency", "client", "expired"]
    requested_at: int
    settled_at: int
    grants: list[OffboardedGrant]
    grants_truncated: bool = False
    confirmation_url: str = Field(description="The dated confirmation the client was sent.")


class EndpointRef(Data):
    id: str
    url_host: str
    description: str


class EventRef(Data):
    id: str
    type: str


class WebhookFailed(Data):
    endpoint: EndpointRef
    event: EventRef
    attempts: int
    last_status: int | None
    last_error: str


class WebhookDisabled(Data):
    endpoint: EndpointRef
    reason: str
    failing_since: int | None


class WebhookTest(Data):
    message: str


# -- Builders --------------------------------------------------------------------------------


def client_object(client: "Client") -> dict[str, Any]:
    return client.as_api()


class RequestedServiceLike(Protocol):
    """A requested service, as a row or as links/create parsed it."""

    @property
    def access_level(self) -> str: ...

    @property
    def requested(self) -> bool: ...

    @property
    def service(self) -> "Service": ...


def link_object(link: "Link", services: Iterable[RequestedServiceLike]) -> dict[str, Any]:
    return {
        "id": link.public_id,
        "clientID": link.client.public_id,
        "url": link.url,
        "created": epoch_ms(link.created),
        "staticLinkRef": link.access_page.public_id if link.access_page else "",
        "services": [
            {
                "platform": service.service.platform.name,
                "service": service.service.name,
                "access_level": service.access_level,
                "requested": service.requested,
            }
            for service in services
        ],
    }


def asset_object(grant: "Grant") -> dict[str, Any]:
    """The grant's connected account must be loaded (select_related)."""
    service = service_by_key(grant.service_key)
    account = grant.connected_account
    return {
        "native_id": grant.asset_id,
        "name": grant.asset_name,
        "type": grant.asset_type,
        "platform": service.platform.name,
        "service": service.name,
        "state": grant.state,
        "role": grant.native_role,
        "access_level": grant.access_level,
        "connected_account": {
            "id": account.public_id,
            "name": account.name or account.email or account.public_id,
        },
        "notes": _in_english(grant),
        "granted_at": epoch_ms(grant.created),
        "last_verified_at": epoch_ms(grant.last_verified) if grant.last_verified else None,
    }


def _in_english(grant: "Grant") -> str:
    """The grant's message as the agency reads it: an event is written when the client acts,
    in the client's language, but its readers (webhooks, the team's e-mails) are the agency's."""
    with translation.override(settings.LANGUAGE_CODE):
        return grant.message


def assets_of(grants: list["Grant"]) -> dict[str, Any]:
    """`assets` (at most MAX_ASSETS) and `assets_truncated`."""
    return {
        "assets": [asset_object(grant) for grant in grants[:MAX_ASSETS]],
        "assets_truncated": len(grants) > MAX_ASSETS,
    }


def completed_client(link: "Link") -> dict[str, Any]:
    client = link.client
    favicon = f"https://{client.website_host}/favicon.ico" if client.website_host else ""
    return {
        "owner": link.agency.public_id,
        "website": client.website,
        "created": epoch_ms(client.created),
        "name": client.name,
        "company": client.company,
        "type": client.type,
        "email": client.email,
        "usingFavicon": bool(favicon),
        "pfp": favicon,
        "intakeForm": dict(link.intake_answers),
        "id": client.public_id,
    }


def service_summaries(
    services: Iterable["RequestedService"], grants: Iterable["Grant"]
) -> list[dict[str, Any]]:
    by_service: dict[str, list[Grant]] = {}
    for grant in grants:
        by_service.setdefault(grant.service_key, []).append(grant)
    return [
        {
            "platform": service.service.platform.name,
            "service": service.service.name,
            "access_level": service.access_level,
            "status": service.status,
            **assets_of(by_service.get(service.service_key, [])),
        }
        for service in services
    ]
