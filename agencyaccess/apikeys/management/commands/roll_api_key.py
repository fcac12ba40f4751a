from django.core.management.base import CommandError
from django.db import transaction

from agencyaccess.apikeys.models import ApiKey
from agencyaccess.audit import log as audit
from agencyaccess.lib import commands


class Command(commands.Command):
    help = "Give an API key a new secret; prints the new key. The old key stops working at once."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency id or its owner's e-mail")
        parser.add_argument("--name", required=True, help="the key's name")

    def handle(self, *, agency, name, **options):
        agency = commands.agency_argument(agency)
        api_key = ApiKey.objects.live().filter(agency=agency, name=name.strip()).first()
        if api_key is None:
            raise CommandError(f'the agency has no key named "{name}"')
        with transaction.atomic():
            key = api_key.roll()
            audit.record(
                audit.Action.API_KEY_ROLLED,
                agency=agency,
                actor=audit.COMMAND_LINE,
                target=api_key,
                details={"capabilities": api_key.capabilities},
            )
        self.stdout.write(key)
