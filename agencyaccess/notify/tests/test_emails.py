"""The invitation e-mail: queued when a link is created with sendEmail, in the client's
language and the agency's colours."""

from agencyaccess.links.actions import create_link, parse_services
from agencyaccess.notify import emails
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.test import BaseTestCase


class InvitationTests(BaseTestCase):
    def create(self, **options):
        services = parse_services(
            self.agency_a.pk,
            self.jane,
            {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}]
                    }
                },
                "Meta": {
                    "Meta Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.meta_a.public_id}]
                    }
                },
            },
        )
        return create_link(self.jane, services, **options)

    def test_a_link_created_with_send_email_queues_the_invitation(self):
        link = self.create(send_email=True, cc=[{"name": "Bob", "email": "bob@janes.example"}])

        email = OutgoingEmail.objects.get()
        self.assertEqual(email.kind, "invitation")
        self.assertEqual(email.link, link)
        self.assertEqual(email.agency, self.agency_a)
        self.assertEqual(email.status, OutgoingEmail.Status.QUEUED)
        self.assertEqual(email.to, ["Jane Doe <jane@example.com>"])
        self.assertEqual(email.cc, ["Bob <bob@janes.example>"])
        self.assertEqual(email.reply_to, ["alice@example.org"])
        self.assertEqual(email.subject, "Alice & Co asks you for access to your accounts")
        self.assertIn("Hi Jane Doe,", email.text)
        self.assertIn("- Google Ads\n- Meta Ads", email.text)
        self.assertIn(link.url, email.text)
        self.assertIn(f'href="{link.url}"', email.html)
        self.assertIn("Alice &amp; Co", email.html)

    def test_without_send_email_nothing_is_queued(self):
        self.create()
        self.assertFalse(OutgoingEmail.objects.exists())

    def test_the_text_version_is_not_html_escaped(self):
        self.agency_a.display_name = "O'Brien & Sons <Digital>"
        self.agency_a.save()
        email = emails.invitation(self.link)
        self.assertIn("O'Brien & Sons <Digital> would like access", email.text)
        self.assertIn("O&#x27;Brien &amp; Sons &lt;Digital&gt;", email.html)

    def test_the_agencys_colour_and_logo_brand_the_html(self):
        self.agency_a.brand_color = "#ff5500"
        self.agency_a.logo.name = f"logos/{self.agency_a.public_id}/alice.png"
        self.agency_a.save()
        email = emails.invitation(self.link)
        self.assertIn("background:#ff5500", email.html)
        self.assertIn(
            f'src="http://127.0.0.1:8000/account/branding/logo/{self.agency_a.public_id}/alice.png"',
            email.html,
        )

    def test_without_a_support_address_there_is_no_reply_to(self):
        self.agency_a.support_email = ""
        self.agency_a.save()
        email = emails.invitation(self.link)
        self.assertEqual(email.reply_to, [])
        self.assertNotIn("reply to this e-mail", email.text)

    def test_the_intake_is_announced_when_the_link_asks_for_it(self):
        self.link.intake_form_requested = True
        email = emails.invitation(self.link)
        self.assertIn("a few questions about your business", email.text)

    def test_it_is_written_in_the_clients_language(self):
        for language, subject in [
            ("es", "Alice & Co te pide acceso a tus cuentas"),
            ("nl", "Alice & Co vraagt je om toegang tot je accounts"),
        ]:
            with self.subTest(language=language):
                self.jane.language = language
                self.jane.save()
                email = emails.invitation(self.link)
                self.assertEqual(email.subject, subject)
                self.assertIn(f'<html lang="{language}">', email.html)
