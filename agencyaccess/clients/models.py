from django.db import models
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.lib.errors import NotFound
from agencyaccess.lib.ids import PublicIdField


class Language(models.TextChoices):
    """Client languages; the label is the name the API takes and returns."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"
    DUTCH = "nl", "Dutch"

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

    class Meta:
        indexes = [models.Index(fields=["agency", "-created"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_prospect(self) -> bool:
        return self.type == ClientType.PROSPECT


def get_client_for_request(request, public_id: str) -> Client:
    """The client of the request's agency with this id; another agency's is not found."""
    client = Client.objects.filter(agency_id=request.agency_id, public_id=public_id).first()
    if client is None:
        raise NotFound(f'No client of your agency has the id "{public_id}".')
    return client
