from pathlib import Path

from django.core.management.base import CommandError

from agencyaccess.backups import restore_backup
from agencyaccess.lib import commands
from agencyaccess.lib.errors import ActionError


class Command(commands.Command):
    help = (
        "Bring back an archive of `agencyaccess backup`: the database, the secret key and the "
        "uploads. Stop the server and the worker first; prints nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz that `agencyaccess backup` wrote")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace a database that already holds data",
        )

    def handle(self, *, archive, yes, **options):
        try:
            restore_backup(Path(archive), replace=yes)
        except ActionError as e:
            raise CommandError(e.message) from None
