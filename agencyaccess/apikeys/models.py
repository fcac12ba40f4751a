import hmac
import secrets

from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from agencyaccess.accounts.models import Agency
from agencyaccess.lib.ids import ALPHABET, API_KEY_LOOKUP_LENGTH
from agencyaccess.lib.sql import PreparedQuery

KEY_PREFIX = "aak_"
SECRET_LENGTH = 40


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _digest(secret: str) -> str:
    return salted_hmac("agencyaccess.apikeys", secret, algorithm="sha256").hexdigest()


def split_key(key: str) -> tuple[str, str] | None:
    """'aak_<lookup>_<secret>' -> (lookup, secret); None for anything else."""
    if not key.startswith(KEY_PREFIX):
        return None
    lookup, _, secret = key[len(KEY_PREFIX) :].partition("_")
    if len(lookup) != API_KEY_LOOKUP_LENGTH or len(secret) != SECRET_LENGTH:
        return None
    # Only what a key can hold reaches the database (PostgreSQL refuses a NUL with an error).
    if not all(c in ALPHABET for c in lookup + secret):
        return None
    return lookup, secret


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def live(self) -> "ApiKeyQuerySet":
        return self.filter(revoked__isnull=True)

    def for_key(self, key: str) -> "ApiKey | None":
        """The live key this secret opens, or None. The secret is compared in constant time."""
        parts = split_key(key)
        if parts is None:
            return None
        lookup, secret = parts
        api_key = _KEY_BY_LOOKUP.first(lookup=lookup)
        if api_key is None or not hmac.compare_digest(api_key.digest, _digest(secret)):
            return None
        return api_key


class ApiKey(models.Model):
    """A named API key of one agency. The secret is shown once; only an HMAC of it is kept.

    The key reads `aak_<lookup>_<secret>`: the lookup finds the row, the secret proves it.
    Rolling replaces both in place, so the old key fails at once and the name and
    capabilities stay.
    """

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    lookup = models.CharField(max_length=API_KEY_LOOKUP_LENGTH, unique=True)
    digest = models.CharField(max_length=64)
    capabilities = models.JSONField(default=list)
    # Requests a minute; empty means the install's API_RATE_LIMIT_PER_MINUTE.
    rate_limit_per_minute = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"],
                condition=models.Q(revoked__isnull=True),
                name="unique_live_key_name_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}{self.lookup}_…)"

    @classmethod
    def issue(cls, agency: Agency, name: str, capabilities: list[str]) -> tuple["ApiKey", str]:
        """Create a key; returns the row and the full key, which is never readable again."""
        api_key = cls(agency=agency, name=name, capabilities=capabilities)
        key = api_key._new_secret()
        api_key.save()
        return api_key, key

    def roll(self) -> str:
        """Give this key a new secret; the old one stops working with this save."""
        key = self._new_secret()
        self.save(update_fields=["lookup", "digest"])
        return key

    def revoke(self) -> None:
        """The key stops working, and so do the Zapier subscriptions it made, which nothing could
        unsubscribe any more; they are deleted with the deliveries still due to them."""
        with transaction.atomic():
            self.revoked = timezone.now()
            self.save(update_fields=["revoked"])
            self.subscriptions.all().delete()

    def has(self, capability: str) -> bool:
        return capability in self.capabilities

    def touch(self) -> None:
        """Record use at most once a minute, so a busy key does not write on every request."""
        now = timezone.now()
        if self.last_used is None or (now - self.last_used).total_seconds() > 60:
            ApiKey.objects.filter(pk=self.pk).update(last_used=now)

    def _new_secret(self) -> str:
        self.lookup = _random(API_KEY_LOOKUP_LENGTH)
        secret = _random(SECRET_LENGTH)
        self.digest = _digest(secret)
        return f"{KEY_PREFIX}{self.lookup}_{secret}"


# Every API request looks its key up: compiled once (lib/sql.py).
_KEY_BY_LOOKUP = PreparedQuery(
    lambda lookup: (
        ApiKey.objects.live()
        .filter(lookup=lookup)
        .only("id", "agency_id", "digest", "capabilities", "rate_limit_per_minute", "last_used")[:1]
    ),
    lookup=str,
)


class RateLimitCounter(models.Model):
    """Requests counted in the current window of one bucket (an API key, an address, a login).

    One row per bucket, rewritten in place: no clean-up needed. Used when there is no Redis.
    """

    bucket = models.CharField(max_length=100, unique=True)
    window_start = models.BigIntegerField()
    hits = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.bucket}: {self.hits}"


class IdempotentRequest(models.Model):
    """A create request sent with an `Idempotency-Key` header, and its answer, replayed for a day
    to a retry with the same key and body."""

    api_key = models.ForeignKey(ApiKey, models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response = models.JSONField(null=True)  # None while the first request is still running
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key
