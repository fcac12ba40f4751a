import time
from unittest import mock

import pyotp
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from agencyaccess.accounts import actions, throttle, twofactor
from agencyaccess.accounts.models import RecoveryCode, User
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.accounts.views import auth
from agencyaccess.lib import crypto
from agencyaccess.test import BaseTestCase

SETUP = "/account/security/two-factor/"
CODE = "/account/login/code/"


class EnableTwoFactorTests(PageChecks, BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_the_set_up_page_shows_a_qr_code_and_the_key_in_text(self):
        r = self.client.get(SETUP)
        self.assertContains(r, "<svg")
        secret = self.client.session["totp_setup_secret"]
        shown = r.context["secret_groups"]
        self.assertEqual(shown.replace(" ", ""), secret)
        self.assertContains(r, shown)
        self.assertEqual(r["Cache-Control"], "no-store")
        self.assertAccessiblePage(r)
        # Reloading shows the same key: the app may already have it.
        self.assertContains(self.client.get(SETUP), shown)

    def test_a_wrong_code_does_not_turn_it_on(self):
        self.client.get(SETUP)
        r = self.client.post(SETUP, {"code": "000000"})
        self.assertContains(r, "That code does not match")
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.has_two_factor)

    def test_the_apps_code_turns_it_on_and_ten_recovery_codes_are_shown_once(self):
        self.client.get(SETUP)
        secret = self.client.session["totp_setup_secret"]
        r = self.client.post(SETUP, {"code": pyotp.TOTP(secret).now()})

        self.assertContains(r, "shown only this once")
        codes = r.context["codes"]
        self.assertEqual(len(set(codes)), 10)
        self.assertEqual(r["Cache-Control"], "no-store")
        self.alice.refresh_from_db()
        self.assertTrue(self.alice.has_two_factor)
        self.assertNotIn(secret, self.alice.totp_secret)  # encrypted at rest
        self.assertEqual(crypto.decrypt(self.alice.totp_secret), secret)
        stored = set(RecoveryCode.objects.filter(user=self.alice).values_list("digest", flat=True))
        self.assertEqual(stored, {twofactor.recovery_digest(c) for c in codes})
        self.assertNotIn("totp_setup_secret", self.client.session)
        # The security page no longer offers set-up, and no page shows the codes again.
        self.assertRedirects(self.client.get(SETUP), "/account/security/")
        r = self.client.get("/account/security/")
        self.assertContains(r, "10 unused recovery codes")
        self.assertNotContains(r, codes[0])

    def test_the_code_that_turned_it_on_does_not_log_in_again(self):
        self.client.get(SETUP)
        secret = self.client.session["totp_setup_secret"]
        now = timezone.now()  # one clock for both: the same code, in the same 30 seconds
        code = pyotp.TOTP(secret).at(now)
        with mock.patch("agencyaccess.accounts.twofactor.timezone.now", return_value=now):
            self.client.post(SETUP, {"code": code})
            self.client.logout()
            self.client.post(
                "/account/login/", {"email": "alice@example.org", "password": "password"}
            )
            r = self.client.post(CODE, {"code": code})
        self.assertContains(r, "already used")
        self.assertNotIn(SESSION_KEY, self.client.session)


class TwoFactorLoginTests(PageChecks, BaseTestCase):
    secret: str
    codes: list[str]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.secret = twofactor.new_secret()
        cls.codes = actions.enable_two_factor(cls.alice, cls.secret)

    def log_in_with_password(self):
        r = self.client.post(
            "/account/login/",
            {"email": "alice@example.org", "password": "password", "next": "/account/team/"},
        )
        self.assertRedirects(r, CODE, fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_password_leads_to_the_code_step_and_the_apps_code_logs_in(self):
        self.log_in_with_password()
        r = self.client.get(CODE)
        self.assertContains(r, "authenticator app")
        self.assertAccessiblePage(r)
        r = self.client.post(CODE, {"code": pyotp.TOTP(self.secret).now()})
        self.assertRedirects(r, "/account/team/", fetch_redirect_response=False)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.alice.pk))

    def test_a_code_works_only_once(self):
        code = pyotp.TOTP(self.secret).now()
        self.log_in_with_password()
        self.client.post(CODE, {"code": code})
        self.client.logout()
        self.log_in_with_password()
        r = self.client.post(CODE, {"code": code})
        self.assertContains(r, "already used")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_a_code_from_the_previous_30_seconds_is_accepted(self):
        self.log_in_with_password()
        # The server's clock is fixed, so a 30-second boundary between making the code and
        # checking it cannot turn "the previous step" into "two steps ago".
        now = timezone.now()
        with mock.patch("agencyaccess.accounts.twofactor.timezone.now", return_value=now):
            code = pyotp.TOTP(self.secret).at(now.timestamp() - 30)
            r = self.client.post(CODE, {"code": code})
        self.assertEqual(r.status_code, 302)

    def test_a_wrong_code_is_refused_and_counted_as_a_failed_login(self):
        self.log_in_with_password()
        for _ in range(throttle.FAILURES_PER_EMAIL):
            self.assertContains(self.client.post(CODE, {"code": "123456"}), "not right")
        r = self.client.post(CODE, {"code": pyotp.TOTP(self.secret).now()})
        self.assertContains(r, "Too many failed attempts")
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_a_recovery_code_logs_in_once(self):
        self.log_in_with_password()
        r = self.client.post(CODE, {"code": self.codes[0].upper().replace("-", " ")})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.alice.recovery_codes.filter(used__isnull=True).count(), 9)
        self.client.logout()
        self.log_in_with_password()
        r = self.client.post(CODE, {"code": self.codes[0]})
        self.assertContains(r, "already used")

    def test_the_code_step_without_a_password_first_goes_back_to_log_in(self):
        r = self.client.post(CODE, {"code": pyotp.TOTP(self.secret).now()})
        self.assertRedirects(r, "/account/login/", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_code_step_expires(self):
        self.log_in_with_password()
        later = time.time() + auth.PENDING_LOGIN_SECONDS + 1
        with mock.patch.object(auth, "time", mock.Mock(time=lambda: later)):
            r = self.client.post(CODE, {"code": pyotp.TOTP(self.secret).now()})
        self.assertRedirects(r, "/account/login/", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_the_admins_login_cannot_skip_the_code_step(self):
        User.objects.filter(pk=self.alice.pk).update(is_staff=True)
        credentials = {"username": "alice@example.org", "password": "password"}

        r = self.client.post("/admin/login/?next=/admin/", credentials)

        self.assertRedirects(r, "/account/login/?next=/admin/", fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertRedirects(
            self.client.get("/links/"),
            "/account/login/?next=/links/",
            fetch_redirect_response=False,
        )

    def test_staff_reach_the_admin_through_the_login_with_its_code(self):
        User.objects.filter(pk=self.alice.pk).update(is_staff=True)
        self.assertRedirects(
            self.client.get("/admin/"),
            "/admin/login/?next=/admin/",
            target_status_code=302,
            fetch_redirect_response=True,
        )
        r = self.client.post(
            "/account/login/",
            {"email": "alice@example.org", "password": "password", "next": "/admin/"},
        )
        self.assertRedirects(r, CODE, fetch_redirect_response=False)
        r = self.client.post(CODE, {"code": pyotp.TOTP(self.secret).now()})
        self.assertRedirects(r, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertRedirects(self.client.get("/admin/login/"), "/admin/")

    def test_someone_logged_in_who_is_not_staff_cannot_log_in_again_from_the_admin(self):
        self.client.force_login(self.bob)
        credentials = {"username": "alice@example.org", "password": "password"}

        self.assertEqual(self.client.post("/admin/login/", credentials).status_code, 403)
        self.assertEqual(self.client.session[SESSION_KEY], str(self.bob.pk))


class ManageTwoFactorTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        actions.enable_two_factor(cls.alice, twofactor.new_secret())

    def setUp(self):
        self.client.force_login(self.alice)

    def test_turning_it_off_asks_for_the_password(self):
        r = self.client.post("/account/security/two-factor/disable/", {"disable-password": "wrong"})
        self.assertContains(r, "That is not your password", status_code=400)
        self.assertTrue(User.objects.get(pk=self.alice.pk).has_two_factor)

        r = self.client.post(
            "/account/security/two-factor/disable/", {"disable-password": "password"}
        )
        self.assertRedirects(r, "/account/security/")
        alice = User.objects.get(pk=self.alice.pk)
        self.assertFalse(alice.has_two_factor)
        self.assertFalse(alice.recovery_codes.exists())

    def test_new_recovery_codes_replace_the_old_ones(self):
        old = set(RecoveryCode.objects.filter(user=self.alice).values_list("digest", flat=True))
        r = self.client.post("/account/security/recovery-codes/", {"codes-password": "password"})
        self.assertEqual(len(r.context["codes"]), 10)
        new = set(RecoveryCode.objects.filter(user=self.alice).values_list("digest", flat=True))
        self.assertEqual(len(new), 10)
        self.assertFalse(old & new)

    def test_wrong_passwords_to_turn_it_off_are_throttled_like_the_login(self):
        url = "/account/security/two-factor/disable/"
        for _ in range(throttle.FAILURES_PER_EMAIL):
            self.assertEqual(self.client.post(url, {"disable-password": "wrong"}).status_code, 400)
        r = self.client.post(url, {"disable-password": "password"})
        self.assertContains(r, "Too many wrong passwords or codes", status_code=429)
        self.assertTrue(0 < int(r["Retry-After"]) <= throttle.WINDOW_SECONDS)
        self.assertTrue(User.objects.get(pk=self.alice.pk).has_two_factor)
        # The login counts the same failures.
        self.client.logout()
        r = self.client.post(
            "/account/login/", {"email": "alice@example.org", "password": "password"}
        )
        self.assertContains(r, "Too many failed attempts")

    def test_wrong_passwords_for_new_recovery_codes_are_throttled_like_the_login(self):
        url = "/account/security/recovery-codes/"
        for _ in range(throttle.FAILURES_PER_EMAIL):
            self.assertEqual(self.client.post(url, {"codes-password": "wrong"}).status_code, 400)
        r = self.client.post(url, {"codes-password": "password"})
        self.assertContains(r, "Too many wrong passwords or codes", status_code=429)
        self.assertNotIn("codes", r.context)

    def test_wrong_old_passwords_are_throttled_like_the_login(self):
        url = "/account/security/password/"
        data = {"new_password1": "a new long phrase", "new_password2": "a new long phrase"}
        for _ in range(throttle.FAILURES_PER_EMAIL):
            self.assertEqual(self.client.post(url, data | {"old_password": "x"}).status_code, 400)
        r = self.client.post(url, data | {"old_password": "password"})
        self.assertContains(r, "Too many wrong passwords or codes", status_code=429)
        self.assertTrue(0 < int(r["Retry-After"]) <= throttle.WINDOW_SECONDS)
        self.assertTrue(User.objects.get(pk=self.alice.pk).check_password("password"))

    def test_changing_the_password_asks_for_the_old_one(self):
        data = {"new_password1": "a new long phrase", "new_password2": "a new long phrase"}
        r = self.client.post("/account/security/password/", data | {"old_password": "wrong"})
        self.assertEqual(r.status_code, 400)
        r = self.client.post("/account/security/password/", data | {"old_password": "password"})
        self.assertRedirects(r, "/account/security/")
        self.assertTrue(User.objects.get(pk=self.alice.pk).check_password("a new long phrase"))
        # Still logged in here.
        self.assertEqual(self.client.get("/account/security/").status_code, 200)
