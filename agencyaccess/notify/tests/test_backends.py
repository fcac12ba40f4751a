"""The default e-mail backend of an install without SMTP: printed and kept as .eml files."""

import email
import io
import tempfile
from pathlib import Path

from django.core.mail import EmailMultiAlternatives
from django.test import SimpleTestCase, override_settings

from agencyaccess.notify.backends import ConsoleAndFileBackend


class ConsoleAndFileBackendTests(SimpleTestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.mail_dir = Path(directory.name) / "mail"

    def test_each_message_is_printed_and_written_to_its_own_file(self):
        console = io.StringIO()
        messages = [
            EmailMultiAlternatives(f"Hello {n}", "Body", "a@example.org", ["jane@example.com"])
            for n in (1, 2)
        ]
        messages[0].attach_alternative("<p>Body</p>", "text/html")

        with override_settings(EMAIL_FILE_PATH=self.mail_dir):
            sent = ConsoleAndFileBackend(stream=console).send_messages(messages)

        self.assertEqual(sent, 2)
        self.assertIn("Subject: Hello 1", console.getvalue())
        self.assertIn("Subject: Hello 2", console.getvalue())
        files = sorted(self.mail_dir.glob("*.eml"))
        self.assertEqual(len(files), 2)
        parsed = sorted(
            (email.message_from_bytes(path.read_bytes()) for path in files),
            key=lambda m: m["Subject"],
        )
        self.assertEqual([m["Subject"] for m in parsed], ["Hello 1", "Hello 2"])
        self.assertEqual(parsed[0]["To"], "jane@example.com")
        self.assertTrue(parsed[0].is_multipart())
