"""The base of the project's commands: they print only what they are asked for, and a
mistake is one clear line on stderr with a non-zero exit."""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django's parser then raises CommandError on bad arguments instead of printing usage.
        parser.called_from_command_line = False
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        try:
            super().run_from_argv(argv)
        except CommandError as e:
            # Bad arguments: the same one line Django prints for the other CommandErrors.
            sys.stderr.write(f"CommandError: {str(e).removeprefix('Error: ')}\n")
            sys.exit(e.returncode)


def agency_argument(value: str):
    """`--agency`: the agency's id or its owner's e-mail address."""
    from agencyaccess.accounts.models import Agency

    # A user may own several agencies; picking one of them would act on the wrong tenant.
    if "@" in value and Agency.objects.owned_by(value).count() > 1:
        raise CommandError(f'"{value}" owns several agencies: name the agency by its id')
    agency = Agency.objects.by_id_or_owner_email(value)
    if agency is None:
        raise CommandError(f'no agency has the id or owner e-mail "{value}"')
    return agency
