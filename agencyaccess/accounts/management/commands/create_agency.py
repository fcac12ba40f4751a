from django.core.management.base import CommandError

from agencyaccess.accounts.actions import create_agency
from agencyaccess.lib import commands
from agencyaccess.lib.errors import ActionError


class Command(commands.Command):
    help = "Create an agency and its owner; prints the agency id."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", required=True, help="the owner's e-mail address")
        parser.add_argument("--password", help="the owner's password (new owners only need one)")

    def handle(self, *, name, email, password, **options):
        try:
            agency = create_agency(name, email, password)
        except ActionError as e:
            raise CommandError(e.message) from None
        self.stdout.write(agency.public_id)
