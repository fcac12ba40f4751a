from django.test import Client

from agencyaccess.accounts.models import Invitation
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.test import BaseTestCase


class CsrfTests(BaseTestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)

    def test_a_login_without_the_forms_token_is_refused_with_a_friendly_page(self):
        r = self.client.post(
            "/account/login/", {"email": "alice@example.org", "password": "password"}
        )
        self.assertContains(r, "Please try again", status_code=403)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_owner_actions_without_the_forms_token_change_nothing(self):
        self.client.force_login(self.alice)
        r = self.client.post("/account/team/", {"email": "dana@example.org"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(Invitation.objects.exists())

    def test_with_the_token_the_same_post_works(self):
        self.client.get("/account/login/")
        token = self.client.cookies["csrftoken"].value
        r = self.client.post(
            "/account/login/",
            {"email": "alice@example.org", "password": "password", "csrfmiddlewaretoken": token},
        )
        self.assertEqual(r.status_code, 302)


class HeaderTests(BaseTestCase):
    def test_pages_carry_the_security_headers(self):
        self.client.force_login(self.alice)
        for url in ("/account/login/", "/account/team/"):
            with self.subTest(url):
                r = self.client.get(url)
                self.assertIn("script-src 'self'", r["Content-Security-Policy"])
                self.assertIn("frame-ancestors 'none'", r["Content-Security-Policy"])
                self.assertEqual(r["X-Frame-Options"], "DENY")
                self.assertEqual(r["X-Content-Type-Options"], "nosniff")
                self.assertEqual(r["Referrer-Policy"], "same-origin")

    def test_the_session_cookie_is_http_only_and_same_site(self):
        r = self.client.post(
            "/account/login/", {"email": "alice@example.org", "password": "password"}
        )
        cookie = r.cookies["sessionid"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")


class EveryPageTests(PageChecks, BaseTestCase):
    """Each account page has a title, and a label for each control."""

    def test_pages_for_visitors(self):
        for url in (
            "/account/login/",
            "/account/signup/",
            "/account/password-reset/",
            "/account/invitations/unknown/",
        ):
            with self.subTest(url):
                self.assertAccessiblePage(self.client.get(url))

    def test_pages_for_the_owner(self):
        self.client.force_login(self.alice)
        for url in (
            "/account/security/",
            "/account/security/two-factor/",
            "/account/team/",
            "/account/settings/",
            "/account/branding/",
        ):
            with self.subTest(url):
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200)
                self.assertAccessiblePage(r)
