from django.core.management.base import CommandError
from django.db import transaction

from agencyaccess.apikeys.capabilities import parse_capabilities
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.audit import log as audit
from agencyaccess.lib import commands


class Command(commands.Command):
    help = "Create an API key for an agency; prints the key, which is never shown again."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency id or its owner's e-mail")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--capabilities",
            required=True,
            help="'all' or a comma-separated list, e.g. links:create",
        )

    def handle(self, *, agency, name, capabilities, **options):
        agency = commands.agency_argument(agency)
        name = name.strip()
        if not name:
            raise CommandError("the key name must not be empty")
        try:
            caps = parse_capabilities(capabilities)
        except ValueError as e:
            raise CommandError(str(e)) from None
        if ApiKey.objects.live().filter(agency=agency, name=name).exists():
            raise CommandError(
                f'the agency already has a key named "{name}": roll it or pick another name'
            )
        with transaction.atomic():
            api_key, key = ApiKey.issue(agency, name, caps)
            audit.record(
                audit.Action.API_KEY_CREATED,
                agency=agency,
                actor=audit.COMMAND_LINE,
                target=api_key,
                details={"capabilities": caps},
            )
        self.stdout.write(key)
