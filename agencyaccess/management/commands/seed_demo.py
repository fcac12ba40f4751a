from django.conf import settings
from django.db import transaction

from agencyaccess.accounts.actions import create_agency
from agencyaccess.accounts.models import Agency
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.catalog import platform_by_key
from agencyaccess.clients.models import Client
from agencyaccess.lib import commands
from agencyaccess.platforms.actions import add_manual_account
from agencyaccess.platforms.models import ConnectedAccount

OWNER_EMAIL = "demo@example.com"
OWNER_PASSWORD = "demo-password"  # noqa: S105 (printed for the demo on purpose)
KEY_NAME = "Demo key"


class Command(commands.Command):
    help = "Create the demo agency once; print how to log in and a working API key."

    def handle(self, **options):
        with transaction.atomic():
            agency = Agency.objects.by_id_or_owner_email(OWNER_EMAIL) or create_agency(
                "Demo Agency", OWNER_EMAIL, OWNER_PASSWORD
            )
            client = _demo_client(agency)
            _demo_accounts(agency)
            api_key = ApiKey.objects.live().filter(agency=agency, name=KEY_NAME).first()
            if api_key is None:
                _, key = ApiKey.issue(agency, KEY_NAME, list(API_CAPABILITIES))
            else:
                # Only a digest of the key is kept, so showing it again means rolling it.
                key = api_key.roll()
        site = settings.SITE_URL
        self.stdout.write(
            f"""
AgencyAccess demo
  Dashboard: {site}/
  Login:     {OWNER_EMAIL} / {OWNER_PASSWORD} (unless you changed it)
  API key:   {key}
             (a new key each start; the one printed before stops working)
  API docs:  {site}/api/docs
  Try it:    curl -s "{site}/api/clients/retrieve?id={client.public_id}" -H "X-Auth: {key}"
"""
        )


def _demo_client(agency: Agency) -> Client:
    client = Client.objects.filter(agency=agency, email="jane@example.com").first()
    return client or Client.objects.create(
        agency=agency,
        name="Jane Doe",
        email="jane@example.com",
        company="Jane's Bakery",
        website="https://janes-bakery.example",
        language="en",
        metadata={"source": "demo"},
    )


def _demo_accounts(agency: Agency) -> None:
    if not ConnectedAccount.objects.filter(agency=agency, platform="google").exists():
        add_manual_account(
            agency,
            platform_by_key("google"),
            email="ads@demo-agency.example",
            name="Demo Agency Google",
            fields={"google_ads_manager_ids": "123-456-7890"},
        )
    if not ConnectedAccount.objects.filter(agency=agency, platform="meta").exists():
        add_manual_account(
            agency,
            platform_by_key("meta"),
            name="Demo Agency Business",
            fields={"business_id": "100000000000001"},
        )
