"""Alice connects her agency's Google and Meta logins through their sandboxes, over real HTTP
(a live server serves the sandboxes; the connectors call SITE_URL). Only the browser is
simulated: the test client follows what each page sends it to."""

import logging
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import httpx
from django.test import override_settings

from agencyaccess.accounts.models import Agency, Membership, Role
from agencyaccess.lib import http
from agencyaccess.platforms import registry
from agencyaccess.platforms.google.sandbox import tokens as google_sandbox
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, TEST_AGENCY
from agencyaccess.platforms.meta.sandbox import world as meta_world
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken
from agencyaccess.platforms.oauth import FLOW_SECONDS
from agencyaccess.test import MCC_ID, LiveServerBaseTestCase

EVERY_GOOGLE_SCOPE = google_sandbox.EVERY_SCOPE


class AgencySignInTests(LiveServerBaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(
            override_settings(
                SITE_URL=self.live_server_url,
                GOOGLE_CLIENT_ID="",
                GOOGLE_URLS={},
                META_APP_ID="",
                META_CONFIG_ID="",
                META_URLS={},
            )
        )
        # One transport for the test: without it httpx builds a TLS context for every call.
        http.set_transport_for_tests(self.enterContext(httpx.HTTPTransport()))
        self.addCleanup(http.set_transport_for_tests, None)
        self.client.force_login(self.alice)  # type: ignore[attr-defined]

    def consent(self, button: str, answer: dict) -> str:
        """Press a sign-in button and answer the sandbox's consent page; the callback address
        it sends the browser back to."""
        consent = urlsplit(self.client.post(button)["Location"])
        self.assertEqual(f"{consent.scheme}://{consent.netloc}", self.live_server_url)
        page = f"{consent.path}?{consent.query}"
        self.assertEqual(self.client.get(page).status_code, 200)
        asked = {name: values[0] for name, values in parse_qs(consent.query).items()}
        decided = self.client.post(page, {**asked, **answer})
        self.assertEqual(decided.status_code, 302, decided.content)
        back = decided["Location"]
        self.assertTrue(back.startswith(f"{self.live_server_url}/oauth/"), back)
        return back

    def google(self, email: str) -> dict:
        return {"decision": "allow", "user": email, "scope": EVERY_GOOGLE_SCOPE}

    def test_alice_connects_her_google_login_and_disconnects_it(self):
        back = self.consent("/connected-accounts/google/connect/", self.google(TEST_AGENCY))

        page = self.client.get(back, follow=True)

        self.assertContains(page, "Google: Alice &amp; Co connected.")
        account = ConnectedAccount.objects.get(agency=self.agency_a, method=ConnectionMethod.OAUTH)
        self.assertEqual(account.email, TEST_AGENCY)
        self.assertEqual(account.fields, {"google_ads_manager_ids": [MCC_ID]})
        token = account.latest_token()
        assert token is not None
        access_token = token.token_set().access_token
        self.assertIsNotNone(google_sandbox.holder(access_token))

        self.client.post(f"/connected-accounts/{account.public_id}/disconnect/")

        self.assertFalse(ConnectedAccount.objects.filter(pk=account.pk).exists())
        self.assertIsNone(google_sandbox.holder(access_token))  # revoked at Google

    def test_refreshing_as_someone_else_is_refused(self):
        back = self.consent("/connected-accounts/google/connect/", self.google(TEST_AGENCY))
        self.client.get(back)
        account = ConnectedAccount.objects.get(agency=self.agency_a, method=ConnectionMethod.OAUTH)
        token = account.latest_token()

        back = self.consent(
            f"/connected-accounts/{account.public_id}/refresh/", self.google(DEMO_AGENCY)
        )

        page = self.client.get(back, follow=True)
        self.assertContains(
            page, f"You signed in as {DEMO_AGENCY}, but this account is {TEST_AGENCY}."
        )
        self.assertEqual(account.latest_token(), token)

    def test_a_replayed_or_stale_callback_connects_nothing(self):
        back = self.consent("/connected-accounts/google/connect/", self.google(TEST_AGENCY))
        self.client.get(back)
        replayed = self.client.get(back)
        self.assertContains(replayed, "expired or was already used", status_code=400)

        back = self.consent("/connected-accounts/google/connect/", self.google(DEMO_AGENCY))
        later = time.time() + FLOW_SECONDS + 1
        with mock.patch("agencyaccess.platforms.oauth.time.time", return_value=later):
            stale = self.client.get(back)
        self.assertContains(stale, "expired or was already used", status_code=400)

        self.assertEqual(ConnectedAccount.objects.filter(method=ConnectionMethod.OAUTH).count(), 1)
        self.assertFalse(ConnectedAccount.objects.filter(email=DEMO_AGENCY).exists())

    def test_a_sign_in_started_in_another_agency_connects_nothing(self):
        other = Agency.objects.create(name="Alice's side business")
        Membership.objects.create(user=self.alice, agency=other, role=Role.OWNER)  # type: ignore[attr-defined]
        back = self.consent("/connected-accounts/google/connect/", self.google(TEST_AGENCY))
        session = self.client.session
        session["agency"] = other.public_id  # she switched agencies in another tab meanwhile
        session.save()

        page = self.client.get(back, follow=True)

        self.assertContains(page, "started while you worked in another agency")
        self.assertFalse(ConnectedAccount.objects.filter(method=ConnectionMethod.OAUTH).exists())
        self.assertFalse(PlatformToken.objects.exists())

    def test_alice_connects_her_agencys_meta_business(self):
        answer = {
            "person": "alex",
            "action": "continue",
            "permission": list(meta_world.PERMISSIONS),
        }
        back = self.consent("/connected-accounts/meta/connect/", answer)

        page = self.client.get(back, follow=True)

        self.assertContains(page, "Meta: Demo Agency connected.")
        account = ConnectedAccount.objects.get(agency=self.agency_a, method=ConnectionMethod.OAUTH)
        self.assertEqual(account.fields, {"business_id": meta_world.AGENCY_BUSINESS_ID})
        self.assertIsNotNone(account.latest_token())

    def test_a_meta_sign_in_writes_no_secret_to_the_logs(self):
        # Meta's token endpoint takes the app secret, the code and the short-lived token in
        # its query string; everything the app logs goes through the root logger's handlers.
        lines: list[str] = []
        handler = logging.Handler()
        handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger().addHandler(handler)
        self.addCleanup(logging.getLogger().removeHandler, handler)
        answer = {
            "person": "alex",
            "action": "continue",
            "permission": list(meta_world.PERMISSIONS),
        }
        back = self.consent("/connected-accounts/meta/connect/", answer)

        self.client.get(back)

        account = ConnectedAccount.objects.get(agency=self.agency_a, method=ConnectionMethod.OAUTH)
        token = account.latest_token()
        assert token is not None
        code = parse_qs(urlsplit(back).query)["code"][0]
        meta = registry.client_for("meta")
        assert meta is not None
        app_secret = meta.config().client_secret  # the sandbox's
        for secret in (app_secret, code, token.token_set().access_token):
            with self.subTest(secret=secret[:8]):
                self.assertFalse([line for line in lines if secret in line])
