"""TikTok's advertiser authorization against the sandbox: the URL, the code exchange, the
agency's Business Centers, revocation, and the switch to the real API."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.http import HttpResponse
from django.test import SimpleTestCase, override_settings

from agencyaccess.platforms.base import ConnectorError, TokenExpired
from agencyaccess.platforms.oauth import HANDLERS, SESSION_KEY
from agencyaccess.platforms.tiktok import INTEGRATION
from agencyaccess.platforms.tiktok.connectors import AdAccountsConnector
from agencyaccess.platforms.tiktok.sandbox import world
from agencyaccess.platforms.tiktok.tests.cast import CALLBACK_PATH, SandboxTestCase


class SignInTests(SandboxTestCase):
    def sign_in(self, person: str) -> str:
        return parse_qs(urlsplit(self.come_back(person)).query)["auth_code"][0]

    def come_back(self, person: str, state: str = "s1") -> str:
        """Where the sandbox's authorization sends the browser back: our callback, with what
        TikTok documents there, `auth_code` and `state`, and nothing else."""
        callback = self.live_server_url + CALLBACK_PATH
        url = self.client_.authorize_url(state=state, redirect_uri=callback, scopes=[])
        parts = urlsplit(url)
        form = {name: values[0] for name, values in parse_qs(parts.query).items()}
        self.assertEqual(set(form), {"app_id", "state", "redirect_uri"})
        page = self.client.get(parts.path, form)
        self.assertContains(page, "Jane Client")
        response = self.client.post(parts.path, {**form, "person": person})
        self.assertEqual(response.status_code, 302)
        back = response["Location"]
        query = parse_qs(urlsplit(back).query)
        self.assertEqual(set(query), {"auth_code", "state"})
        self.assertEqual(query["state"], [state])
        return back

    def test_our_callback_takes_the_auth_code(self):
        """The shared callback reads the parameter TikTok's client names (`auth_code`)."""
        session = self.client.session
        session[SESSION_KEY] = {
            "s2": {
                "platform": "tiktok",
                "purpose": "agency",
                "payload": {},
                "verifier": None,
                "started": time.time(),
            }
        }
        session.save()
        back = urlsplit(self.come_back("jane", state="s2"))
        signed_in = mock.Mock(return_value=HttpResponse("done"))

        with mock.patch(HANDLERS["agency"], signed_in):
            self.client.get(back.path, parse_qs(back.query))

        _request, _payload, tokens, error = signed_in.call_args.args
        self.assertIsNone(error)
        self.assertEqual(tokens.subject_id, "jane")

    def test_code_exchange_gives_a_token_that_lists_assets(self):
        code = self.sign_in("jane")
        tokens = self.client_.exchange_code(code=code, redirect_uri="unused")
        self.assertEqual((tokens.subject_id, tokens.email), ("jane", "jane@example.com"))
        self.assertIsNone(tokens.expires_at)
        self.assertTrue(AdAccountsConnector().list_assets(tokens, "tiktok_ads"))
        self.assertIs(self.client_.refresh(tokens), tokens)

    def test_a_code_works_once(self):
        code = self.sign_in("jane")
        self.client_.exchange_code(code=code, redirect_uri="unused")
        with self.assertRaises(ConnectorError) as caught:
            self.client_.exchange_code(code=code, redirect_uri="unused")
        self.assertIn("connect TikTok again", caught.exception.message)

    def test_agency_sign_in_offers_its_business_centers(self):
        sign_in = INTEGRATION.client.agency_sign_in(self.tokens("ada"))
        assert sign_in.options is not None
        self.assertEqual(sign_in.options.key, "business_center_id")
        self.assertEqual(sign_in.options.values, ((world.AGENCY_BC_ID, "Sandbox Agency BC"),))

    def test_revoking_the_token_ends_it(self):
        tokens = self.tokens()
        self.client_.revoke_token(tokens)
        with self.assertRaises(TokenExpired):
            AdAccountsConnector().list_assets(tokens, "tiktok_ads")


class RealApiTests(SimpleTestCase):
    @override_settings(TIKTOK_APP_ID="7000", TIKTOK_APP_SECRET="s", TIKTOK_URLS={})
    def test_credentials_switch_to_tiktok(self):
        config = INTEGRATION.client.config()
        self.assertFalse(config.sandbox)
        self.assertEqual(
            config.token_url, "https://business-api.tiktok.com/open_api/v1.3/oauth2/access_token/"
        )
        url = INTEGRATION.client.authorize_url(state="s", redirect_uri="https://x/cb", scopes=[])
        self.assertTrue(url.startswith("https://business-api.tiktok.com/portal/auth?app_id=7000"))

    @override_settings(TIKTOK_APP_ID="7000", TIKTOK_URLS={})
    def test_the_sandbox_is_off_then(self):
        self.assertEqual(self.client.get("/sandbox/tiktok/open_api/v1.3/bc/get/").status_code, 404)
