from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog import PLATFORM_CHOICES
from agencyaccess.lib.crypto import decrypt, encrypt
from agencyaccess.lib.ids import PublicIdField
from agencyaccess.platforms.base import TokenSet


class ConnectionMethod(models.TextChoices):
    OAUTH = "oauth", "Signed in"
    MANUAL = "manual", "Entered by hand"


class ConnectedAccount(models.Model):
    """The agency's own account on a platform, which receives the access clients grant.

    Its public id is the API's `internalAccountID`. What it holds depends on the platform (an
    e-mail address, a Business Manager id, Google Ads manager ids): `email` and `fields`, as the
    catalogue's account fields describe.
    """

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="connected_accounts")
    public_id = PublicIdField()
    platform = models.CharField(max_length=30, choices=PLATFORM_CHOICES)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    fields = models.JSONField(default=dict, blank=True)
    method = models.CharField(
        max_length=10, choices=ConnectionMethod.choices, default=ConnectionMethod.MANUAL
    )
    created = models.DateTimeField(default=timezone.now)
    # Disconnected accounts keep their row (links and grants still name them) but lose their
    # tokens and cannot be chosen for new links.
    disconnected = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "platform"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.name or self.email or self.public_id}"

    def field_value(self, key: str) -> Any:
        """A catalogue account field: `email` is a column, the rest live in `fields`."""
        return self.email if key == "email" else self.fields.get(key)

    def latest_token(self) -> "PlatformToken | None":
        """The agency's own sign-in for this account, when it connected by OAuth."""
        return self.tokens.order_by("-created").first()


class PlatformTokenQuerySet(models.QuerySet["PlatformToken"]):
    def due_for_purge(self) -> "PlatformTokenQuerySet":
        return self.filter(purge_after__lte=timezone.now())


class PlatformToken(models.Model):
    """One OAuth sign-in, encrypted at rest: a client's for a link, or the agency's for one of
    its connected accounts.

    A client's token is deleted once the grant is done, unless the link retains tokens: then it
    is kept 30 days. `purge_after` is when the worker deletes it whatever happened (a client who
    signed in and walked away leaves nothing behind for long).
    """

    platform = models.CharField(max_length=30, choices=PLATFORM_CHOICES)
    link = models.ForeignKey(
        "links.Link", models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    connected_account = models.ForeignKey(
        ConnectedAccount, models.CASCADE, null=True, blank=True, related_name="tokens"
    )
    subject_id = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    access_token = models.TextField()  # encrypted
    refresh_token = models.TextField(blank=True)  # encrypted
    expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list)
    created = models.DateTimeField(default=timezone.now)
    purge_after = models.DateTimeField(null=True, blank=True)

    objects = PlatformTokenQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(link__isnull=False) ^ models.Q(connected_account__isnull=False),
                name="token_belongs_to_a_link_or_an_account",
            )
        ]

    def __str__(self) -> str:
        owner = f"link {self.link_id}" if self.link_id else f"account {self.connected_account_id}"
        return f"{self.platform} token of {owner}"

    def token_set(self) -> TokenSet:
        return TokenSet(
            access_token=decrypt(self.access_token),
            refresh_token=decrypt(self.refresh_token) if self.refresh_token else None,
            expires_at=self.expires_at,
            scopes=frozenset(self.scopes),
            subject_id=self.subject_id or None,
            email=self.email or None,
        )

    def usable(self) -> TokenSet:
        """The tokens, refreshed first (and saved) when the access token is about to expire.
        Raises TokenExpired when the platform no longer accepts the sign-in."""
        from agencyaccess.platforms.registry import client_for

        tokens = self.token_set()
        soon = timezone.now() + timedelta(seconds=60)
        if tokens.expires_at is None or tokens.expires_at > soon or not tokens.refresh_token:
            return tokens
        client = client_for(self.platform)
        if client is None:
            return tokens
        fresh = client.refresh(tokens)
        self.store(fresh)
        self.save(update_fields=["access_token", "refresh_token", "expires_at", "scopes"])
        return fresh

    def store(self, tokens: TokenSet) -> None:
        """Set the fields from a token set (encrypting); the caller saves."""
        self.access_token = encrypt(tokens.access_token)
        self.refresh_token = encrypt(tokens.refresh_token) if tokens.refresh_token else ""
        self.expires_at = tokens.expires_at
        self.scopes = sorted(tokens.scopes)
        self.subject_id = tokens.subject_id or ""
        self.email = tokens.email or ""


class SandboxRecord(models.Model):
    """State of a sandbox platform (a local fake of Google or Meta): codes, tokens, grants,
    invitations. Kept in the database so every web process serves the same fake world."""

    platform = models.CharField(max_length=30)
    kind = models.CharField(max_length=50)  # "code", "token", "access_binding", …
    key = models.CharField(max_length=300)
    data = models.JSONField(default=dict)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kind", "key"], name="unique_sandbox_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}/{self.kind}/{self.key}"
