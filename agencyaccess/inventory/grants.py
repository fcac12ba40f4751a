"""Which grants the inventory lists, and how a row reads: shared by the page and the CSV."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict

from agencyaccess.catalog import PLATFORMS, Platform, platform_by_key, service_by_key
from agencyaccess.clients.models import CLIENT_OF_AGENCY, Client
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.links.models import Grant, shown_grant_state
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.models import ConnectedAccount

STATES = frozenset(state.value for state in GrantState)
# Longer searches are cut: nothing the inventory shows is longer than an asset's name.
SEARCH_MAX = 300


@dataclass(frozen=True)
class Filters:
    """The inventory's filters, from the query string. Unknown platforms and states are no
    filter (as the other lists do); another agency's client or account is a 404."""

    platform: Platform | None
    state: str
    client: Client | None
    account: ConnectedAccount | None
    search: str

    @classmethod
    def from_request(cls, request: AgencyRequest, accounts: list[ConnectedAccount]) -> "Filters":
        params: QueryDict = request.GET
        client_id = params.get("client", "")
        return cls(
            platform=_platform(params.get("platform", "")),
            state=params.get("state", "") if params.get("state") in STATES else "",
            client=agency_object(request, CLIENT_OF_AGENCY, "client", public_id=client_id)
            if client_id
            else None,
            account=_account(params.get("account", ""), accounts),
            search=params.get("q", "").replace("\x00", "").strip()[:SEARCH_MAX],
        )

    @property
    def any(self) -> bool:
        return bool(self.platform or self.state or self.client or self.account or self.search)

    def rows(self, agency_id: int) -> "QuerySet[Grant, Row]":
        """The agency's grants that pass, newest first, as Rows: one query, and only the
        columns shown (the page and the CSV read them as plain values, not as four model
        instances with every JSON column decoded, which was most of the CSV's time)."""
        grants = Grant.objects.filter(agency_id=agency_id)
        if self.platform:
            grants = grants.filter(service_key__in=[s.key for s in self.platform.services])
        if self.state:
            grants = grants.filter(state=self.state)
        if self.client:
            grants = grants.filter(link__client=self.client)
        if self.account:
            grants = grants.filter(connected_account=self.account)
        if self.search:
            grants = grants.filter(
                Q(asset_name__icontains=self.search) | Q(asset_id__icontains=self.search)
            )
        return grants.order_by("-created", "-id").values_list(*_COLUMNS, named=True)


def _platform(key: str) -> Platform | None:
    try:
        return platform_by_key(key) if key else None
    except KeyError:
        return None


def _account(public_id: str, accounts: list[ConnectedAccount]) -> ConnectedAccount | None:
    if not public_id:
        return None
    for account in accounts:
        if account.public_id == public_id:
            return account
    raise Http404("No connected account of your agency has this id.")


# What a Row is read from (values_list(named=True) names each value by its column).
_COLUMNS = (
    "link__client__name",
    "link__client__public_id",
    "link__public_id",
    "service_key",
    "asset_name",
    "asset_id",
    "access_level",
    "connected_account__name",
    "connected_account__email",
    "connected_account__public_id",
    "state",
    "created",
    "last_verified",
)


class Row(Protocol):
    """One grant as the inventory reads it: the values of _COLUMNS."""

    link__client__name: str
    link__client__public_id: str
    link__public_id: str
    service_key: str
    asset_name: str
    asset_id: str
    access_level: str
    connected_account__name: str
    connected_account__email: str
    connected_account__public_id: str
    state: str
    created: datetime
    last_verified: datetime | None


@dataclass(frozen=True)
class Shown:
    """A Row as the page and the CSV show it."""

    row: Row

    @property
    def platform(self) -> str:
        return service_by_key(self.row.service_key).platform.name

    @property
    def service(self) -> str:
        return service_by_key(self.row.service_key).name

    @property
    def level(self) -> str:
        """The level's name ("Standard"), or its key for a level the catalogue no longer has."""
        level = service_by_key(self.row.service_key).level(self.row.access_level)
        return level.label if level else self.row.access_level

    @property
    def asset(self) -> str:
        return self.row.asset_name or self.row.asset_id

    @property
    def receiving_account(self) -> str:
        row = self.row
        return (
            row.connected_account__name
            or row.connected_account__email
            or row.connected_account__public_id
        )

    @property
    def state(self) -> tuple[str, str]:
        return shown_grant_state(self.row.state)


PLATFORM_CHOICES = [(platform.key, platform.name) for platform in PLATFORMS]
STATE_CHOICES = [(state.value, shown_grant_state(state)[0]) for state in GrantState]

CSV_HEADER = (
    "Client",
    "Client id",
    "Platform",
    "Service",
    "Asset",
    "Asset id",
    "Level",
    "Receiving account",
    "State",
    "Granted (UTC)",
    "Last verified (UTC)",
    "Link id",
)


def csv_row(row: Row) -> tuple[str, ...]:
    shown = Shown(row)
    return (
        row.link__client__name,
        row.link__client__public_id,
        shown.platform,
        shown.service,
        row.asset_name,
        row.asset_id,
        shown.level,
        shown.receiving_account,
        shown.state[0],
        _iso(row.created),
        _iso(row.last_verified),
        row.link__public_id,
    )


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""
