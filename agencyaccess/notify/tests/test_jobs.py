"""Sending the queued e-mails: claimed once, sent through Django's mail API, retried with
backoff, then given up."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.clients.models import Client
from agencyaccess.links.jobs import recheck_pending_grants
from agencyaccess.links.models import Link
from agencyaccess.notify import emails
from agencyaccess.notify.jobs import RETRY_DELAYS, claim, send_queued_emails
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.platforms.jobs import purge_expired_tokens
from agencyaccess.test import BaseTestCase
from agencyaccess.worker import JOBS

Status = OutgoingEmail.Status
FAILING = "agencyaccess.notify.tests.test_jobs.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """An SMTP server that hangs up on every message."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")


class SendQueuedEmailsTests(BaseTestCase):
    def setUp(self):
        self.link.cc = [{"name": "Bob", "email": "bob@janes.example"}]
        self.email = emails.invitation(self.link)

    def reload(self):
        self.email.refresh_from_db()
        return self.email

    def test_a_queued_email_is_sent_from_the_agencys_name(self):
        self.assertEqual(send_queued_emails(), 1)

        [sent] = mail.outbox
        assert isinstance(sent, EmailMultiAlternatives)
        self.assertEqual(sent.from_email, "Alice & Co <noreply@agencyaccess.local>")
        self.assertEqual(sent.to, ["Jane Doe <jane@example.com>"])
        self.assertEqual(sent.cc, ["Bob <bob@janes.example>"])
        self.assertEqual(sent.reply_to, ["alice@example.org"])
        self.assertEqual(sent.subject, self.email.subject)
        self.assertEqual(sent.body, self.email.text)
        self.assertEqual(sent.alternatives[0][1], "text/html")
        email = self.reload()
        self.assertEqual(email.status, Status.SENT)
        self.assertIsNotNone(email.sent)
        self.assertEqual(email.attempts, 1)

    def test_line_breaks_in_names_stored_before_they_were_cleaned_never_block_an_email(self):
        # Rows from before names were cleaned as typed: each header is folded onto one line.
        Agency.objects.filter(pk=self.agency_a.pk).update(name="A\rB")
        Client.objects.filter(pk=self.jane.pk).update(name="Jane\r\nDoe")
        Link.objects.filter(pk=self.link.pk).update(
            cc=[{"name": "Bob\nBuilder", "email": "bob@janes.example"}]
        )
        OutgoingEmail.objects.all().delete()
        self.link.refresh_from_db()
        emails.invitation(self.link)

        self.assertEqual(send_queued_emails(), 1)

        [sent] = mail.outbox
        self.assertEqual(sent.from_email, "A B <noreply@agencyaccess.local>")
        self.assertEqual(sent.to, ["Jane Doe <jane@example.com>"])
        self.assertEqual(sent.cc, ["Bob Builder <bob@janes.example>"])
        self.assertNotIn("\r", sent.message().as_string().replace("\r\n", "\n"))

    def test_a_sent_email_is_not_sent_again(self):
        send_queued_emails()
        self.assertEqual(send_queued_emails(), 0)
        self.assertEqual(len(mail.outbox), 1)

    def test_an_email_not_yet_due_waits(self):
        OutgoingEmail.objects.update(next_attempt=timezone.now() + timedelta(minutes=1))
        self.assertEqual(send_queued_emails(), 0)
        self.assertEqual(mail.outbox, [])

    def test_two_workers_that_read_the_same_row_claim_it_once(self):
        mine = OutgoingEmail.objects.get()
        theirs = OutgoingEmail.objects.get()
        now = timezone.now()
        self.assertTrue(claim(mine, now))
        self.assertFalse(claim(theirs, now))
        self.assertEqual(self.reload().status, Status.SENDING)

    def test_a_row_left_by_a_dead_worker_is_sent_after_its_lease(self):
        claim(OutgoingEmail.objects.get(), timezone.now() - timedelta(hours=1))
        self.assertEqual(send_queued_emails(), 1)
        self.assertEqual(self.reload().attempts, 2)

    @override_settings(EMAIL_BACKEND=FAILING)
    def test_a_failure_is_recorded_and_retried_a_minute_later(self):
        before = timezone.now()
        self.assertEqual(send_queued_emails(), 0)
        email = self.reload()
        self.assertEqual(email.status, Status.QUEUED)
        self.assertEqual(email.attempts, 1)
        self.assertEqual(email.last_error, "SMTPServerDisconnected: Connection unexpectedly closed")
        self.assertGreaterEqual(email.next_attempt, before + timedelta(minutes=1))
        self.assertLess(email.next_attempt, timezone.now() + timedelta(minutes=1, seconds=5))

    @override_settings(EMAIL_BACKEND=FAILING)
    def test_retries_back_off_then_give_up(self):
        waits = []
        for _ in RETRY_DELAYS:
            OutgoingEmail.objects.update(next_attempt=timezone.now())
            send_queued_emails()
            email = self.reload()
            waits.append(email.next_attempt - timezone.now())
        self.assertEqual([round(wait.total_seconds() / 60) for wait in waits], [1, 5, 30, 120, 720])
        OutgoingEmail.objects.update(next_attempt=timezone.now())
        send_queued_emails()
        email = self.reload()
        self.assertEqual(email.status, Status.FAILED)
        self.assertEqual(email.attempts, len(RETRY_DELAYS) + 1)
        OutgoingEmail.objects.update(next_attempt=timezone.now())
        self.assertEqual(send_queued_emails(), 0, "a failed e-mail is not tried again")

    def test_a_failure_does_not_stop_the_others(self):
        second = emails.invitation(self.link)
        with mock.patch(
            "agencyaccess.notify.jobs.EmailMultiAlternatives.send",
            side_effect=[OSError("Network is unreachable"), 1],
        ):
            self.assertEqual(send_queued_emails(), 1)
        statuses = dict(OutgoingEmail.objects.values_list("pk", "status"))
        self.assertEqual(statuses, {self.email.pk: Status.QUEUED, second.pk: Status.SENT})


class HangingBackend(BaseEmailBackend):
    """An SMTP server that accepts the connection and then never answers."""

    def send_messages(self, email_messages):
        raise TimeoutError("timed out")


class RecordingBackend(BaseEmailBackend):
    """Remembers what happened, in order, and what the database said of the rows on close."""

    events: list = []

    def open(self):
        self.events.append("open")

    def close(self):
        self.events.append(
            ("close", sorted(OutgoingEmail.objects.values_list("status", flat=True)))
        )

    def send_messages(self, email_messages):
        self.events.extend(("send", m.extra_headers["Message-ID"]) for m in email_messages)
        return len(email_messages)


class NoLossNoDuplicateTests(BaseTestCase):
    def setUp(self):
        self.emails = [emails.invitation(self.link) for _ in range(3)]
        RecordingBackend.events = []

    @override_settings(EMAIL_BACKEND="agencyaccess.notify.tests.test_jobs.RecordingBackend")
    def test_one_connection_for_the_batch_closed_only_once_every_row_is_marked_sent(self):
        self.assertEqual(send_queued_emails(), 3)
        self.assertEqual(
            RecordingBackend.events,
            [
                "open",
                ("send", self.emails[0].message_id),
                "open",  # a no-op on an open connection
                ("send", self.emails[1].message_id),
                "open",
                ("send", self.emails[2].message_id),
                ("close", [Status.SENT] * 3),
            ],
        )

    def test_the_message_id_is_chosen_when_queued_and_kept_on_every_attempt(self):
        first = self.emails[0]
        self.assertRegex(first.message_id, r"^<[^@<>\s]+@agencyaccess\.local>$")
        self.assertEqual(len({email.message_id for email in self.emails}), 3)
        with override_settings(EMAIL_BACKEND=FAILING):
            send_queued_emails()
        OutgoingEmail.objects.update(next_attempt=timezone.now())

        send_queued_emails()

        self.assertEqual(
            sorted(m.message()["Message-ID"] for m in mail.outbox),
            sorted(email.message_id for email in self.emails),
        )

    @override_settings(EMAIL_TIMEOUT=20)
    def test_a_dead_workers_row_is_due_again_a_minute_later(self):
        now = timezone.now()
        self.assertTrue(claim(self.emails[0], now))
        self.emails[0].refresh_from_db()
        self.assertEqual(self.emails[0].next_attempt, now + timedelta(minutes=1))

    @override_settings(EMAIL_BACKEND="agencyaccess.notify.tests.test_jobs.HangingBackend")
    def test_a_hanging_server_costs_one_timeout_a_pass_not_one_per_email(self):
        self.assertEqual(send_queued_emails(), 0)
        attempts = sorted(OutgoingEmail.objects.values_list("attempts", "status"))
        self.assertEqual(attempts, [(0, Status.QUEUED), (0, Status.QUEUED), (1, Status.QUEUED)])
        self.assertEqual(
            OutgoingEmail.objects.get(attempts=1).last_error, "TimeoutError: timed out"
        )


class WorkerJobsTests(SimpleTestCase):
    def test_the_worker_runs_the_email_grant_and_token_jobs(self):
        jobs = {job.func for job in JOBS}
        self.assertLessEqual(
            {send_queued_emails, recheck_pending_grants, purge_expired_tokens}, jobs
        )
