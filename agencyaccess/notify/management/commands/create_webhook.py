from django.core.management.base import CommandError

from agencyaccess.lib import commands
from agencyaccess.lib.errors import ActionError
from agencyaccess.notify.webhooks import create_endpoint


class Command(commands.Command):
    help = (
        "Add a webhook endpoint to an agency; prints its signing secret, which is never shown "
        "again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency id or its owner's e-mail")
        parser.add_argument("--url", required=True, help="a public https:// address")
        parser.add_argument(
            "--events",
            default="",
            help="comma-separated event types, e.g. link.completed,client.created; all if absent",
        )
        parser.add_argument("--description", default="")

    def handle(self, *, agency, url, events, description, **options):
        agency = commands.agency_argument(agency)
        event_types = [part.strip() for part in events.split(",") if part.strip()]
        try:
            _, secret = create_endpoint(
                agency, url, description=description, event_types=event_types
            )
        except ActionError as e:
            raise CommandError(e.message) from None
        self.stdout.write(secret)
