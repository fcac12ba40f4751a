from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from agencyaccess.lib.ids import PublicIdField


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in to the dashboard; belongs to agencies through memberships."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.email


def default_reminder_days() -> list[int]:
    return [2, 5, 10]


class Theme(models.TextChoices):
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class AgencyQuerySet(models.QuerySet["Agency"]):
    def owned_by(self, email: str) -> "AgencyQuerySet":
        return self.filter(
            memberships__role=Role.OWNER, memberships__user__email__iexact=email.strip()
        )

    def by_id_or_owner_email(self, value: str) -> "Agency | None":
        """The command line names an agency by its id or by its owner's e-mail address."""
        if "@" in value:
            return self.owned_by(value).first()
        return self.filter(public_id=value.strip()).first()


class Agency(models.Model):
    """The tenant: everything else belongs to exactly one agency."""

    public_id = PublicIdField()
    name = models.CharField(max_length=200)
    website = models.CharField(max_length=500, blank=True)
    support_email = models.EmailField(blank=True)
    # Branding of the client's pages and e-mails.
    display_name = models.CharField(max_length=200, blank=True)
    logo = models.ImageField(upload_to="logos/", blank=True)
    brand_color = models.CharField(
        max_length=7,
        default="#2563eb",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour such as #2563eb.")],
    )
    theme = models.CharField(max_length=5, choices=Theme.choices, default=Theme.LIGHT)
    # Links the agency may create in a calendar month (UTC); empty means no limit.
    monthly_link_limit = models.PositiveIntegerField(null=True, blank=True)
    # Automatic reminders to clients who have not finished: days after the link was created.
    reminders_enabled = models.BooleanField(default=True)
    reminder_days = models.JSONField(default=default_reminder_days)
    created = models.DateTimeField(default=timezone.now)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def shown_name(self) -> str:
        """The name clients see."""
        return self.display_name or self.name

    @property
    def owner(self) -> User | None:
        membership = self.memberships.filter(role=Role.OWNER).select_related("user").first()
        return membership.user if membership else None


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MEMBER = "member", "Member"


class Membership(models.Model):
    """One user's place in one agency, with a role."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created = models.DateTimeField(default=timezone.now)
    # Which e-mails this member gets about the agency's links.
    notify_service_granted = models.BooleanField(default=False)
    notify_intake_completed = models.BooleanField(default=True)
    notify_link_completed = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency"),
            models.UniqueConstraint(
                fields=["agency"], condition=models.Q(role="owner"), name="one_owner_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.agency} ({self.role})"
