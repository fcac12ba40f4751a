from typing import Any
from urllib.parse import urlsplit

from django.db import connections, models
from django.db.models import F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.lib.ids import PublicIdField, looks_like_public_id
from agencyaccess.lib.sql import PreparedQuery
from agencyaccess.lib.timestamps import epoch_ms


class Language(models.TextChoices):
    """Client languages; the label is the name the API takes and returns."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    DUTCH = "nl", "Dutch"
    GERMAN = "de", "German"
    FRENCH = "fr", "French"
    # Brazilian Portuguese (locale/README.md); the code stays "pt", two letters like the others.
    PORTUGUESE = "pt", "Portuguese"
    ITALIAN = "it", "Italian"
    POLISH = "pl", "Polish"

    @classmethod
    def from_name(cls, name: str) -> "Language | None":
        """'Spanish', 'spanish' or 'es' -> Language.SPANISH."""
        wanted = name.strip().casefold()
        return next(
            (lang for lang in cls if wanted in (lang.value, str(lang.label).casefold())), None
        )


class ClientType(models.TextChoices):
    CLIENT = "Client", "Client"
    # A business being pitched or audited: its links ask for read-only access only.
    PROSPECT = "Prospect", "Prospect"


# The SQLite trigram index (migration 0003) matches three characters or more.
_FTS_MIN_LENGTH = 3
# Longer than any name, address or company name a client can have (200, 254 and 200).
MAX_SEARCH = 254


class ClientQuerySet(models.QuerySet["Client"]):
    def search(self, text: str) -> "ClientQuerySet":
        """Clients whose name, e-mail or company contains `text` in any case, or whose id it is.

        Served by trigram indexes (migration 0003): PostgreSQL's apply to `icontains` as it is;
        SQLite's is an FTS5 table, asked with a phrase query (a substring, with the trigram
        tokenizer). Shorter texts cannot use either index and read the rows.
        """
        # No stored text holds a NUL byte, and PostgreSQL refuses one in a query.
        text = text.replace("\x00", "").strip()[:MAX_SEARCH]
        if not text:
            return self
        by_id = Q(public_id=text)
        if connections[self.db].vendor == "sqlite" and len(text) >= _FTS_MIN_LENGTH:
            phrase = '"' + text.replace('"', '""') + '"'
            matches = RawSQL(
                "SELECT rowid FROM clients_client_search WHERE clients_client_search MATCH %s",
                (phrase,),
            )
            return self.filter(by_id | Q(pk__in=matches))
        return self.filter(
            by_id | Q(name__icontains=text) | Q(email__icontains=text) | Q(company__icontains=text)
        )

    def with_email(self, email: str) -> "ClientQuerySet":
        """Clients whose e-mail is `email` in any case. Both sides are upper-cased by the
        database, as the index on UPPER(email) is (so SQLite's ASCII-only UPPER agrees too)."""
        return self.alias(email_upper=Upper("email")).filter(email_upper=Upper(Value(email)))


class Client(models.Model):
    """A business an agency requests access from."""

    agency = models.ForeignKey(Agency, models.CASCADE, related_name="clients")
    public_id = PublicIdField()
    name = models.CharField(max_length=200)
    email = models.EmailField()
    company = models.CharField(max_length=200, blank=True)
    website = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    type = models.CharField(max_length=8, choices=ClientType.choices, default=ClientType.CLIENT)
    # Free key/value pairs of the agency's own, strings only.
    metadata = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = ClientQuerySet.as_manager()

    class Meta:
        # The dashboard's list sorts an agency's clients by created, name or company (the id
        # breaks ties, so pages do not overlap); each order is an index scan that stops after a
        # page. Trigram indexes serve the search (migration 0003, ClientQuerySet.search).
        indexes = [
            models.Index(fields=["agency", "-created"]),
            models.Index(fields=["agency", "name", "id"]),
            models.Index(fields=["agency", "company", "id"]),
            # The API's clients/find (ClientQuerySet.with_email).
            models.Index(F("agency"), Upper("email"), name="client_agency_email"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prospect(self) -> bool:
        return self.type == ClientType.PROSPECT

    @property
    def website_host(self) -> str:
        """The host of `website` ("example.com" of "https://example.com/shop"), or ""."""
        return (
            urlsplit(self.website if "//" in self.website else f"//{self.website}").hostname or ""
        )

    def as_api(self) -> dict[str, Any]:
        """The client as `GET /api/clients/retrieve` answers it (and events carry it)."""
        return {
            "id": self.public_id,
            "name": self.name,
            "email": self.email,
            "company": self.company,
            "website": self.website,
            "language": str(Language(self.language).label),
            "type": self.type,
            "created": epoch_ms(self.created),
            "metadata": self.metadata,
        }


# The API's clients/retrieve and update ask this on every call: compiled once (lib/sql.py).
CLIENT_OF_AGENCY = PreparedQuery(
    lambda agency_id, public_id: Client.objects.filter(agency_id=agency_id, public_id=public_id)[
        :1
    ],
    agency_id=int,
    public_id=str,
)


def client_of_agency(agency_id: int, public_id: object) -> Client | None:
    """The agency's client with this id, or None (whatever `public_id` is)."""
    # Anything that cannot be an id is not looked up (PostgreSQL refuses a NUL byte outright).
    if not looks_like_public_id(public_id):
        return None
    return CLIENT_OF_AGENCY.first(agency_id=agency_id, public_id=public_id)
