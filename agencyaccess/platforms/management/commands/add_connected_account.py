from django.core.management.base import CommandError

from agencyaccess.catalog import PLATFORMS, platform_by_name
from agencyaccess.lib import commands
from agencyaccess.lib.errors import ActionError
from agencyaccess.platforms.actions import add_manual_account


class Command(commands.Command):
    help = "Add a connected account to an agency; prints its id (the API's internalAccountID)."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency id or its owner's e-mail")
        parser.add_argument("--platform", required=True, help='a platform name, e.g. "Google"')
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--field",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a platform field, e.g. business_id=1234 or google_ads_manager_ids=123-456-7890",
        )

    def handle(self, *, agency, platform, email, name, field, **options):
        agency = commands.agency_argument(agency)
        found = platform_by_name(platform)
        if found is None:
            raise CommandError(
                f'unknown platform "{platform}"; platforms: {", ".join(p.name for p in PLATFORMS)}'
            )
        fields = {}
        for item in field:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise CommandError(f'--field takes KEY=VALUE, got "{item}"')
            fields[key.strip()] = value
        try:
            account = add_manual_account(agency, found, email=email, name=name, fields=fields)
        except ActionError as e:
            raise CommandError(e.message) from None
        self.stdout.write(account.public_id)
