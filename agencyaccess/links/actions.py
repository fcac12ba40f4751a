"""Link workflows shared by the API and the dashboard."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog.requested_accounts import ServiceSpec, parse_requested_accounts
from agencyaccess.clients.models import Client
from agencyaccess.lib.errors import ActionError, Conflict
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.links.models import (
    Grant,
    IntakeForm,
    Link,
    RequestedAccountLink,
    RequestedService,
    ServiceStatus,
)
from agencyaccess.notify.models import EventKind, record_event
from agencyaccess.platforms.base import Asset, GrantOutcome
from agencyaccess.platforms.models import ConnectedAccount


def parse_services(
    agency_id: int, client: Client, requested_accounts: dict[str, Any]
) -> list[ServiceSpec]:
    """Validate `requestedAccounts` against the catalogue and the agency's connected accounts.

    A disconnected account is not one of them any more: it cannot receive new access.
    """
    wanted = {
        link.get("internalAccountID")
        for services in requested_accounts.values()
        for config in services.values()
        for link in config.get("requestedAccountLinks") or []
    }
    accounts = {
        account.public_id: account
        for account in ConnectedAccount.objects.filter(
            agency_id=agency_id,
            disconnected__isnull=True,
            public_id__in=[w for w in wanted if looks_like_public_id(w)],
        )
    }
    return parse_requested_accounts(requested_accounts, accounts, prospect=client.is_prospect)


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
) -> Link:
    if not any(spec.requested for spec in services) and not intake_form:
        raise ActionError(
            "A link must request at least one service (requestedAccounts) or the intake form."
        )
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
            created=now,
            last_reminder=now,
        )
        _save_services(link, services)
        record_event(link, EventKind.LINK_CREATED)
    return link


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
    """Refuse a link beyond the agency's monthly limit. Locks the agency row, so two requests
    at once cannot both take the last link of the month."""
    agency = Agency.objects.select_for_update().only("monthly_link_limit").get(pk=agency_id)
    limit = agency.monthly_link_limit
    if limit is None:
        return
    month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if Link.objects.filter(agency_id=agency_id).created_since(month_start).count() >= limit:
        raise Conflict(
            f"Your agency has reached its limit of {limit} links a month. "
            "The count starts again on the 1st of next month (UTC)."
        )


def _save_services(link: Link, services: Sequence[ServiceSpec]) -> None:
    rows = RequestedService.objects.bulk_create(
        RequestedService(
            link=link,
            platform=spec.service.platform.key,
            service_key=spec.service.key,
            access_level=spec.access_level,
            requested=spec.requested,
            position=position,
        )
        for position, spec in enumerate(services)
    )
    RequestedAccountLink.objects.bulk_create(
        RequestedAccountLink(
            requested_service=row,
            connected_account=account_link.account,
            mcc_id=account_link.mcc_id,
            position=position,
        )
        for row, spec in zip(rows, services, strict=True)
        for position, account_link in enumerate(spec.account_links)
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
            "message": outcome.message,
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
    """The client granted (at least one asset) or skipped a service."""
    service.status = status
    service.updated = timezone.now()
    service.save(update_fields=["status", "updated"])
    kind = (
        EventKind.SERVICE_GRANTED if status == ServiceStatus.GRANTED else EventKind.SERVICE_SKIPPED
    )
    record_event(link, kind, platform=service.service.platform.name, service=service.service.name)
    update_completion(link)


def update_completion(link: Link) -> None:
    """A link is complete when every requested service is granted and the intake (if asked)
    is done; the moment it becomes complete is recorded once, with an event."""
    complete = not link.services.filter(requested=True).exclude(
        status=ServiceStatus.GRANTED
    ).exists() and (not link.intake_form_requested or link.intake_completed is not None)
    if complete and link.completed is None:
        link.completed = timezone.now()
        link.save(update_fields=["completed"])
        record_event(link, EventKind.LINK_COMPLETED)
    elif not complete and link.completed is not None:
        link.completed = None
        link.save(update_fields=["completed"])
