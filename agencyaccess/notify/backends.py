"""The default e-mail backend of an install without SMTP: nothing leaves the machine, and every
message can still be read (on the console, and as a file a mail client opens)."""

import secrets
from email.message import Message
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone


class ConsoleAndFileBackend(ConsoleBackend):
    """Django's console backend that also writes each message to its own .eml file under
    settings.EMAIL_FILE_PATH (Django's file backend puts a whole batch in one log file)."""

    def write_message(self, message: EmailMessage) -> None:
        super().write_message(message)
        _save(message.message())


def _save(message: Message) -> Path:
    directory = Path(settings.EMAIL_FILE_PATH)
    directory.mkdir(parents=True, exist_ok=True)
    # Sortable by time; the random part keeps two messages of the same second apart.
    path = directory / f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.eml"
    path.write_bytes(message.as_bytes())
    return path
