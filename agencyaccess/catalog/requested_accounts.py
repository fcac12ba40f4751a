"""Validation of a link's `requestedAccounts` against the catalogue.

Pure: the caller passes the agency's connected accounts in; nothing here touches the database.
Every error is a sentence naming the place in `requestedAccounts` and what to send instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from agencyaccess.catalog import PLATFORMS, Platform, Service, platform_by_name
from agencyaccess.lib.errors import ActionError

MAX_ACCOUNT_LINKS = 10
_CUSTOMER_ID = re.compile(r"^\d{3}-?\d{3}-?\d{4}$")


class RequestedAccountsError(ActionError):
    pass


class AccountRef(Protocol):
    """What validation needs of a connected account."""

    public_id: str
    platform: str
    fields: dict[str, Any]
    disconnected: Any  # when the agency disconnected it; None while connected

    def field_value(self, key: str) -> Any: ...


@dataclass(frozen=True)
class AccountLinkSpec:
    account: Any  # the AccountRef the caller passed in
    mcc_id: str  # 10 digits, or "" when none


@dataclass(frozen=True)
class ServiceSpec:
    """One validated service of a request: what to store."""

    service: Service
    access_level: str
    requested: bool
    account_links: tuple[AccountLinkSpec, ...]
    # When this service's access ends, in epoch milliseconds (the `accessUntil` extension);
    # None: the link's end date, if any. How far away it may be is links.validation's to say.
    access_until: int | None = None


def normalize_customer_id(value: str) -> str | None:
    """'123-456-7890' and '1234567890' are the same Google Ads customer; anything else is None."""
    value = value.strip()
    return value.replace("-", "") if _CUSTOMER_ID.match(value) else None


def parse_requested_accounts(
    requested_accounts: Mapping[str, Mapping[str, Any]],
    accounts: Mapping[str, AccountRef],
    *,
    prospect: bool,
) -> list[ServiceSpec]:
    """Check every platform, service, level and account link; return the services to store.

    `requested_accounts` is the parsed JSON: platform name -> service name -> an object with
    `accessLevel`, `requested` and `requestedAccountLinks`. `accounts` maps internalAccountID to
    the agency's connected accounts. Prospects get each service's most read-only level.
    """
    specs: list[ServiceSpec] = []
    problems: list[str] = []  # one per platform or service, all reported together
    seen: set[str] = set()
    for platform_name, services in requested_accounts.items():
        platform = platform_by_name(platform_name)
        if platform is None:
            problems.append(
                f'requestedAccounts: "{platform_name}" is not a platform. '
                f"Platforms: {', '.join(p.name for p in PLATFORMS)}."
            )
            continue
        for service_name, config in services.items():
            try:
                service = _service(platform, service_name)
                if service.key in seen:
                    raise RequestedAccountsError(f"requestedAccounts names {service.path} twice.")
                seen.add(service.key)
                specs.append(_service_spec(service, config, accounts, prospect=prospect))
            except RequestedAccountsError as error:
                problems.append(error.message)
    if problems:
        raise RequestedAccountsError(" ".join(problems))
    return specs


def _service(platform: Platform, name: str) -> Service:
    service = platform.service(name)
    if service is None:
        raise RequestedAccountsError(
            f'requestedAccounts.{platform.name}: "{name}" is not a {platform.name} service. '
            f"{platform.name} services: {', '.join(s.name for s in platform.services)}."
        )
    return service


def _service_spec(
    service: Service,
    config: Mapping[str, Any],
    accounts: Mapping[str, AccountRef],
    *,
    prospect: bool,
) -> ServiceSpec:
    where = f"requestedAccounts.{service.path}"
    level_name = config.get("accessLevel")
    if level_name is None:
        level_key = service.default
    else:
        level = service.level(level_name)
        if level is None:
            raise RequestedAccountsError(
                f'{where}.accessLevel: "{level_name}" is not a level of {service.name}. '
                f"Levels: {', '.join(service.level_keys)}."
            )
        level_key = level.key
    if prospect:
        level_key = service.read_only

    requested = config.get("requested", True)
    links = config.get("requestedAccountLinks") or []
    if requested and not links:
        raise RequestedAccountsError(
            f"{where}.requestedAccountLinks must name at least one connected account "
            f"(internalAccountID) to receive the access."
        )
    if len(links) > MAX_ACCOUNT_LINKS:
        raise RequestedAccountsError(
            f"{where}.requestedAccountLinks may name at most {MAX_ACCOUNT_LINKS} accounts."
        )
    account_links = tuple(
        _account_link(service, f"{where}.requestedAccountLinks[{i}]", link, accounts)
        for i, link in enumerate(links)
    )
    ids = [link.account.public_id for link in account_links]
    if len(set(ids)) != len(ids):
        raise RequestedAccountsError(f"{where}.requestedAccountLinks names an account twice.")
    access_until = config.get("accessUntil")
    if access_until is not None and (
        isinstance(access_until, bool) or not isinstance(access_until, int)
    ):
        raise RequestedAccountsError(
            f"{where}.accessUntil must be an integer of epoch milliseconds, or null."
        )
    return ServiceSpec(service, level_key, bool(requested), account_links, access_until)


def _account_link(
    service: Service, where: str, link: Mapping[str, Any], accounts: Mapping[str, AccountRef]
) -> AccountLinkSpec:
    platform = service.platform
    account_id = link.get("internalAccountID")
    account = accounts.get(account_id) if isinstance(account_id, str) else None
    if account is None or account.platform != platform.key:
        raise RequestedAccountsError(
            f'{where}.internalAccountID: "{account_id}" is not a connected {platform.name} '
            f"account of your agency, which {service.name} needs."
        )
    if account.disconnected is not None:
        raise RequestedAccountsError(
            f'{where}.internalAccountID: connected account "{account_id}" was disconnected, so '
            "it cannot receive new access. Connect it again in the dashboard, or name another account."
        )
    for account_field in platform.account_fields:
        if account_field.required and not account.field_value(account_field.key):
            raise RequestedAccountsError(
                f'{where}.internalAccountID: connected account "{account_id}" has no '
                f"{account_field.label}, which {service.name} needs. Add it to the account first."
            )
    return AccountLinkSpec(
        account, _mcc_id(service, where, link.get("googleAdsMCCAccountID"), account)
    )


def _mcc_id(service: Service, where: str, raw: Any, account: AccountRef) -> str:
    where = f"{where}.googleAdsMCCAccountID"
    if raw is None or raw == "":
        if service.requires_mcc:
            raise RequestedAccountsError(
                f"{where} is required for {service.name}: the agency manager account to link "
                f"the client's account under."
            )
        return ""
    if not service.accepts_mcc:
        raise RequestedAccountsError(f"{where} is only accepted for Google Ads and Google Ads MCC.")
    mcc_id = normalize_customer_id(raw) if isinstance(raw, str) else None
    if mcc_id is None:
        raise RequestedAccountsError(
            f"{where} must be a 10-digit Google Ads customer id, such as 123-456-7890."
        )
    managers: Sequence[str] = account.field_value("google_ads_manager_ids") or []
    if mcc_id not in managers:
        known = ", ".join(managers) or "none"
        raise RequestedAccountsError(
            f'{where}: {mcc_id} is not a manager account of connected account "{account.public_id}" '
            f"(its manager accounts: {known})."
        )
    return mcc_id
