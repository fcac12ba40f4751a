import json
import sys
from pathlib import Path

from django.core.management.base import CommandError

from agencyaccess.lib import commands
from agencyaccess.lib.errors import ActionError
from agencyaccess.links.intake_questions import parse_questions, replace_questions
from agencyaccess.links.models import IntakeForm


class Command(commands.Command):
    help = (
        "Set an agency's intake questions from a JSON file (a list of {key, type, required, "
        "labels, choices}), or switch its intake form off with --disable."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency id or its owner's e-mail")
        parser.add_argument("--file", help="the questions as a JSON list; - reads standard input")
        parser.add_argument(
            "--disable",
            action="store_true",
            help="new links cannot ask for the form (links that already do keep it)",
        )

    def handle(self, *, agency, file, disable, **options):
        agency = commands.agency_argument(agency)
        if file is None:
            if not disable:
                raise CommandError("give --file with the questions, or --disable")
            IntakeForm.objects.update_or_create(agency=agency, defaults={"enabled": False})
            return
        try:
            questions = parse_questions(_read_json(file))
        except ActionError as e:
            raise CommandError(f"{file}: {e.message}") from None
        replace_questions(agency, questions, enabled=not disable)


def _read_json(file: str):
    try:
        return json.loads(sys.stdin.read() if file == "-" else Path(file).read_text("utf-8"))
    except OSError as e:
        raise CommandError(f"{file}: {e.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CommandError(f"{file}: not JSON ({e})") from None
