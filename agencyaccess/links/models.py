from django.conf import settings
from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog import PLATFORM_CHOICES, Service, service_by_key
from agencyaccess.clients.models import Client, ClientType
from agencyaccess.lib.errors import NotFound
from agencyaccess.lib.ids import PublicIdField
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.models import ConnectedAccount


class LinkQuerySet(models.QuerySet["Link"]):
    def created_since(self, moment) -> "LinkQuerySet":
        return self.filter(created__gte=moment)

    def with_services(self) -> "LinkQuerySet":
        """Everything the API's retrieve shows, in a fixed number of queries."""
        return self.select_related("client", "access_page").prefetch_related(
            models.Prefetch(
                "services",
                RequestedService.objects.order_by("position").prefetch_related(
                    models.Prefetch(
                        "account_links",
                        RequestedAccountLink.objects.select_related("connected_account")
                        .only("requested_service_id", "mcc_id", "connected_account__public_id")
                        .order_by("position"),
                    )
                ),
            )
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
    # The access page this link was made from (the API's staticLinkRef).
    access_page = models.ForeignKey(
        AccessPage, models.SET_NULL, null=True, blank=True, related_name="links"
    )

    objects = LinkQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["agency", "-created"])]

    def __str__(self) -> str:
        return self.public_id

    @property
    def url(self) -> str:
        """The address the client opens."""
        return f"{settings.SITE_URL}/l/{self.public_id}/"


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

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "service_key"], name="one_row_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.service.path} ({self.access_level})"

    @property
    def service(self) -> Service:
        return service_by_key(self.service_key)


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


class GrantQuerySet(models.QuerySet["Grant"]):
    def pending(self) -> "GrantQuerySet":
        return self.filter(state__in=[s.value for s in GrantState if s.is_pending])


class Grant(models.Model):
    """One asset a client shared with one of the agency's connected accounts, and where that
    stands on the platform. Guided services record what the client confirmed (asset_id may then
    be what they typed, such as a Shopify collaborator code, or empty)."""

    link = models.ForeignKey(Link, models.CASCADE, related_name="grants")
    service_key = models.CharField(max_length=50)
    connected_account = models.ForeignKey(ConnectedAccount, models.RESTRICT, related_name="grants")
    asset_type = models.CharField(max_length=50, blank=True)
    asset_id = models.CharField(max_length=300, blank=True)
    asset_name = models.CharField(max_length=300, blank=True)
    access_level = models.CharField(max_length=50)
    native_role = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=20, choices=[(s.value, s.name) for s in GrantState])
    native_ref = models.CharField(max_length=500, blank=True)
    message = models.TextField(blank=True)
    next_action_url = models.URLField(max_length=1000, blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)
    last_verified = models.DateTimeField(null=True, blank=True)
    # Re-checking pending grants: when next, and how many checks so far (for the backoff).
    next_check = models.DateTimeField(null=True, blank=True)
    checks = models.PositiveIntegerField(default=0)

    objects = GrantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["link", "service_key", "connected_account", "asset_id"],
                name="one_grant_per_asset_and_account",
            )
        ]
        indexes = [models.Index(fields=["state", "next_check"])]

    def __str__(self) -> str:
        return f"{self.service_key} {self.asset_name or self.asset_id}: {self.state}"

    @property
    def action_url(self) -> str:
        """`next_action_url` when it is a web address: it comes from a platform's answer and
        becomes a link on the client's page, so nothing like javascript: gets through."""
        url = self.next_action_url
        return url if url.startswith(("https://", "http://")) else ""


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


def get_link_for_request(request, public_id: str, queryset: LinkQuerySet | None = None) -> Link:
    """The link of the request's agency with this id; another agency's is not found."""
    queryset = Link.objects.all() if queryset is None else queryset
    link = queryset.filter(agency_id=request.agency_id, public_id=public_id).first()
    if link is None:
        raise NotFound(f'No link of your agency has the id "{public_id}".')
    return link
