"""Link workflows shared by the API, the dashboard and the client's pages."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, F
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.audit import log as audit
from agencyaccess.catalog.requested_accounts import (
    RequestedAccountsError,
    ServiceSpec,
    parse_requested_accounts,
)
from agencyaccess.clients.actions import create_client
from agencyaccess.clients.models import Client
from agencyaccess.lib.errors import ActionError, Conflict
from agencyaccess.lib.sql import PreparedInsert, PreparedQuery
from agencyaccess.lib.timestamps import epoch_ms, from_epoch_ms
from agencyaccess.links.models import (
    AccessPage,
    Grant,
    IntakeForm,
    Link,
    RequestedAccountLink,
    RequestedService,
    ServiceStatus,
)
from agencyaccess.links.tokens import retained_tokens
from agencyaccess.links.validation import check_access_until
from agencyaccess.notify import emails, payloads
from agencyaccess.notify.events import emit
from agencyaccess.notify.models import EventType
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRequest,
    GrantState,
    ServiceConnector,
    TokenSet,
)
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken

logger = logging.getLogger(__name__)

# How long a client's sign-in is kept: long enough to pick the assets, or the link's 30 days.
CLIENT_TOKEN_LIFETIME = timedelta(hours=1)
RETAINED_CLIENT_TOKEN_LIFETIME = timedelta(days=30)


def parse_services(
    agency_id: int, client: Client | None, requested_accounts: dict[str, Any]
) -> list[ServiceSpec]:
    """Validate `requestedAccounts` against the catalogue and the agency's connected accounts
    (disconnected ones included, so the refusal can say why). Without a client (an unknown
    clientID, refused besides), the levels are checked as for a client, not a prospect."""
    wanted = {
        link.get("internalAccountID")
        for services in requested_accounts.values()
        for config in services.values()
        for link in config.get("requestedAccountLinks") or []
    }
    # An agency has a handful of accounts: all of them, in a query compiled once, costs less
    # than compiling one that names those wanted.
    accounts = {
        account.public_id: account
        for account in _ACCOUNTS_OF_AGENCY.objects(agency_id=agency_id)
        if account.public_id in wanted
    }
    prospect = client is not None and client.is_prospect
    services = parse_requested_accounts(requested_accounts, accounts, prospect=prospect)
    _check_services_end_dates(services)
    return services


def _check_services_end_dates(services: Sequence[ServiceSpec]) -> None:
    """Each service's own end date obeys the link's rules (in the future, within 5 years)."""
    problems = []
    for spec in services:
        if spec.access_until is None:
            continue
        try:
            check_access_until(spec.access_until)
        except ValueError as error:
            problems.append(f"requestedAccounts.{spec.service.path}.accessUntil {error}.")
    if problems:
        raise RequestedAccountsError(" ".join(problems))


def create_link(
    client: Client,
    services: Sequence[ServiceSpec],
    *,
    intake_form: bool = False,
    send_email: bool = False,
    thank_you_message: str = "",
    redirect: str = "",
    retain_tokens: bool = False,
    cc: Iterable[dict[str, str]] = (),
    access_page: AccessPage | None = None,
    access_until: datetime | None = None,
) -> Link:
    check_asks_something(services, intake_form=intake_form)
    if intake_form and not has_enabled_intake_form(client.agency_id):
        raise Conflict(
            "intakeForm: your agency's intake form is disabled or has no questions. "
            "Enable it in the dashboard, or send intakeForm: false."
        )
    with transaction.atomic():
        _check_monthly_limit(client.agency_id)
        now = timezone.now()
        link = Link.objects.create(
            agency_id=client.agency_id,
            client=client,
            intake_form_requested=intake_form,
            send_email=send_email,
            thank_you_message=thank_you_message,
            redirect=redirect,
            retain_tokens=retain_tokens,
            cc=list(cc),
            access_page=access_page,
            access_until=access_until,
            created=now,
            last_reminder=now,
        )
        _save_services(link, services)
        emit(
            link.agency_id,
            EventType.LINK_CREATED,
            {"link": payloads.link_object(link, services), "client": client.as_api()},
            dedupe_key=str(link.pk),
            link_id=link.pk,
            client_id=client.pk,
        )
        if send_email:
            emails.invitation(link)
    return link


def check_asks_something(services: Sequence[ServiceSpec], *, intake_form: bool) -> None:
    """A link (or an access page, which makes links) must ask the client for something."""
    if not any(spec.requested for spec in services) and not intake_form:
        raise ActionError(
            "A link must request at least one service (requestedAccounts) or the intake form."
        )


def replace_services(link: Link, services: Sequence[ServiceSpec]) -> Link:
    """The API's update: the link asks for exactly these services now.

    Every service named is asked of the client again, granted or not before: a changed level
    or account needs a new grant, and the guide says re-sent granted services are asked again.
    """
    if not any(spec.requested for spec in services) and not link.intake_form_requested:
        raise ActionError("A link must request at least one service (requestedAccounts).")
    with transaction.atomic():
        link.services.all().delete()
        _save_services(link, services)
        update_completion(link)
    return link


def has_enabled_intake_form(agency_id: int) -> bool:
    return IntakeForm.objects.filter(
        agency_id=agency_id, enabled=True, questions__isnull=False
    ).exists()


def _check_monthly_limit(agency_id: int) -> None:
    """Refuse a link beyond the agency's monthly limit. With a limit, the agency row is locked
    first, so two requests at once cannot both take the last link of the month."""
    if _MONTHLY_LIMIT.rows(agency_id=agency_id) == [(None,)]:
        return  # no limit: nothing to count, nothing to lock (the common case)
    limit = (
        Agency.objects.select_for_update()
        .values_list("monthly_link_limit", flat=True)
        .get(pk=agency_id)
    )
    if limit is None:
        return
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if Link.objects.filter(agency_id=agency_id).created_since(month_start).count() >= limit:
        raise Conflict(
            f"Your agency has reached its limit of {limit} links a month. "
            "The count starts again on the 1st of next month (UTC)."
        )


# Every link created asks these (lib/sql.py: compiled once).
_MONTHLY_LIMIT = PreparedQuery(
    lambda agency_id: Agency.objects.filter(pk=agency_id).values_list("monthly_link_limit"),
    agency_id=int,
)
_ACCOUNTS_OF_AGENCY = PreparedQuery(
    lambda agency_id: ConnectedAccount.objects.filter(agency_id=agency_id), agency_id=int
)


# A link's services and their receiving accounts: a few dozen rows on every links/create.
_INSERT_SERVICES = PreparedInsert(RequestedService, returning=("service_key", "id"))
_INSERT_ACCOUNT_LINKS = PreparedInsert(RequestedAccountLink)


def _save_services(link: Link, services: Sequence[ServiceSpec]) -> None:
    now = timezone.now()
    service_ids = dict(
        _INSERT_SERVICES.insert(
            [
                {
                    "link_id": link.pk,
                    "platform": spec.service.platform.key,
                    "service_key": spec.service.key,
                    "access_level": spec.access_level,
                    "requested": spec.requested,
                    "position": position,
                    "updated": now,
                    "access_until": from_epoch_ms(spec.access_until)
                    if spec.access_until is not None
                    else None,
                }
                for position, spec in enumerate(services)
            ]
        )
    )
    _INSERT_ACCOUNT_LINKS.insert(
        [
            {
                "requested_service_id": service_ids[spec.service.key],
                "connected_account_id": account_link.account.pk,
                "mcc_id": account_link.mcc_id,
                "position": position,
            }
            for spec in services
            for position, account_link in enumerate(spec.account_links)
        ]
    )


def save_grant(
    link: Link,
    service: RequestedService,
    account: ConnectedAccount,
    asset: Asset,
    outcome: GrantOutcome,
) -> Grant:
    """Record what a connector answered for one asset and one receiving account."""
    now = timezone.now()
    grant, _ = Grant.objects.update_or_create(
        link=link,
        service_key=service.service_key,
        connected_account=account,
        asset_id=asset.external_id,
        defaults={
            "asset_type": asset.asset_type,
            "asset_name": asset.name,
            "access_level": service.access_level,
            "native_role": outcome.native_role,
            "native_ref": outcome.native_ref,
            "state": outcome.state,
            **Grant.worded(outcome.message),
            "next_action_url": outcome.next_action_url or "",
            "updated": now,
            "last_verified": now,
            "next_check": now + first_check_delay(outcome) if outcome.state.is_pending else None,
            "checks": 0,
        },
    )
    return grant


def first_check_delay(outcome: GrantOutcome) -> timedelta:
    return timedelta(seconds=outcome.retry_after or 60)


def answer_service(link: Link, service: RequestedService, status: ServiceStatus) -> None:
    """The client granted (at least one asset) or skipped a service. The change is one
    conditional UPDATE, so of two submits at once only one answers it and tells the agency."""
    now = timezone.now()
    with transaction.atomic():
        answered = (
            RequestedService.objects.filter(pk=service.pk)
            .exclude(status=status)
            .update(status=status, updated=now)
        )
        if not answered:
            return
        service.status, service.updated = status, now
        if status == ServiceStatus.GRANTED:
            _emit_service_result(link, service, EventType.SERVICE_GRANTED)
        else:
            emit(
                link.agency_id,
                EventType.SERVICE_SKIPPED,
                {
                    "link_id": link.public_id,
                    "client_id": link.client.public_id,
                    "platform": service.service.platform.name,
                    "service": service.service.name,
                    "skipped_at": epoch_ms(now),
                },
                dedupe_key=f"{service.pk}:{epoch_ms(now)}",
                link_id=link.pk,
                client_id=link.client_id,
            )
        update_completion(link)


def _emit_service_result(link: Link, service: RequestedService, event_type: EventType) -> None:
    """service.granted or service.failed, with every asset of the service as it stands."""
    grants = list(
        link.grants.filter(service_key=service.service_key)
        .select_related("connected_account")
        .order_by("created", "id")
    )
    standing = sum(GrantState(grant.state).counts_as_granted for grant in grants)
    if event_type == EventType.SERVICE_FAILED:
        result = "failed"
    else:
        result = "granted" if standing == len(grants) else "partial"
    emit(
        link.agency_id,
        event_type,
        {
            "link_id": link.public_id,
            "client": link.client.as_api(),
            "platform": service.service.platform.name,
            "service": service.service.name,
            "access_level": service.access_level,
            "result": result,
            **payloads.assets_of(grants),
        },
        dedupe_key=f"{service.pk}:{epoch_ms(service.updated)}:{len(grants)}",
        link_id=link.pk,
        client_id=link.client_id,
    )


def reopen_if_nothing_granted(link: Link, service_key: str) -> None:
    """A granted service whose every grant has since failed or been removed on the platform
    (a declined invitation, 30 days unconfirmed) is asked of the client again: the API shows it
    not granted, the link page offers it again, and the link is no longer complete.

    One conditional UPDATE, so a grant the client makes meanwhile keeps the service granted."""
    standing = Grant.objects.standing().filter(link=link, service_key=service_key)
    reopened = (
        link.services.filter(service_key=service_key, requested=True, status=ServiceStatus.GRANTED)
        .exclude(Exists(standing))
        .update(status=ServiceStatus.PENDING, updated=timezone.now())
    )
    if reopened:
        # The link in hand may be older than what the client did since.
        link.refresh_from_db(fields=["completed", "intake_completed"])
        update_completion(link)


def intake_completed(link: Link) -> None:
    """The client has just submitted the intake form (recorded on `link` by the caller, in
    the same transaction): tell the agency, and see whether that finished the link."""
    emit(
        link.agency_id,
        EventType.INTAKE_COMPLETED,
        {
            "link_id": link.public_id,
            "client": link.client.as_api(),
            "answers": link.intake_answers,
        },
        dedupe_key=str(link.pk),
        link_id=link.pk,
        client_id=link.client_id,
    )
    update_completion(link)


def opened_by_client(link: Link) -> None:
    """The client opened the link: the first time, the agency hears of it."""
    now = timezone.now()
    with transaction.atomic():
        if not Link.objects.filter(pk=link.pk, opened__isnull=True).update(opened=now):
            return
        link.opened = now
        emit(
            link.agency_id,
            EventType.LINK_OPENED,
            {
                "link_id": link.public_id,
                "client_id": link.client.public_id,
                "opened_at": epoch_ms(now),
                "language": link.client.as_api()["language"],
            },
            dedupe_key=str(link.pk),
            link_id=link.pk,
            client_id=link.client_id,
            occurred=now,
        )


def grant_activated(grant: Grant, previous: GrantState) -> None:
    """A grant that waited on someone (an invitation, a manager link, a review) is active now.
    The grant's link, client and connected account must be loaded."""
    link = grant.link
    emit(
        link.agency_id,
        EventType.GRANT_ACTIVATED,
        {
            "link_id": link.public_id,
            "client_id": link.client.public_id,
            "grant": payloads.asset_object(grant),
            "previous_state": previous.value,
        },
        dedupe_key=f"{grant.pk}:{epoch_ms(grant.updated)}",
        link_id=link.pk,
        client_id=link.client_id,
    )


def update_completion(link: Link) -> None:
    """A link is complete when every requested service is granted or skipped and the intake
    (if asked) is done: the client has finished. Becoming complete is one conditional UPDATE
    that counts the completions, so link.completed fires once each time, and again after a
    service asked anew is answered."""
    complete = not link.services.filter(requested=True, status=ServiceStatus.PENDING).exists() and (
        not link.intake_form_requested or link.intake_completed is not None
    )
    links = Link.objects.filter(pk=link.pk)
    if not complete:
        links.filter(completed__isnull=False).update(completed=None)
        link.completed = None
        return
    now = timezone.now()
    if not links.filter(completed__isnull=True).update(
        completed=now, completions=F("completions") + 1
    ):
        return
    link.refresh_from_db(fields=["completed", "completions", "intake_answers"])
    data = completed_link_data(link)
    emit(
        link.agency_id,
        EventType.LINK_COMPLETED,
        data,
        dedupe_key=f"{link.pk}:{link.completions}",
        link_id=link.pk,
        client_id=link.client_id,
        occurred=now,
        sealed=bool(data["tokens"]),
    )


def completed_link_data(link: Link) -> dict[str, Any]:
    """link.completed's data (Zapier's access_granted): AgencyAccess's shape and ours."""
    services = list(link.services.filter(requested=True).order_by("position"))
    grants = link.grants.select_related("connected_account").order_by("created", "id")
    return {
        "id": link.public_id,
        "client": payloads.completed_client(link),
        "url": link.url,
        "completed": epoch_ms(link.completed) if link.completed else None,
        "services": payloads.service_summaries(services, grants),
        "skipped": sum(service.status == ServiceStatus.SKIPPED for service in services),
        # Only links that keep the client's tokens carry them (the API guide: "Tokens will be
        # sent to your Zapier integration").
        "tokens": retained_tokens(link) if link.retain_tokens else None,
    }


def store_client_token(link: Link, platform_key: str, tokens: TokenSet) -> PlatformToken:
    """Keep the client's sign-in for this link, replacing an earlier one on the same platform."""
    lifetime = RETAINED_CLIENT_TOKEN_LIFETIME if link.retain_tokens else CLIENT_TOKEN_LIFETIME
    token = PlatformToken(link=link, platform=platform_key, purge_after=timezone.now() + lifetime)
    token.store(tokens)
    with transaction.atomic():
        link.tokens.filter(platform=platform_key).delete()
        token.save()
    return token


def live_client_token(link: Link, platform_key: str) -> PlatformToken | None:
    """The client's sign-in on this platform, unless it is due to be purged."""
    return (
        link.tokens.filter(platform=platform_key, purge_after__gt=timezone.now())
        .order_by("-created")
        .first()
    )


def release_client_token(link: Link, token: PlatformToken) -> None:
    """The grants are done: forget the client's sign-in, unless the link keeps tokens (then the
    worker purges it after 30 days)."""
    if not link.retain_tokens:
        token.delete()


class ReceiverNotAllowed(ActionError):
    """A requested service names no account that may receive access: nothing is granted."""


def receiving_accounts(link: Link, service: RequestedService) -> list[RequestedAccountLink]:
    """The agency's accounts that receive this service's access, in the link's order.

    Each must be a connected account of the link's own agency on the service's platform. The
    API checks that when the link is created; this check makes sure a client's sign-in can
    never be used to give another agency access, whatever the rows say.
    """
    account_links = list(
        service.account_links.select_related("connected_account").order_by("position")
    )
    foreign = [
        link_row.connected_account.public_id
        for link_row in account_links
        if link_row.connected_account.agency_id != link.agency_id
        or link_row.connected_account.platform != service.platform
    ]
    if foreign or not account_links:
        logger.warning(
            "link %s, %s: refused receiving accounts %s",
            link.public_id,
            service.service_key,
            foreign or "(none)",
        )
        raise ReceiverNotAllowed(f"{service.service.path} has no account that may receive it.")
    return account_links


@dataclass(frozen=True)
class GrantResult:
    """What became of one asset for one receiving account, for the client's result page."""

    service: RequestedService
    asset: Asset
    account: ConnectedAccount
    grant: Grant | None  # None when a passing error left nothing recorded: try again
    error: ConnectorError | None = None

    @property
    def state(self) -> GrantState | None:
        return GrantState(self.grant.state) if self.grant else None


def grant_service(
    link: Link,
    service: RequestedService,
    connector: ServiceConnector,
    client_tokens: TokenSet,
    assets: Sequence[Asset],
    *,
    address: str | None = None,
) -> list[GrantResult]:
    """Give every receiving account of the service access to each chosen asset, for the client
    at `address`.

    Each answer is recorded as it comes (the platform has already acted), a permanent error as
    a failed grant the agency sees, each in the audit log; a passing error records nothing, so
    trying again is clean. The service counts as granted as soon as one grant is active or
    pending.
    """
    level = service.service.level(service.access_level)
    native_role = level.native if level else ""
    results = []
    for account_link in receiving_accounts(link, service):
        identity = agency_identity(account_link)
        for asset in assets:
            request = GrantRequest(
                service_key=service.service_key,
                asset=asset,
                agency=identity,
                level=service.access_level,
                native_role=native_role,
            )
            result = _grant_one(
                link, service, account_link.connected_account, connector, client_tokens, request
            )
            if result.grant is not None:
                audit_grant(result.grant, actor=link.client, address=address)
            results.append(result)
    states = [result.state for result in results if result.state]
    if service.status != ServiceStatus.GRANTED and any(s.counts_as_granted for s in states):
        answer_service(link, service, ServiceStatus.GRANTED)
    elif (
        service.status != ServiceStatus.GRANTED
        and states
        and all(state == GrantState.FAILED for state in states)
    ):
        service.updated = timezone.now()
        _emit_service_result(link, service, EventType.SERVICE_FAILED)
    return results


def audit_grant(
    grant: Grant, *, actor: Any, address: str | None = None, previous: GrantState | None = None
) -> None:
    """Log what just happened to a grant: made by the client (no `previous` state), or found
    changed by a check (`previous` is what it was)."""
    state = GrantState(grant.state)
    if state == GrantState.FAILED:
        action = audit.Action.GRANT_FAILED
    elif state == GrantState.REVOKED:
        action = audit.Action.GRANT_REVOKED
    else:
        action = audit.Action.GRANT_GRANTED if previous is None else audit.Action.GRANT_VERIFIED
    details = {"state": state.value, "level": grant.access_level}
    if previous is not None:
        details["previous_state"] = previous.value
    audit.record(
        action,
        agency=grant.agency_id,
        actor=actor,
        target=grant,
        address=address,
        details=details,
    )


def agency_identity(account_link: RequestedAccountLink) -> AgencyIdentity:
    account = account_link.connected_account
    return AgencyIdentity(
        account_id=account.public_id,
        email=account.email,
        fields=account.fields,
        mcc_id=account_link.mcc_id,
        tokens=_agency_tokens(account),
    )


def _agency_tokens(account: ConnectedAccount) -> TokenSet | None:
    """The agency's own sign-in, refreshed. A connector that cannot grant without it says so
    itself, so a sign-in that no longer works is just absent here."""
    if account.method != ConnectionMethod.OAUTH:
        return None
    token = account.latest_token()
    if token is None:
        return None
    try:
        return token.usable()
    except ConnectorError as e:
        logger.warning("connected account %s: sign-in not usable: %s", account.public_id, e)
        return None


def _grant_one(
    link: Link,
    service: RequestedService,
    account: ConnectedAccount,
    connector: ServiceConnector,
    client_tokens: TokenSet,
    request: GrantRequest,
) -> GrantResult:
    try:
        outcome = connector.grant(client_tokens, request)
    except ConnectorError as e:
        if not e.permanent:
            return GrantResult(service, request.asset, account, grant=None, error=e)
        outcome = GrantOutcome(
            GrantState.FAILED, native_role=request.native_role, message=e.message
        )
        grant = save_grant(link, service, account, request.asset, outcome)
        return GrantResult(service, request.asset, account, grant=grant, error=e)
    return GrantResult(
        service,
        request.asset,
        account,
        grant=save_grant(link, service, account, request.asset, outcome),
    )


def welcome(page: AccessPage, visitor: dict[str, Any]) -> Link:
    """The visitor becomes a client of the page's agency (an existing one only when both the
    e-mail address and the name match it) with a new link built from the page. Nothing is kept
    when the link cannot be made."""
    with transaction.atomic():
        client = returning_client(page.agency_id, visitor["email"], visitor["name"])
        if client is None:
            client = create_client(
                page.agency_id,
                "access_page",
                name=visitor["name"].strip(),
                email=visitor["email"],
                company=visitor["company"].strip(),
                language=visitor["language"],
                type=page.client_type,
            )
        services = parse_services(page.agency_id, client, page.requested_accounts)
        return create_link(
            client,
            services,
            intake_form=page.intake_form,
            thank_you_message=page.thank_you_message,
            redirect=page.redirect,
            access_page=page,
        )


def returning_client(agency_id: int, email: str, name: str) -> Client | None:
    """The agency's oldest client with this e-mail address and this name (both in any case,
    around spaces ignored), or None.

    The address alone is not enough: the new link greets its client by name, so anyone typing a
    client's address into a public page would read that client's name. Who also types the name
    already knows it. The existing client's fields are never changed from here, for the same
    reason: anyone can type anything into a public page."""
    wanted = name.strip().casefold()
    # The names are compared here rather than in SQL, where SQLite ignores case in ASCII only.
    # Only ids and names are read: visitors typing one address with other names add clients.
    candidates = Client.objects.filter(agency_id=agency_id, email__iexact=email.strip())
    for pk, client_name in candidates.order_by("created", "id").values_list("pk", "name"):
        if client_name.strip().casefold() == wanted:
            return Client.objects.get(pk=pk)
    return None
