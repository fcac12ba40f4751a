"""The Requested Accounts Builder: the dashboard's form for what a link asks of the client, used
by the link pages (links/views.py) and the access-page editor (links/access_pages.py) alike.

It speaks the API's JSON (api-guide.md): a submitted builder becomes a `requestedAccounts`
object, which links.actions.parse_services then checks exactly as it checks the API's, and a
link being edited is shown from its API JSON. So the builder refuses what the API refuses, with
the same message, and the JSON it shows is what an integrator would send.

Its form fields, per catalogue service (by the service's key):
    service-<key>               checkbox: the service is requested
    level-<key>                 the access level
    account-<key>               a receiving connected account's id (one per account chosen)
    mcc-<key>-<account id>      Google Ads: the account's manager (MCC) account to link under
    ends-<key>                  when the service's access ends (UTC, optional; links only)
"""

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.forms import BaseFormSet, Form
from django.utils.datastructures import MultiValueDict

from agencyaccess.catalog import PLATFORMS, Platform, Service
from agencyaccess.clients.models import Client
from agencyaccess.lib.timestamps import epoch_ms, from_epoch_ms
from agencyaccess.links.models import Link, RequestedService
from agencyaccess.platforms.models import ConnectedAccount

RequestedAccounts = dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class AccountChoice:
    """A connected account that can receive a service, as one checkbox of the builder."""

    account: ConnectedAccount
    chosen: bool
    mcc: str  # the manager account chosen for it, Google Ads only

    @property
    def manager_ids(self) -> list[str]:
        return self.account.fields.get("google_ads_manager_ids") or []


@dataclass(frozen=True)
class ServiceChoice:
    service: Service
    chosen: bool
    level: str
    accounts: list[AccountChoice]
    ends: str = ""  # its own end date, as the date-time input shows it (UTC)

    @property
    def level_label(self) -> str:
        return self.level_text(self.level)

    @property
    def level_options(self) -> list[tuple[str, str]]:
        """The level menu: (key, what it reads)."""
        return [(level.key, self.level_text(level.key)) for level in self.service.levels]

    def level_text(self, key: str) -> str:
        """A level's label, marked "(read-only)" when it is the service's read-only level and
        its label does not already say so ("Viewer (read-only)", but "Read only")."""
        label = self.service.level_label(key)
        if key == self.service.read_only and "read" not in label.casefold():
            return f"{label} (read-only)"
        return label


@dataclass(frozen=True)
class PlatformChoice:
    platform: Platform
    services: list[ServiceChoice]
    has_accounts: bool
    used: bool  # the agency has accounts on it or asked for it in recent links

    @property
    def chosen(self) -> int:
        """How many of its services are chosen."""
        return sum(service.chosen for service in self.services)

    @property
    def open(self) -> bool:
        return self.used or bool(self.chosen)

    @property
    def search_text(self) -> str:
        """What the builder's filter box matches: the platform's and its services' names."""
        names = [self.platform.name, *(row.service.name for row in self.services)]
        return " ".join(names).casefold()


def accounts_by_platform(agency_id: int) -> dict[str, list[ConnectedAccount]]:
    """The agency's accounts that can receive new access (not disconnected), by platform."""
    accounts: dict[str, list[ConnectedAccount]] = {}
    for account in ConnectedAccount.objects.filter(
        agency_id=agency_id, disconnected__isnull=True
    ).order_by("name", "email", "id"):
        accounts.setdefault(account.platform, []).append(account)
    return accounts


def requested_accounts_from(
    data: MultiValueDict, *, prospect: bool, end_dates: bool = False
) -> RequestedAccounts:
    """The `requestedAccounts` JSON of a submitted builder, in catalogue order, unchecked: the
    ids and levels are as sent, for parse_services to accept or refuse. `end_dates`: a link's
    builder, whose services may each carry an end date (templates and access pages make links
    later, when a fixed date would mean something else)."""
    requested: RequestedAccounts = {}
    for platform in PLATFORMS:
        for service in platform.services:
            if not data.get(f"service-{service.key}"):
                continue
            account_links = []
            for account_id in data.getlist(f"account-{service.key}"):
                account_link = {"internalAccountID": account_id}
                mcc = data.get(f"mcc-{service.key}-{account_id}", "")
                if service.accepts_mcc and mcc:
                    account_link["googleAdsMCCAccountID"] = mcc
                account_links.append(account_link)
            # A prospect gets the read-only level whatever is asked: say so in the JSON too.
            level = service.read_only if prospect else data.get(f"level-{service.key}")
            config: dict[str, Any] = {
                "accessLevel": level or service.default,
                "requested": True,
                "requestedAccountLinks": account_links,
            }
            if end_dates and (ends := data.get(f"ends-{service.key}", "").strip()):
                config["accessUntil"] = _epoch_ms_of_input(ends)
            requested.setdefault(platform.name, {})[service.name] = config
    return requested


# What a date-time input sends (and what a person types where it is a plain text box).
END_DATE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")
END_DATE_INPUT = END_DATE_FORMATS[0]


def _epoch_ms_of_input(value: str) -> int | str:
    """An end date typed in the builder (UTC) as the API takes it; anything that is not a date
    is passed on as typed, for the validation to refuse by name."""
    for date_format in END_DATE_FORMATS:
        try:
            return epoch_ms(datetime.strptime(value, date_format).replace(tzinfo=UTC))
        except ValueError:
            continue
    return value


def as_request(retrieved: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> RequestedAccounts:
    """A retrieved link's `requestedAccounts` as create and update take it: without the
    client's answers (granted, skipped)."""
    return {
        platform: {
            service: {key: value for key, value in config.items() if key not in _ANSWERS}
            for service, config in services.items()
        }
        for platform, services in retrieved.items()
    }


_ANSWERS = ("granted", "skipped")


def platforms_in_use(agency_id: int) -> set[str]:
    """The platforms (keys) of the agency's recent links: with the platforms it has accounts
    on, they come first in the builder."""
    recent = Link.objects.filter(agency_id=agency_id).order_by("-created")[:RECENT_LINKS]
    return set(
        RequestedService.objects.filter(link__in=recent.values("pk"))
        .values_list("platform", flat=True)
        .distinct()
    )


# How many of the agency's newest links say which platforms it uses.
RECENT_LINKS = 100


def builder_for(
    agency_id: int, requested: Mapping[str, Mapping[str, Any]], *, prospect: bool
) -> list[PlatformChoice]:
    """The builder of one of the agency's pages, showing `requested` (the API's JSON)."""
    return builder_choices(
        requested,
        accounts_by_platform(agency_id),
        prospect=prospect,
        in_use=platforms_in_use(agency_id),
    )


def builder_choices(
    requested: Mapping[str, Mapping[str, Any]],
    accounts: Mapping[str, list[ConnectedAccount]],
    *,
    prospect: bool,
    in_use: Collection[str] = (),
) -> list[PlatformChoice]:
    """The builder's checkboxes and menus, showing `requested` (the API's JSON). The platforms
    the agency uses (`in_use`, or with accounts to receive access) or that `requested` names
    come first, open; the others follow, closed, in the catalogue's order."""
    platforms = []
    for platform in PLATFORMS:
        platform_accounts = accounts.get(platform.key, [])
        services = [
            _service_choice(
                service,
                requested.get(platform.name, {}).get(service.name),
                platform_accounts,
                prospect=prospect,
            )
            for service in platform.services
        ]
        used = bool(platform_accounts) or platform.key in in_use
        platforms.append(PlatformChoice(platform, services, bool(platform_accounts), used))
    # sorted() is stable: each group keeps the catalogue's order.
    return sorted(platforms, key=lambda choice: not choice.open)


def _service_choice(
    service: Service,
    config: Mapping[str, Any] | None,
    accounts: list[ConnectedAccount],
    *,
    prospect: bool,
) -> ServiceChoice:
    config = config or {}
    chosen_links = {
        link.get("internalAccountID"): link.get("googleAdsMCCAccountID") or ""
        for link in config.get("requestedAccountLinks") or []
    }
    level = service.level(str(config.get("accessLevel") or service.default))
    ends = config.get("accessUntil")
    return ServiceChoice(
        service,
        chosen=bool(config) and bool(config.get("requested", True)),
        level=service.read_only if prospect else (level.key if level else service.default),
        accounts=[
            AccountChoice(
                account,
                # Not chosen yet: a platform's only account is ticked in advance.
                chosen=account.public_id in chosen_links if config else len(accounts) == 1,
                mcc=chosen_links.get(account.public_id, ""),
            )
            for account in accounts
        ],
        ends=from_epoch_ms(ends).strftime(END_DATE_INPUT) if isinstance(ends, int) else "",
    )


def create_body(
    client: Client, requested: RequestedAccounts, options: Form, cc: BaseFormSet
) -> str:
    """The POST /api/links/create body the builder's form stands for, as typed (the API cleans
    the redirect and the addresses itself), for an integrator to copy. Read from the forms, so
    an unsubmitted form shows its initial values."""

    def text(form: Form, name: str) -> str:
        return (form[name].value() or "").strip()

    body: dict[str, Any] = {
        "clientID": client.public_id,
        "requestedAccounts": requested,
        "intakeForm": bool(options["intake_form"].value()),
        "sendEmail": bool(options["send_email"].value()),
        "thankYouMessage": text(options, "thank_you_message"),
        "redirect": text(options, "redirect"),
        "retainTokens": bool(options["retain_tokens"].value()),
    }
    if access_until := _epoch_ms_of(options):
        body["accessUntil"] = access_until
    rows = [{"name": text(row, "name"), "email": text(row, "email")} for row in cc.forms]
    if cc_rows := [row for row in rows if row["name"] or row["email"]]:
        body["cc"] = cc_rows
    return _json(body)


def _epoch_ms_of(options: Form) -> int | None:
    """The end date as the API takes it (accessUntil), once the form has read it."""
    cleaned = getattr(options, "cleaned_data", {}).get("access_until")
    return epoch_ms(cleaned) if cleaned else None


def update_body(link_id: str, requested: RequestedAccounts) -> str:
    """The POST /api/links/update body for the edited requested accounts."""
    return _json({"id": link_id, "requestedAccounts": requested})


def _json(body: dict[str, Any]) -> str:
    return json.dumps(body, indent=2, ensure_ascii=False)
