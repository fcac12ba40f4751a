import os

from agencyaccess.lib import commands
from agencyaccess.management.commands.serve import (
    add_server_arguments,
    gunicorn_command,
    prepare,
)


class Command(commands.Command):
    help = (
        "Migrate, then serve the app with the production server alone, without the worker: "
        "for a machine or container of its own (`agencyaccess worker` runs the worker)."
    )

    def add_arguments(self, parser):
        add_server_arguments(parser)

    def handle(self, *, host, port, workers, **options):
        prepare()
        # gunicorn takes this process's place: a container's signals reach it directly.
        command = gunicorn_command(host, port, workers)
        os.execv(command[0], command)  # noqa: S606 (our own argument list, as serve runs it)
