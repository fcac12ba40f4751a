import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.files.storage import Storage, storages
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from agencyaccess.lib.ids import PublicIdField

INVITATION_LIFETIME = timedelta(days=14)


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
    # Two-factor login: the TOTP secret, encrypted at rest (lib/crypto); empty while it is off.
    totp_secret = models.TextField(blank=True)
    # The last TOTP time step accepted, so that a code seen over a shoulder cannot be replayed.
    totp_last_step = models.BigIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.email

    @property
    def has_two_factor(self) -> bool:
        return bool(self.totp_secret)


class RecoveryCode(models.Model):
    """One single-use code that replaces the authenticator app at login; only a digest is kept."""

    user = models.ForeignKey(User, models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64)
    used = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="unique_recovery_code")
        ]

    def __str__(self) -> str:
        return f"recovery code of {self.user_id}"


@deconstructible(path="agencyaccess.accounts.models.LogoStorage")
class LogoStorage(Storage):
    """The install's file storage (STORAGES["default"]: the data directory, or an S3 bucket
    shared by every machine), looked up on each use so that a change of setting applies; only
    the URLs are the logo's own: nothing serves MEDIA_URL or a bucket to clients, so they point
    at the app's own view (accounts-serve-logo), which reads the file through this storage."""

    @property
    def backend(self) -> Storage:
        return storages["default"]

    def _open(self, name: str, mode: str = "rb"):
        return self.backend.open(name, mode)

    def save(self, name: str | None, content, max_length: int | None = None) -> str:
        return self.backend.save(name, content, max_length=max_length)

    def delete(self, name: str) -> None:
        self.backend.delete(name)

    def exists(self, name: str) -> bool:
        return self.backend.exists(name)

    def size(self, name: str) -> int:
        return self.backend.size(name)

    def path(self, name: str) -> str:
        return self.backend.path(name)

    def url(self, name: str | None) -> str:
        _, agency_id, filename = (name or "").split("/")
        return reverse("accounts-serve-logo", args=[agency_id, filename])


def logo_path(agency: "Agency", filename: str) -> str:
    """logos/<agency public id>/<random>.<extension>: unguessable, and new on every upload, so
    that browsers may keep a logo for ever."""
    extension = filename.rpartition(".")[2].lower()
    return f"logos/{agency.public_id}/{secrets.token_urlsafe(16)}.{extension}"


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
    logo = models.ImageField(upload_to=logo_path, storage=LogoStorage(), blank=True)
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
    # How often the worker re-checks each active grant on the platforms (lifecycle/reverify.py).
    reverify_hours = models.PositiveSmallIntegerField(
        default=24,
        choices=[(6, "Every 6 hours"), (24, "Daily"), (72, "Every 3 days"), (168, "Weekly")],
    )
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

    public_id = PublicIdField()
    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency"),
            models.UniqueConstraint(
                fields=["agency"], condition=models.Q(role="owner"), name="one_owner_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.agency} ({self.role})"


def invitation_digest(token: str) -> str:
    # The token is 256 random bits: a plain hash is as good as a password hash, and searchable.
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def for_token(self, token: str) -> "Invitation | None":
        return self.select_related("agency").filter(digest=invitation_digest(token)).first()


class Invitation(models.Model):
    """An e-mail address invited to an agency's team that has not joined yet.

    The e-mailed link carries a token of which only a digest is kept. Joining deletes the row,
    so a link works once; inviting the same address again renews the row with a new token.
    """

    public_id = PublicIdField()
    agency = models.ForeignKey(Agency, models.CASCADE, related_name="invitations")
    email = models.EmailField()
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, models.SET_NULL, null=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "email"], name="one_invitation_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.agency}"

    @property
    def expired(self) -> bool:
        return self.expires <= timezone.now()

    def renew(self) -> str:
        """A new token and a new expiry (unsaved); returns the token for the e-mail."""
        token = secrets.token_urlsafe(32)
        self.digest = invitation_digest(token)
        self.created = timezone.now()
        self.expires = self.created + INVITATION_LIFETIME
        return token
