"""The default e-mail backend of an install without SMTP: kept as .eml files, their paths
printed."""

import email
import io
import stat
import tempfile
from pathlib import Path

from django.core.mail import EmailMultiAlternatives
from django.test import SimpleTestCase, override_settings

from agencyaccess.notify.backends import ConsoleAndFileBackend
from agencyaccess.test import usual_umask


class ConsoleAndFileBackendTests(SimpleTestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.mail_dir = Path(directory.name) / "mail"

    def test_each_message_is_written_to_its_own_file_and_its_path_printed(self):
        console = io.StringIO()
        messages = [
            EmailMultiAlternatives(f"Hello {n}", "Body", "a@example.org", ["jane@example.com"])
            for n in (1, 2)
        ]
        messages[0].attach_alternative("<p>Body</p>", "text/html")

        with override_settings(EMAIL_FILE_PATH=self.mail_dir):
            sent = ConsoleAndFileBackend(stream=console).send_messages(messages)

        self.assertEqual(sent, 2)
        files = sorted(self.mail_dir.glob("*.eml"))
        self.assertEqual(len(files), 2)
        # One line each: the whole message would bury the server's own lines.
        self.assertEqual(sorted(console.getvalue().splitlines()), [str(p) for p in files])
        parsed = sorted(
            (email.message_from_bytes(path.read_bytes()) for path in files),
            key=lambda m: m["Subject"],
        )
        self.assertEqual([m["Subject"] for m in parsed], ["Hello 1", "Hello 2"])
        self.assertEqual(parsed[0]["To"], "jane@example.com")
        self.assertTrue(parsed[0].is_multipart())

    def test_the_files_are_their_owners_only(self):
        # A password-reset link or a team invitation is a credential.
        message = EmailMultiAlternatives("Reset", "Body", "a@example.org", ["jane@example.com"])
        with override_settings(EMAIL_FILE_PATH=self.mail_dir), usual_umask():
            ConsoleAndFileBackend(stream=io.StringIO()).send_messages([message])

        [path] = self.mail_dir.glob("*.eml")
        self.assertEqual(stat.S_IMODE(self.mail_dir.stat().st_mode), 0o700)
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
