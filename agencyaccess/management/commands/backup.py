from pathlib import Path

from django.core.management.base import CommandError

from agencyaccess.backups import create_backup, default_archive
from agencyaccess.lib import commands
from agencyaccess.lib.errors import ActionError


class Command(commands.Command):
    help = (
        "Write a backup archive (the database, the secret key kept in the data directory, the "
        "uploads), readable by its owner only; prints its path."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="the archive to write (default: agencyaccess-backup-<time>.tar.gz here)",
        )

    def handle(self, *, output, **options):
        try:
            archive = create_backup(Path(output) if output else default_archive())
        except ActionError as e:
            raise CommandError(e.message) from None
        self.stdout.write(str(archive))
