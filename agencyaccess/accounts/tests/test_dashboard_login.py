from unittest import mock

from django.contrib.auth import SESSION_KEY

from agencyaccess.accounts import throttle
from agencyaccess.accounts.models import User
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.apikeys import ratelimit
from agencyaccess.test import BaseTestCase

LOGIN = "/account/login/"


class LoginTests(PageChecks, BaseTestCase):
    def login(self, email: str = "alice@example.org", **data: str):
        return self.client.post(LOGIN, {"email": email, "password": "password"} | data)

    def test_the_page_has_a_labelled_form(self):
        r = self.client.get(LOGIN)
        self.assertContains(r, "Log in")
        self.assertAccessiblePage(r)

    def test_alice_logs_in_with_her_email_and_password(self):
        r = self.login()
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.alice.pk))

    def test_the_address_may_be_typed_in_any_case(self):
        r = self.login(email=" Alice@Example.ORG ")
        self.assertRedirects(r, "/", fetch_redirect_response=False)

    def test_logging_in_gives_a_new_session_key(self):
        self.client.get(LOGIN)
        self.client.session.save()
        before = self.client.session.session_key
        self.login()
        self.assertNotEqual(self.client.session.session_key, before)

    def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(self):
        for email in ("alice@example.org", "nobody@example.org"):
            r = self.login(email=email, password="wrong")
            self.assertContains(r, "do not match an account")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_a_deactivated_user_cannot_log_in(self):
        User.objects.filter(pk=self.bob.pk).update(is_active=False)
        r = self.login(email="bob@example.org")
        self.assertContains(r, "do not match an account")

    def test_next_leads_back_to_the_page_asked_for_but_never_off_site(self):
        r = self.login(next="/account/team/")
        self.assertRedirects(r, "/account/team/", fetch_redirect_response=False)
        self.client.logout()
        r = self.login(next="https://evil.example/")
        self.assertRedirects(r, "/", fetch_redirect_response=False)

    def test_a_logged_in_user_opening_the_login_page_goes_home(self):
        self.client.force_login(self.alice)
        self.assertRedirects(self.client.get(LOGIN), "/", fetch_redirect_response=False)

    def test_logging_out_takes_a_post(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get("/account/logout/").status_code, 405)
        self.assertIn(SESSION_KEY, self.client.session)
        r = self.client.post("/account/logout/")
        self.assertRedirects(r, LOGIN, fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_dashboard_pages_send_anonymous_visitors_to_log_in(self):
        r = self.client.get("/account/team/")
        self.assertRedirects(r, f"{LOGIN}?next=/account/team/", fetch_redirect_response=False)


def at(timestamp: float):
    """The rate-limit counters see this time."""
    return mock.patch.object(ratelimit, "time", mock.Mock(time=lambda: timestamp))


class ThrottlingTests(BaseTestCase):
    def login(self, email: str, password: str, address: str = "192.0.2.1"):
        return self.client.post(LOGIN, {"email": email, "password": password}, REMOTE_ADDR=address)

    def fail_logins(self, times: int, email: str = "alice@example.org", address: str = "192.0.2.1"):
        for _ in range(times):
            self.assertContains(self.login(email, "wrong", address), "do not match")

    def test_after_five_failures_even_the_right_password_waits_and_is_told_how_long(self):
        self.fail_logins(throttle.FAILURES_PER_EMAIL)
        r = self.login("alice@example.org", "password")
        self.assertContains(r, "Too many failed attempts")
        self.assertContains(r, "try again in")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_limit_is_per_email_address_from_any_address(self):
        for i in range(throttle.FAILURES_PER_EMAIL):
            self.fail_logins(1, address=f"192.0.2.{i + 10}")
        r = self.login("alice@example.org", "password", address="198.51.100.7")
        self.assertContains(r, "Too many failed attempts")
        # Bob is not held back by failures on Alice's account.
        r = self.login("bob@example.org", "password", address="198.51.100.7")
        self.assertEqual(r.status_code, 302)

    def test_one_address_trying_many_accounts_is_stopped_too(self):
        for i in range(throttle.FAILURES_PER_ADDRESS):
            self.fail_logins(1, email=f"user{i}@example.org")
        r = self.login("bob@example.org", "password")
        self.assertContains(r, "Too many failed attempts")
        r = self.login("bob@example.org", "password", address="198.51.100.7")
        self.assertEqual(r.status_code, 302)

    def test_the_limit_lifts_when_the_window_ends(self):
        start = 1_800_000_000.0  # the start of a 15-minute window
        with at(start):
            self.fail_logins(throttle.FAILURES_PER_EMAIL)
            r = self.login("alice@example.org", "password")
            self.assertContains(r, "try again in 15 minutes")
        with at(start + 14 * 60):
            self.assertContains(
                self.login("alice@example.org", "password"), "try again in 1 minute,"
            )
        with at(start + 15 * 60):
            r = self.login("alice@example.org", "password")
        self.assertRedirects(r, "/", fetch_redirect_response=False)

    def test_successful_logins_are_not_counted(self):
        for _ in range(throttle.FAILURES_PER_EMAIL + 1):
            self.assertEqual(self.login("alice@example.org", "password").status_code, 302)
            self.client.logout()
