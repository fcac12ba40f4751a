from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog import PLATFORM_CHOICES, Service, service_by_key
from agencyaccess.clients.models import Client, ClientType
from agencyaccess.lib.ids import PublicIdField
from agencyaccess.links import grant_messages
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.models import ConnectedAccount


class LinkQuerySet(models.QuerySet["Link"]):
    def created_since(self, moment) -> "LinkQuerySet":
        return self.filter(created__gte=moment)

    def with_grants(self) -> "LinkQuerySet":
        """Everything the dashboard's link page shows (the receiving accounts in full, and every
        grant), in a fixed number of queries."""
        return self.select_related("client", "access_page").prefetch_related(
            _services_with(RequestedAccountLink.objects.select_related("connected_account")),
            models.Prefetch(
                "grants",
                Grant.objects.select_related("connected_account").order_by("created", "id"),
            ),
        )

    def in_status(self, status: "LinkStatus") -> "LinkQuerySet":
        """The links Link.status puts in `status`, asked of the database."""
        if status == LinkStatus.COMPLETE:
            return self.filter(completed__isnull=False)
        started = models.Q(intake_completed__isnull=False) | models.Exists(
            RequestedService.objects.filter(link=models.OuterRef("pk")).exclude(
                status=ServiceStatus.PENDING
            )
        )
        open_links = self.filter(completed__isnull=True)
        return open_links.filter(started if status == LinkStatus.IN_PROGRESS else ~started)

    def for_list(self) -> "LinkQuerySet":
        """What a list row shows (client, services, progress), in two queries for any number of
        rows."""
        return self.select_related("client").prefetch_related(
            models.Prefetch("services", RequestedService.objects.order_by("position"))
        )


def _services_with(account_links: "models.QuerySet[RequestedAccountLink]") -> models.Prefetch:
    return models.Prefetch(
        "services",
        RequestedService.objects.order_by("position").prefetch_related(
            models.Prefetch("account_links", account_links.order_by("position"))
        ),
    )


class AccessPage(models.Model):
    """A reusable public page ("static link"): each visitor who enters a name, e-mail and company
    becomes a client with a new link built from this page's template."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="access_pages")
    public_id = PublicIdField()
    name = models.CharField(max_length=200)
    # The links it creates ask for these, in the API's requestedAccounts shape.
    requested_accounts = models.JSONField(default=dict)
    intake_form = models.BooleanField(default=False)
    client_type = models.CharField(
        max_length=8, choices=ClientType.choices, default=ClientType.CLIENT
    )
    thank_you_message = models.TextField(blank=True)
    redirect = models.CharField(max_length=500, blank=True)
    enabled = models.BooleanField(default=True)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class LinkTemplate(models.Model):
    """A saved set of requested services ("SEO package", "Paid social"): what the builder, an
    access page or the API's links/create (its templateID) starts from. Kept in the API's
    requestedAccounts shape, checked as a link's when saved."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="link_templates")
    public_id = PublicIdField()
    name = models.CharField(max_length=200)
    requested_accounts = models.JSONField(default=dict)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_template_name_per_agency")
        ]

    def __str__(self) -> str:
        return self.name


class Link(models.Model):
    """One access request sent to one client: the services asked for and how far they got."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="links")
    client = models.ForeignKey(Client, models.CASCADE, related_name="links")
    public_id = PublicIdField()
    intake_form_requested = models.BooleanField(default=False)
    # The client's answers, saved as they type: {question key: answer}.
    intake_answers = models.JSONField(default=dict, blank=True)
    intake_completed = models.DateTimeField(null=True, blank=True)
    send_email = models.BooleanField(default=False)
    thank_you_message = models.TextField(blank=True)
    # Where the client goes when done: a host and optional path, stored without scheme.
    redirect = models.CharField(max_length=500, blank=True)
    retain_tokens = models.BooleanField(default=False)
    # Who is copied on the e-mails to the client: [{"name": ..., "email": ...}].
    cc = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(default=timezone.now)
    last_reminder = models.DateTimeField(default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    completed = models.DateTimeField(null=True, blank=True)
    # How many times the client finished it (a service asked anew reopens it): each time is
    # one link.completed event.
    completions = models.PositiveSmallIntegerField(default=0)
    # When the client first opened it (the link.opened event); the agency's previews do not count.
    opened = models.DateTimeField(null=True, blank=True)
    # The access page this link was made from (the API's staticLinkRef).
    access_page = models.ForeignKey(
        AccessPage, models.SET_NULL, null=True, blank=True, related_name="links"
    )
    # When the access granted through this link ends (the API's accessUntil extension): the
    # worker revokes it then (lifecycle/expiry.py). A service may carry its own end date.
    access_until = models.DateTimeField(null=True, blank=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["agency", "-created"]),
            # The reminder job looks for links still open after some days (notify/reminders.py).
            models.Index(
                fields=["created"],
                condition=models.Q(completed__isnull=True),
                name="link_open_by_created",
            ),
            # The worker's look for access that ends (lifecycle/expiry.py).
            models.Index(
                fields=["access_until"],
                condition=models.Q(access_until__isnull=False),
                name="link_access_until",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def url(self) -> str:
        """The address the client opens."""
        return f"{settings.SITE_URL}/l/{self.public_id}/"

    def requested_services(self) -> list["RequestedService"]:
        """The services asked for, from the prefetched ones when loaded with for_list() or
        with_grants()."""
        return [service for service in self.services.all() if service.requested]

    def skipped_count(self) -> int:
        """Requested services the client skipped (from the prefetched services)."""
        return sum(s.status == ServiceStatus.SKIPPED for s in self.requested_services())

    def progress(self) -> tuple[int, int]:
        """(services granted, services requested)."""
        requested = self.requested_services()
        return sum(s.status == ServiceStatus.GRANTED for s in requested), len(requested)

    def services_and_grants(self) -> list[tuple[Service, "RequestedService | None", list["Grant"]]]:
        """Each requested service with the grants made for it, then grants of services the link
        no longer asks for (access the client gave stays given); from with_grants()."""
        grants: dict[str, list[Grant]] = {}
        for grant in self.grants.all():
            grants.setdefault(grant.service_key, []).append(grant)
        rows = [
            (service.service, service, grants.pop(service.service_key, []))
            for service in self.services.all()
        ]
        return rows + [(service_by_key(key), None, rest) for key, rest in grants.items()]

    def shown_intake(self, questions: "Iterable[IntakeQuestion]") -> list[tuple[str, str]]:
        """The intake answers as (question, answer), in the form's order; answers to questions
        removed since come last, under their keys."""
        answers = dict(self.intake_answers)
        rows = [
            (question.label(), question.shown_answer(answers.pop(question.key)))
            for question in questions
            if question.key in answers
        ]
        return rows + [(key, str(answer)) for key, answer in answers.items()]

    @property
    def status(self) -> "LinkStatus":
        if self.completed is not None:
            return LinkStatus.COMPLETE
        answered = any(s.status != ServiceStatus.PENDING for s in self.services.all())
        if answered or self.intake_completed is not None:
            return LinkStatus.IN_PROGRESS
        return LinkStatus.NOT_STARTED


class LinkStatus(models.TextChoices):
    """Where a link stands, as the dashboard shows it; only `complete` is stored (as
    Link.completed), the others follow from its services."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class ServiceStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    GRANTED = "granted", "Granted"
    SKIPPED = "skipped", "Skipped"


class RequestedService(models.Model):
    """One service a link asks for, at one access level, and whether the client granted it."""

    link = models.ForeignKey(Link, models.CASCADE, related_name="services")
    platform = models.CharField(max_length=30, choices=PLATFORM_CHOICES)
    service_key = models.CharField(max_length=50)
    access_level = models.CharField(max_length=50)
    requested = models.BooleanField(default=True)
    status = models.CharField(
        max_length=10, choices=ServiceStatus.choices, default=ServiceStatus.PENDING
    )
    position = models.PositiveSmallIntegerField(default=0)
    updated = models.DateTimeField(default=timezone.now)
    # This service's own end date, before the link's (lifecycle/expiry.py); when both sides
    # were told it is near, and when the worker ended it.
    access_until = models.DateTimeField(null=True, blank=True)
    expiry_warned = models.DateTimeField(null=True, blank=True)
    access_ended = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "service_key"], name="one_row_per_service")
        ]
        indexes = [
            models.Index(
                fields=["access_until"],
                condition=models.Q(access_until__isnull=False, access_ended__isnull=True),
                name="service_access_until",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.path} ({self.access_level})"

    @property
    def service(self) -> Service:
        return service_by_key(self.service_key)

    @property
    def level_label(self) -> str:
        return self.service.level_label(self.access_level)


class RequestedAccountLink(models.Model):
    """A connected account of the agency that receives a requested service's access."""

    requested_service = models.ForeignKey(
        RequestedService, models.CASCADE, related_name="account_links"
    )
    # RESTRICT: an account still named by a link cannot be deleted on its own (it is
    # disconnected instead), but deleting the whole agency still cascades.
    connected_account = models.ForeignKey(
        ConnectedAccount, models.RESTRICT, related_name="requested_links"
    )
    mcc_id = models.CharField(max_length=10, blank=True)  # Google Ads manager customer id
    position = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.requested_service} -> {self.connected_account}"


class Drift(models.TextChoices):
    """How a grant was found changed on the platform by someone other than AgencyAccess."""

    REMOVED = "removed", "Removed outside AgencyAccess"
    ROLE_CHANGED = "role_changed", "Role changed outside AgencyAccess"


class GrantQuerySet(models.QuerySet["Grant"]):
    def pending(self) -> "GrantQuerySet":
        return self.filter(state__in=[s.value for s in GrantState if s.is_pending])

    def standing(self) -> "GrantQuerySet":
        """Grants that still count as given: active, or waiting on someone to accept."""
        return self.filter(state__in=[s.value for s in GrantState if s.counts_as_granted])


class Grant(models.Model):
    """One asset a client shared with one of the agency's connected accounts, and where that
    stands on the platform. Guided services record what the client confirmed (asset_id may then
    be what they typed, such as a Shopify collaborator code, or empty)."""

    link = models.ForeignKey(Link, models.CASCADE, related_name="grants")
    # The link's agency, copied (save() fills it in): the access inventory lists an agency's
    # grants newest first from one index, without going through every link (inventory/grants.py).
    # No index of its own: grant_inventory starts with it.
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="+", db_index=False)
    service_key = models.CharField(max_length=50)
    connected_account = models.ForeignKey(ConnectedAccount, models.RESTRICT, related_name="grants")
    asset_type = models.CharField(max_length=50, blank=True)
    asset_id = models.CharField(max_length=300, blank=True)
    asset_name = models.CharField(max_length=300, blank=True)
    access_level = models.CharField(max_length=50)
    native_role = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=20, choices=[(s.value, s.name) for s in GrantState])
    native_ref = models.CharField(max_length=500, blank=True)
    # What happened and what happens next, as the code wrote it (in English) with the values
    # of its placeholders: each reader sees it in their own language (the `message` property).
    message_id = models.TextField(blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    next_action_url = models.URLField(max_length=1000, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    last_verified = models.DateTimeField(null=True, blank=True)
    # Re-checking: a pending grant until the platform confirms it (with a backoff), an active
    # one on the agency's schedule (lifecycle/reverify.py); how many checks so far.
    next_check = models.DateTimeField(null=True, blank=True)
    checks = models.PositiveIntegerField(default=0)
    # Access changed on the platform outside AgencyAccess, found by a re-check: what changed,
    # when it was found, and the role the platform showed (native_role keeps what was granted).
    drift = models.CharField(max_length=20, choices=Drift.choices, blank=True)
    drifted = models.DateTimeField(null=True, blank=True)
    observed_role = models.CharField(max_length=300, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "service_key", "connected_account", "asset_id"],
                name="one_grant_per_asset_and_account",
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_check"]),
            models.Index(fields=["agency", "-created", "-id"], name="grant_inventory"),
        ]

    def __str__(self) -> str:
        return f"{self.service_key} {self.asset_name or self.asset_id}: {self.state}"

    def save(self, *args, **kwargs) -> None:
        if self.agency_id is None:
            self.agency_id = self.link.agency_id
        super().save(*args, **kwargs)

    @property
    def message(self) -> str:
        """The message in the active language: the client's on their pages, the dashboard's
        on the agency's."""
        return grant_messages.render(self.message_id, self.message_params)

    @message.setter
    def message(self, text: str) -> None:
        """Record a message worded in the active language (as the connectors word them)."""
        fields = self.worded(text)
        self.message_id, self.message_params = fields["message_id"], fields["message_params"]

    @staticmethod
    def worded(text: str) -> dict[str, Any]:
        """The fields that record `text`, worded in the active language, for create() and
        update_or_create()'s defaults."""
        msgid, params = grant_messages.trace(
            str(text), translation.get_language() or settings.LANGUAGE_CODE
        )
        return {"message_id": msgid, "message_params": params}

    @property
    def level_label(self) -> str:
        return service_by_key(self.service_key).level_label(self.access_level)

    @property
    def checkable(self) -> bool:
        """Whether "Check now" can ask the platform: pending, and granted through an API."""
        return GrantState(self.state).is_pending and bool(
            service_by_key(self.service_key).connector
        )

    @property
    def action_url(self) -> str:
        """`next_action_url` when it is a web address: it comes from a platform's answer and
        becomes a link on the client's page, so nothing like javascript: gets through."""
        url = self.next_action_url
        return url if url.startswith(("https://", "http://")) else ""

    @property
    def client_action_url(self) -> str:
        """`action_url` when the next step is the client's (accept, or a step by hand). A
        grant waiting on the agency points to the agency's own inbox or settings (Meta's
        business requests, Google's invitation), which is no place to send the client."""
        if self.state in (GrantState.PENDING_CLIENT, GrantState.MANUAL_REQUIRED):
            return self.action_url
        return ""

    @property
    def shown_state(self) -> tuple[str, str]:
        return shown_grant_state(self.state)


def shown_grant_state(state: str) -> tuple[str, str]:
    """A grant's state as the agency reads it, and its tone (a badge class: ok, warn, bad)."""
    return _SHOWN_GRANT_STATES.get(state, (state, ""))


_SHOWN_GRANT_STATES: dict[str, tuple[str, str]] = {
    GrantState.ACTIVE: ("Active", "ok"),
    GrantState.PENDING_CLIENT: ("Waiting for the client", "warn"),
    GrantState.PENDING_AGENCY: ("Waiting for you to accept", "warn"),
    GrantState.PENDING_REVIEW: ("In review by the platform", "warn"),
    GrantState.MANUAL_REQUIRED: ("Needs manual steps", "warn"),
    GrantState.FAILED: ("Failed", "bad"),
    GrantState.REVOKED: ("Revoked", "bad"),
}


class TokenReveal(models.Model):
    """One time a link's retained tokens were shown on the dashboard: to whom, when, from which
    address, and which platforms' tokens. Deleted with the link."""

    link = models.ForeignKey(Link, models.CASCADE, related_name="token_reveals")
    # The e-mail address is copied so that the record still names the person if the account
    # is deleted.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    email = models.EmailField()
    address = models.GenericIPAddressField(null=True, blank=True)
    platforms = models.JSONField(default=list)  # the platforms' names: ["Google", "Meta"]
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["link", "-created"])]

    def __str__(self) -> str:
        return f"tokens of link {self.link_id} shown to {self.email}"


class IntakeForm(models.Model):
    """An agency's intake questions, which a link can ask the client to answer."""

    agency = models.OneToOneField(Agency, models.CASCADE, related_name="intake_form")
    enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Intake form of {self.agency}"


class QuestionType(models.TextChoices):
    SHORT_TEXT = "short_text", "Short text"
    LONG_TEXT = "long_text", "Long text"
    EMAIL = "email", "E-mail"
    URL = "url", "URL"
    NUMBER = "number", "Number"
    YES_NO = "yes_no", "Yes/no"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"


class IntakeQuestion(models.Model):
    """One question of an intake form, with its label in each client language."""

    form = models.ForeignKey(IntakeForm, models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=50)  # Zapier shows answers as client.intakeForm.<key>
    type = models.CharField(max_length=20, choices=QuestionType.choices)
    required = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    labels = models.JSONField(default=dict)  # {"en": "...", "es": "...", "nl": "..."}
    choices = models.JSONField(default=list, blank=True)  # [{"key": ..., "labels": {...}}]

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="unique_question_key_per_form")
        ]

    def __str__(self) -> str:
        return self.key

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels.get("en") or self.key

    def shown_answer(self, answer: Any, language: str = "en") -> str:
        """A stored answer as a person reads it: choice keys by their labels ("yes", a choice
        key, or a list of choice keys), text as it is."""
        if self.type == QuestionType.YES_NO:
            labels = {"yes": "Yes", "no": "No"}
        else:
            labels = {
                choice["key"]: choice["labels"].get(language) or choice["labels"].get("en", "")
                for choice in self.choices
            }
        picked = answer if isinstance(answer, list) else [answer]
        return ", ".join(
            labels.get(str(key)) or str(key) for key in picked if key not in (None, "")
        )
