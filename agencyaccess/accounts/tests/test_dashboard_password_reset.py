from django.core import mail
from django.test import override_settings

from agencyaccess.accounts import throttle
from agencyaccess.accounts.models import User
from agencyaccess.accounts.tests.pages import PageChecks, emailed_path
from agencyaccess.notify.jobs import send_queued_emails
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.test import BaseTestCase, rate_limit_clock

RESET = "/account/password-reset/"


class PasswordResetTests(PageChecks, BaseTestCase):
    def ask_for_reset(self, email: str) -> str:
        """The link in the e-mail the worker sends."""
        r = self.client.post(RESET, {"email": email})
        self.assertRedirects(r, "/account/password-reset/sent/")
        self.assertEqual(mail.outbox, [], "queued, not sent during the request")
        self.assertEqual(send_queued_emails(), 1)
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, [email])
        self.assertEqual(message.subject, "Reset your AgencyAccess password")
        return emailed_path(message, "/account/password-reset/")

    def test_the_pages_have_titles_and_labels(self):
        for path in (RESET, "/account/password-reset/sent/", "/account/password-reset/done/"):
            with self.subTest(path):
                self.assertAccessiblePage(self.client.get(path))

    def test_alice_resets_her_password_from_the_emailed_link(self):
        link = self.ask_for_reset("alice@example.org")
        self.assertIn("one day", mail.outbox[0].body)
        r = self.client.get(link, follow=True)
        self.assertContains(r, "Choose a new password")
        self.assertAccessiblePage(r)
        form_url = r.redirect_chain[-1][0]
        r = self.client.post(
            form_url, {"new_password1": "brand new phrase", "new_password2": "brand new phrase"}
        )
        self.assertRedirects(r, "/account/password-reset/done/")
        self.assertTrue(User.objects.get(pk=self.alice.pk).check_password("brand new phrase"))

        # The link is used up.
        self.assertContains(self.client.get(link, follow=True), "This link does not work")
        r = self.client.post(
            "/account/login/", {"email": "alice@example.org", "password": "brand new phrase"}
        )
        self.assertEqual(r.status_code, 302)

    def test_an_unknown_address_gets_no_email_and_the_same_answer(self):
        r = self.client.post(RESET, {"email": "nobody@example.org"})
        self.assertRedirects(r, "/account/password-reset/sent/")
        self.assertFalse(OutgoingEmail.objects.exists())

    def test_the_link_uses_the_sites_address_not_the_requests_host(self):
        self.client.post(RESET, {"email": "alice@example.org"}, headers={"Host": "localhost"})
        send_queued_emails()
        self.assertNotIn("localhost", mail.outbox[0].body)
        emailed_path(mail.outbox[0], "/account/password-reset/")

    @override_settings(EMAIL_BACKEND="agencyaccess.notify.tests.test_jobs.FailingBackend")
    def test_a_mail_server_failure_is_retried_and_the_link_is_not_kept(self):
        self.client.post(RESET, {"email": "alice@example.org"})
        self.assertEqual(send_queued_emails(), 0)
        email = OutgoingEmail.objects.get()
        self.assertEqual(
            (email.status, email.kind), (OutgoingEmail.Status.QUEUED, "password_reset")
        )
        self.assertEqual(email.to, ["alice@example.org"])
        self.assertIsNone(email.agency)
        with self.settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            OutgoingEmail.objects.update(next_attempt=email.created)
            self.assertEqual(send_queued_emails(), 1)
        email.refresh_from_db()
        # Sent: the row no longer holds the link, a credential for a day.
        self.assertEqual((email.status, email.text), (OutgoingEmail.Status.SENT, ""))
        self.assertEqual(email.subject, "Reset your AgencyAccess password")

    def test_an_owner_created_without_a_password_can_set_one_this_way(self):
        User.objects.create_user("new-owner@example.org", None)
        self.ask_for_reset("new-owner@example.org")

    def test_a_weak_new_password_is_refused(self):
        link = self.ask_for_reset("alice@example.org")
        form_url = self.client.get(link, follow=True).redirect_chain[-1][0]
        r = self.client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
        self.assertContains(r, "entirely numeric")
        self.assertTrue(User.objects.get(pk=self.alice.pk).check_password("password"))

    def test_one_address_asks_ten_times_in_fifteen_minutes_then_waits(self):
        with rate_limit_clock():
            for n in range(throttle.RESETS_PER_ADDRESS):
                r = self.client.post(RESET, {"email": f"someone{n}@example.org"})
                self.assertRedirects(r, "/account/password-reset/sent/")
            r = self.client.post(RESET, {"email": "alice@example.org"})
            self.assertContains(r, "try again in 15 minutes", status_code=429)
            self.assertEqual(r["Retry-After"], str(15 * 60 - 30))
            self.assertFalse(OutgoingEmail.objects.exists())
            r = self.client.post(RESET, {"email": "alice@example.org"}, REMOTE_ADDR="198.51.100.7")
            self.assertRedirects(r, "/account/password-reset/sent/")
        self.assertEqual(OutgoingEmail.objects.count(), 1)
