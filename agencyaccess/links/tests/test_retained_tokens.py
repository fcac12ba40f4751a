"""A retainTokens link's tokens: retained_tokens() (the shape webhooks and Zapier carry), and
revealing them on the dashboard behind the password and two-factor code, through HTTP, with the
named cast (agencyaccess/test.py)."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pyotp
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencyaccess.accounts import actions as account_actions
from agencyaccess.accounts import throttle, twofactor
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.lib.timestamps import epoch_ms
from agencyaccess.links.actions import store_client_token
from agencyaccess.links.models import Link, TokenReveal
from agencyaccess.links.tokens import retained_tokens
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.models import PlatformToken
from agencyaccess.test import BaseTestCase

GOOGLE_ACCESS = "ya29.google-access-secret"
GOOGLE_REFRESH = "1//google-refresh-secret"
META_ACCESS = "EAAB-meta-access-secret"
SECRETS = (GOOGLE_ACCESS, GOOGLE_REFRESH, META_ACCESS)
EXPIRES = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


class RetainedTokensCase(BaseTestCase):
    """Alice's link keeps tokens; Jane has signed in to Google and Meta."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.link.retain_tokens = True
        cls.link.save(update_fields=["retain_tokens"])
        cls.sign_in(cls.link)

    @staticmethod
    def sign_in(link: Link) -> None:
        store_client_token(
            link,
            "google",
            TokenSet(
                GOOGLE_ACCESS,
                refresh_token=GOOGLE_REFRESH,
                expires_at=EXPIRES,
                scopes=frozenset({"https://www.googleapis.com/auth/adwords", "email"}),
            ),
        )
        store_client_token(link, "meta", TokenSet(META_ACCESS))

    @property
    def page_url(self) -> str:
        return f"/links/{self.link.public_id}/"

    @property
    def reveal_url(self) -> str:
        return f"/links/{self.link.public_id}/tokens/"

    def kept_until(self, platform: str) -> datetime:
        purge_after = PlatformToken.objects.get(link=self.link, platform=platform).purge_after
        assert purge_after is not None
        return purge_after

    def expire_tokens(self) -> None:
        """The 30 days are over; the worker has not purged them yet."""
        PlatformToken.objects.filter(link=self.link).update(
            purge_after=timezone.now() - timedelta(seconds=1)
        )


class RetainedTokensShapeTests(RetainedTokensCase):
    def test_one_dict_per_platform_in_the_api_style(self):
        self.assertEqual(
            retained_tokens(self.link),
            [
                {
                    "platform": "Google",
                    "accessToken": GOOGLE_ACCESS,
                    "refreshToken": GOOGLE_REFRESH,
                    "scopes": ["email", "https://www.googleapis.com/auth/adwords"],
                    "expiresAt": epoch_ms(EXPIRES),
                    "keptUntil": epoch_ms(self.kept_until("google")),
                },
                {
                    "platform": "Meta",
                    "accessToken": META_ACCESS,
                    "refreshToken": None,
                    "scopes": [],
                    "expiresAt": None,
                    "keptUntil": epoch_ms(self.kept_until("meta")),
                },
            ],
        )
        # Kept for the link's 30 days, and encrypted at rest.
        self.assertAlmostEqual(
            self.kept_until("google") - timezone.now(),
            timedelta(days=30),
            delta=timedelta(minutes=1),
        )
        stored = PlatformToken.objects.get(link=self.link, platform="google")
        self.assertNotIn(GOOGLE_ACCESS, stored.access_token)

    def test_nothing_for_a_link_without_retain_tokens_even_with_a_token_stored(self):
        link = Link.objects.create(agency=self.agency_a, client=self.jane)
        self.sign_in(link)  # the hour a client's sign-in lives while they pick assets
        with self.assertNumQueries(0):
            self.assertEqual(retained_tokens(link), [])

    def test_nothing_once_the_30_days_are_over(self):
        self.expire_tokens()
        self.assertEqual(retained_tokens(self.link), [])

    def test_one_query_whatever_the_number_of_tokens(self):
        for platform in ("tiktok", "linkedin", "microsoft"):
            store_client_token(self.link, platform, TokenSet(f"{platform}-secret"))
        with self.assertNumQueries(1):
            self.assertEqual(len(retained_tokens(self.link)), 5)

    def test_a_token_that_cannot_be_decrypted_is_left_out(self):
        PlatformToken.objects.filter(link=self.link, platform="meta").update(
            access_token="not-fernet"
        )
        self.assertEqual([t["platform"] for t in retained_tokens(self.link)], ["Google"])


class LinkPageTests(RetainedTokensCase):
    def test_alice_sees_which_tokens_are_kept_and_the_reveal_action(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.page_url)
        self.assertContains(r, "The client's tokens")
        self.assertContains(r, "Kept for Google (until")
        self.assertContains(r, f'href="{self.reveal_url}"')
        self.assertContains(r, "Reveal tokens")
        for secret in SECRETS:
            self.assertNotContains(r, secret)

    def test_bob_sees_they_are_kept_and_revealed_but_no_reveal_action(self):
        TokenReveal.objects.create(
            link=self.link,
            user=self.alice,
            email=self.alice.email,
            address="203.0.113.7",
            platforms=["Google"],
        )
        self.client.force_login(self.bob)
        r = self.client.get(self.page_url)
        self.assertContains(r, "Kept for Google (until")
        self.assertNotContains(r, self.reveal_url)
        self.assertContains(r, "The agency's owner can reveal them.")
        self.assertContains(r, "Revealed by alice@example.org on ")
        self.assertNotContains(r, "203.0.113.7")  # the owner's whereabouts are the owner's

    def test_after_the_30_days_the_page_says_they_are_no_longer_kept(self):
        self.expire_tokens()
        self.client.force_login(self.alice)
        r = self.client.get(self.page_url)
        self.assertContains(r, "no longer kept")
        self.assertNotContains(r, self.reveal_url)

    def test_a_link_without_retain_tokens_shows_nothing_of_tokens(self):
        Link.objects.filter(pk=self.link.pk).update(retain_tokens=False)
        self.client.force_login(self.alice)
        r = self.client.get(self.page_url)
        self.assertNotContains(r, "The client's tokens")
        self.assertNotContains(r, self.reveal_url)
        self.assertEqual(self.client.get(self.reveal_url).status_code, 404)
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertEqual(r.status_code, 404)
        self.assertFalse(TokenReveal.objects.exists())

    def test_queries_do_not_grow_with_tokens_and_reveals(self):
        self.client.force_login(self.alice)

        def add_rows():
            for platform in ("tiktok", "linkedin"):
                store_client_token(self.link, platform, TokenSet(f"{platform}-secret"))
            for _ in range(3):
                TokenReveal.objects.create(
                    link=self.link, user=self.alice, email=self.alice.email, platforms=["Google"]
                )

        r = self.assertQueriesDoNotGrow(self.page_url, add_rows)
        self.assertContains(r, "Revealed by alice@example.org", count=3)


class RevealTests(PageChecks, RetainedTokensCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_the_form_asks_for_the_password_and_shows_no_token(self):
        r = self.client.get(self.reveal_url)
        self.assertContains(r, 'name="password"')
        self.assertNotContains(r, 'name="code"')  # Alice has no two-factor login
        self.assertAccessiblePage(r)
        for secret in SECRETS:
            self.assertNotContains(r, secret)
        self.assertIn("no-store", r["Cache-Control"])

    def test_alice_reveals_them_with_her_password_once_and_it_is_recorded(self):
        with self.assertLogs("agencyaccess.links.tokens", "INFO") as logs:
            r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertEqual(r.status_code, 200)
        for secret in SECRETS:
            self.assertContains(r, f'value="{secret}"')
        self.assertContains(r, 'data-copy="#token-1-access"')
        self.assertAccessiblePage(r)
        self.assertContains(r, "shown only on this page, this once")
        self.assertIn("no-store", r["Cache-Control"])
        # Nothing of them in the session, and nothing in the log but the fact.
        stored = str(dict(self.client.session.items()))
        self.assertFalse([s for s in SECRETS if s in stored])
        self.assertFalse([s for s in SECRETS if s in "\n".join(logs.output)])

        reveal = TokenReveal.objects.get()
        self.assertEqual(
            (reveal.link, reveal.user, reveal.email, reveal.address, reveal.platforms),
            (self.link, self.alice, "alice@example.org", "127.0.0.1", ["Google", "Meta"]),
        )
        r = self.client.get(self.page_url)
        self.assertContains(r, "Revealed by alice@example.org on ")
        self.assertContains(r, "from 127.0.0.1: Google, Meta")

        # Seeing them again asks for the password again.
        r = self.client.get(self.reveal_url)
        self.assertNotContains(r, GOOGLE_ACCESS)
        self.assertContains(r, 'name="password"')

    def test_no_reveal_without_the_password(self):
        for data in ({}, {"password": ""}, {"password": "wrong"}):
            with self.subTest(data):
                r = self.client.post(self.reveal_url, data)
                self.assertEqual(r.status_code, 400)
                for secret in SECRETS:
                    self.assertNotContains(r, secret, status_code=400)
        self.assertContains(r, "That is not your password.", status_code=400)
        self.assertFalse(TokenReveal.objects.exists())

    def test_wrong_passwords_are_throttled_like_the_login(self):
        for _ in range(throttle.FAILURES_PER_EMAIL):
            r = self.client.post(self.reveal_url, {"password": "wrong"})
            self.assertContains(r, "That is not your password.", status_code=400)
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertContains(r, "Too many wrong passwords or codes", status_code=429)
        self.assertNotContains(r, GOOGLE_ACCESS, status_code=429)
        self.assertTrue(0 < int(r["Retry-After"]) <= throttle.WINDOW_SECONDS)
        self.assertFalse(TokenReveal.objects.exists())
        # They count as failed logins: guessing here is no way around the login's limit.
        self.client.logout()
        r = self.client.post(
            "/account/login/", {"email": "alice@example.org", "password": "password"}
        )
        self.assertContains(r, "Too many failed attempts")

    def test_after_the_30_days_nothing_is_revealed(self):
        self.expire_tokens()
        r = self.client.get(self.reveal_url)
        self.assertContains(r, "no longer kept")
        self.assertNotContains(r, 'name="password"')
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertContains(r, "no longer kept")
        for secret in SECRETS:
            self.assertNotContains(r, secret)
        self.assertFalse(TokenReveal.objects.exists())

    def test_bob_is_refused(self):
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(self.reveal_url).status_code, 403)
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertEqual(r.status_code, 403)
        self.assertNotIn(GOOGLE_ACCESS, r.content.decode())
        self.assertFalse(TokenReveal.objects.exists())

    def test_as_charlie_alices_link_is_not_found(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.reveal_url).status_code, 404)
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertEqual(r.status_code, 404)
        self.assertFalse(TokenReveal.objects.exists())

    def test_logged_out_goes_to_the_login(self):
        self.client.logout()
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertRedirects(
            r, f"/account/login/?next={self.reveal_url}", fetch_redirect_response=False
        )

    def test_the_form_needs_the_csrf_token(self):
        self.client.handler.enforce_csrf_checks = True
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertEqual(r.status_code, 403)
        self.assertFalse(TokenReveal.objects.exists())

    def test_the_reveal_costs_a_constant_number_of_queries(self):
        with CaptureQueriesContext(connection) as few:
            self.client.post(self.reveal_url, {"password": "password"})
        for platform in ("tiktok", "linkedin", "microsoft"):
            store_client_token(self.link, platform, TokenSet(f"{platform}-secret"))
        with self.assertNumQueries(len(few)):
            r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertContains(r, "tiktok-secret")


class TwoFactorRevealTests(RetainedTokensCase):
    secret: str
    codes: list[str]

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.secret = twofactor.new_secret()
        cls.codes = account_actions.enable_two_factor(cls.alice, cls.secret)

    def setUp(self):
        self.client.force_login(self.alice)

    def code(self) -> str:
        return pyotp.TOTP(self.secret).now()

    def test_the_form_asks_for_the_code_too(self):
        r = self.client.get(self.reveal_url)
        self.assertContains(r, 'name="password"')
        self.assertContains(r, 'name="code"')

    def test_the_password_alone_is_not_enough(self):
        r = self.client.post(self.reveal_url, {"password": "password"})
        self.assertContains(r, "This field is required.", status_code=400)
        self.assertNotContains(r, GOOGLE_ACCESS, status_code=400)
        self.assertFalse(TokenReveal.objects.exists())

    def test_a_wrong_code_is_refused_and_counted(self):
        r = self.client.post(self.reveal_url, {"password": "password", "code": "000000"})
        self.assertContains(r, "That code is not right", status_code=400)
        self.assertNotContains(r, GOOGLE_ACCESS, status_code=400)
        self.assertFalse(TokenReveal.objects.exists())
        for _ in range(throttle.FAILURES_PER_EMAIL - 1):
            self.client.post(self.reveal_url, {"password": "password", "code": "000000"})
        r = self.client.post(self.reveal_url, {"password": "password", "code": self.code()})
        self.assertContains(r, "Too many wrong passwords or codes", status_code=429)

    def test_a_wrong_password_does_not_use_up_the_code(self):
        now = timezone.now()
        with mock.patch("agencyaccess.accounts.twofactor.timezone.now", return_value=now):
            code = pyotp.TOTP(self.secret).at(now)
            r = self.client.post(self.reveal_url, {"password": "wrong", "code": code})
            self.assertContains(r, "That is not your password.", status_code=400)
            r = self.client.post(self.reveal_url, {"password": "password", "code": code})
        self.assertContains(r, f'value="{GOOGLE_ACCESS}"')

    def test_password_and_code_reveal_them_and_the_code_works_once(self):
        now = timezone.now()
        with mock.patch("agencyaccess.accounts.twofactor.timezone.now", return_value=now):
            code = pyotp.TOTP(self.secret).at(now)
            r = self.client.post(self.reveal_url, {"password": "password", "code": code})
            self.assertContains(r, f'value="{GOOGLE_ACCESS}"')
            r = self.client.post(self.reveal_url, {"password": "password", "code": code})
        self.assertContains(r, "already used", status_code=400)
        self.assertEqual(TokenReveal.objects.count(), 1)

    def test_a_recovery_code_works_in_place_of_the_apps(self):
        r = self.client.post(self.reveal_url, {"password": "password", "code": self.codes[0]})
        self.assertContains(r, f'value="{META_ACCESS}"')
        self.assertEqual(self.alice.recovery_codes.filter(used__isnull=True).count(), 9)
