"""The client's way through a link: one step per platform, in the order the agency asked for
them, then the intake form. The first step not answered yet is the current one: the link page
opens on it, and every answer (a grant, a skip, the guided steps, the intake form) moves the
client on to the next one by itself (`Journey.next_url`).

A step is answered when each of its services is granted or skipped (the intake form: sent).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.sessions.backends.base import SessionBase
from django.urls import reverse

from agencyaccess.catalog import Platform, platform_by_key, service_by_key
from agencyaccess.lib.sql import PreparedQuery
from agencyaccess.links.models import Grant, Link, RequestedService, ServiceStatus
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import GrantState

INTAKE = "intake"


@dataclass
class ServiceRow:
    """One requested service of a step, with what the client shared of it."""

    requested: RequestedService
    grants: list[Grant]
    has_api: bool

    @property
    def is_pending(self) -> bool:
        return self.requested.status == ServiceStatus.PENDING


@dataclass
class Step:
    """One platform's requested services, or (key INTAKE) the intake form."""

    key: str
    number: int
    platform: Platform | None = None
    rows: list[ServiceRow] = field(default_factory=list)
    sandbox: bool = False
    intake_done: bool = False

    @property
    def is_intake(self) -> bool:
        return self.key == INTAKE

    @property
    def can_connect(self) -> bool:
        return any(row.has_api for row in self.rows)

    @property
    def answered(self) -> bool:
        if self.is_intake:
            return self.intake_done
        return not any(row.is_pending for row in self.rows)

    @property
    def shared(self) -> int:
        return sum(1 for row in self.rows if row.requested.status == ServiceStatus.GRANTED)

    @property
    def skipped(self) -> int:
        return sum(1 for row in self.rows if row.requested.status == ServiceStatus.SKIPPED)

    @property
    def waiting_on_client(self) -> list[Grant]:
        """Grants the client still has to finish on the platform's own site (accept, or a step
        by hand): their links stay on the step's line once it is folded."""
        return [grant for row in self.rows for grant in row.grants if grant.client_action_url]

    def first_guided(self) -> ServiceRow | None:
        """The step's first open service granted by following steps, when nothing of it is
        granted by signing in: the client is then taken straight to those steps."""
        pending = [row for row in self.rows if row.is_pending]
        if pending and not any(row.has_api for row in pending):
            return pending[0]
        return None


@dataclass
class Journey:
    link: Link
    steps: list[Step]

    @property
    def current(self) -> Step | None:
        return next((step for step in self.steps if not step.answered), None)

    @property
    def done(self) -> int:
        return sum(1 for step in self.steps if step.answered)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def all_shared(self) -> bool:
        return all(step.skipped == 0 for step in self.steps)

    def opened(self, key: str) -> Step | None:
        """The step shown open: the one the client picked (?step=), else the current one."""
        return next((step for step in self.steps if step.key == key), None) or self.current

    def next_url(self) -> str:
        """Where the client goes after answering something: the page of the next open step
        (a platform's connect on the link page, its guided steps, the intake form), or the
        link page with its finish."""
        step = self.current
        public_id = self.link.public_id
        if step is not None and step.is_intake:
            return reverse("onboarding-intake", args=[public_id])
        guided = step.first_guided() if step is not None else None
        if guided is not None:
            return reverse("onboarding-steps", args=[public_id, guided.requested.service_key])
        return reverse("onboarding-link", args=[public_id])


# The link page's two queries, compiled once (lib/sql.py): it is the page clients load most.
_REQUESTED_SERVICES = PreparedQuery(
    lambda link_id: RequestedService.objects.filter(link_id=link_id, requested=True).order_by(
        "position"
    ),
    link_id=int,
)
_GRANTS = PreparedQuery(
    lambda link_id: Grant.objects.filter(link_id=link_id).order_by("created", "id"), link_id=int
)


def requested_services(link: Link) -> list[RequestedService]:
    return _REQUESTED_SERVICES.objects(link_id=link.pk)


def journey_of(link: Link, services: Sequence[RequestedService] | None = None) -> Journey:
    """The link's steps: its requested services grouped by platform, in the order the agency
    asked for them, then the intake form when it is asked for."""
    if services is None:
        services = requested_services(link)
    grants: dict[str, list[Grant]] = {}
    for grant in _GRANTS.objects(link_id=link.pk):
        grants.setdefault(grant.service_key, []).append(grant)
    steps: dict[str, Step] = {}
    for service in services:
        step = steps.get(service.platform)
        if step is None:
            step = steps[service.platform] = Step(
                service.platform,
                len(steps) + 1,
                platform_by_key(service.platform),
                sandbox=registry.is_sandbox(service.platform),
            )
        step.rows.append(
            ServiceRow(
                service,
                grants.get(service.service_key, []),
                has_api=registry.connector_for(service.service_key) is not None,
            )
        )
    ordered = list(steps.values())
    if link.intake_form_requested:
        ordered.append(
            Step(INTAKE, len(ordered) + 1, intake_done=link.intake_completed is not None)
        )
    return Journey(link, ordered)


# -- What was just shared, shown on the next step's page ----------------------------------------

SESSION_JUST_SHARED = "onboarding_just_shared"
# A grant the client need not do anything more about: the flow moves on without stopping.
NOTHING_LEFT_FOR_THE_CLIENT = frozenset(
    {GrantState.ACTIVE, GrantState.PENDING_AGENCY, GrantState.PENDING_REVIEW}
)


@dataclass(frozen=True)
class SharedLine:
    """One asset shared, as the result lines show it: on the result page after a grant that
    needs the client again, or inline on the next step's page."""

    name: str
    service_name: str
    platform_name: str
    receiver: str
    state: str
    message: str = ""
    action_url: str = ""
    advice: str = ""

    @classmethod
    def of_grant(cls, grant: Grant, advice: str = "") -> "SharedLine":
        service = service_by_key(grant.service_key)
        return cls(
            name=grant.asset_name or grant.asset_id or service.name,
            service_name=service.name,
            platform_name=service.platform.name,
            receiver=grant.connected_account.email,
            state=grant.state,
            # The platform's words for a finished share add nothing to "has access now".
            message=grant.message if grant.state != GrantState.ACTIVE else "",
            action_url=grant.client_action_url,
            advice=advice,
        )


def remember_just_shared(session: SessionBase, link: Link, grants: Sequence[Grant]) -> None:
    shared = session.get(SESSION_JUST_SHARED, {})
    shared[link.public_id] = [grant.pk for grant in grants]
    # Only this link's latest share is kept: the session does not grow with other links.
    session[SESSION_JUST_SHARED] = {link.public_id: shared[link.public_id]}


def pop_just_shared(session: SessionBase, link: Link) -> list[SharedLine]:
    """What the client shared just before reaching this page, shown once."""
    shared = session.get(SESSION_JUST_SHARED)
    if not shared or link.public_id not in shared:
        return []
    ids = shared.pop(link.public_id)
    session[SESSION_JUST_SHARED] = shared
    grants = Grant.objects.filter(link=link, pk__in=ids).select_related("connected_account")
    return [SharedLine.of_grant(grant) for grant in grants.order_by("created", "id")]
