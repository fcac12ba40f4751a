"""The default e-mail backend of an install without SMTP: nothing leaves the machine, and every
message can still be read, as a file a mail client opens."""

import os
import secrets
from email.message import Message
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.utils import timezone


class ConsoleAndFileBackend(ConsoleBackend):
    """Each message written to its own .eml file under settings.EMAIL_FILE_PATH (Django's file
    backend puts a whole batch in one log file), and the file's path printed: one line per
    message on the console, where the whole message would bury the server's own lines."""

    def write_message(self, message: EmailMessage) -> None:
        self.stream.write(f"{_save(message.message())}\n")


def _save(message: Message) -> Path:
    """The message as a file readable by its owner only (an e-mail may carry a credential: a
    password-reset link, a team invitation), in a directory made 0700."""
    directory = Path(settings.EMAIL_FILE_PATH)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Sortable by time; the random part keeps two messages of the same second apart.
    path = directory / f"{timezone.now():%Y%m%d-%H%M%S}-{secrets.token_hex(4)}.eml"
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(message.as_bytes())
    return path
