from django.core import mail

from agencyaccess.accounts.models import User
from agencyaccess.accounts.tests.pages import PageChecks, emailed_path
from agencyaccess.test import BaseTestCase

RESET = "/account/password-reset/"


class PasswordResetTests(PageChecks, BaseTestCase):
    def ask_for_reset(self, email: str) -> str:
        """The link in the e-mail sent."""
        r = self.client.post(RESET, {"email": email})
        self.assertRedirects(r, "/account/password-reset/sent/")
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
        self.assertEqual(mail.outbox, [])

    def test_an_owner_created_without_a_password_can_set_one_this_way(self):
        User.objects.create_user("new-owner@example.org", None)
        self.ask_for_reset("new-owner@example.org")

    def test_a_weak_new_password_is_refused(self):
        link = self.ask_for_reset("alice@example.org")
        form_url = self.client.get(link, follow=True).redirect_chain[-1][0]
        r = self.client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
        self.assertContains(r, "entirely numeric")
        self.assertTrue(User.objects.get(pk=self.alice.pk).check_password("password"))
