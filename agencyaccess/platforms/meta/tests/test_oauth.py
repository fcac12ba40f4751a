"""Facebook Login against the sandbox: the consent URL, codes, long-lived tokens, revocation."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.test import SimpleTestCase, override_settings
from django.utils import timezone

from agencyaccess.catalog import platform_by_key
from agencyaccess.platforms.base import ConnectorError, MissingScope, TokenExpired
from agencyaccess.platforms.meta import INTEGRATION
from agencyaccess.platforms.meta.api import Graph
from agencyaccess.platforms.meta.connectors import AdAccountsConnector
from agencyaccess.platforms.meta.sandbox import state, world
from agencyaccess.platforms.meta.tests.cast import SandboxTestCase

ADS_SCOPES = ["ads_management", "business_management"]
NO_OVERRIDES = {"authorize": "", "graph": ""}
REAL_APP = {
    "META_APP_ID": "1234",
    "META_APP_SECRET": "s3cret",
    "META_API_VERSION": "v26.0",
    "META_URLS": NO_OVERRIDES,
}


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


class AuthorizeUrlTests(SimpleTestCase):
    meta = INTEGRATION.client

    def url(self) -> str:
        return self.meta.authorize_url(
            state="st", redirect_uri="https://aa.example/oauth/meta/callback/", scopes=ADS_SCOPES
        )

    @override_settings(
        SITE_URL="https://aa.example", META_APP_ID="", META_CONFIG_ID="", META_URLS=NO_OVERRIDES
    )
    def test_without_an_app_id_it_asks_the_sandbox(self):
        url = self.url()
        self.assertTrue(url.startswith("https://aa.example/sandbox/meta/v26.0/dialog/oauth?"))
        self.assertEqual(
            query_of(url),
            {
                "client_id": ["sandbox-meta-app"],
                "redirect_uri": ["https://aa.example/oauth/meta/callback/"],
                "state": ["st"],
                "response_type": ["code"],
                "auth_type": ["rerequest"],
                "scope": ["ads_management,business_management"],
            },
        )
        self.assertTrue(self.meta.config().sandbox)

    @override_settings(**REAL_APP, META_CONFIG_ID="")
    def test_with_an_app_id_it_asks_facebook(self):
        url = self.url()
        self.assertTrue(url.startswith("https://www.facebook.com/v26.0/dialog/oauth?"))
        self.assertEqual(query_of(url)["client_id"], ["1234"])
        config = self.meta.config()
        self.assertFalse(config.sandbox)
        self.assertEqual(config.token_url, "https://graph.facebook.com/v26.0/oauth/access_token")
        self.assertEqual(config.client_secret, "s3cret")

    @override_settings(**REAL_APP, META_CONFIG_ID="987")
    def test_a_login_for_business_configuration_replaces_the_scopes(self):
        query = query_of(self.url())
        self.assertEqual(query["config_id"], ["987"])
        self.assertNotIn("scope", query)

    @override_settings(
        **REAL_APP
        | {
            "META_URLS": {
                "authorize": "https://fake.example/dialog",
                "graph": "https://fake.example/g",
            }
        }
    )
    def test_base_urls_can_be_overridden(self):
        self.assertTrue(self.url().startswith("https://fake.example/dialog?"))
        self.assertEqual(self.meta.config().token_url, "https://fake.example/g/oauth/access_token")

    def test_no_pkce(self):
        self.assertFalse(self.meta.supports_pkce)

    def test_scopes_are_those_of_the_services_asked_for(self):
        self.assertEqual(self.meta.scopes_for(["meta_ads"]), ADS_SCOPES)
        self.assertEqual(
            self.meta.scopes_for(["facebook_pages", "instagram"]),
            ["business_management", "instagram_basic", "pages_manage_metadata", "pages_show_list"],
        )
        every_service = [s.key for s in platform_by_key("meta").services]
        self.assertEqual(sorted(self.meta.scopes_for(every_service)), sorted(world.PERMISSIONS))


class SignInTests(SandboxTestCase):
    def test_a_code_becomes_a_long_lived_token(self):
        code = self.sign_in("jane", ADS_SCOPES)
        tokens = self.meta.exchange_code(code=code, redirect_uri=self.callback)
        self.assertEqual(tokens.subject_id, "200000000000001")
        self.assertEqual(tokens.name, "Jane Doe")
        self.assertEqual(tokens.scopes, {"public_profile", *ADS_SCOPES})
        self.assertIsNone(tokens.refresh_token)
        assert tokens.expires_at is not None
        in_sixty_days = timezone.now() + timedelta(seconds=state.LONG_LIVED_SECONDS)
        self.assertAlmostEqual(tokens.expires_at, in_sixty_days, delta=timedelta(minutes=1))
        self.assertTrue(AdAccountsConnector().list_assets(tokens, "meta_ads"))

    def test_a_code_works_once(self):
        code = self.sign_in("jane", ADS_SCOPES)
        self.meta.exchange_code(code=code, redirect_uri=self.callback)
        with self.assertRaises(ConnectorError) as caught:
            self.meta.exchange_code(code=code, redirect_uri=self.callback)
        self.assertEqual(caught.exception.platform_code, "100")
        self.assertIn("connect Facebook again", caught.exception.message)

    def test_a_code_needs_the_redirect_uri_it_was_issued_for(self):
        code = self.sign_in("jane", ADS_SCOPES)
        with self.assertRaises(ConnectorError):
            self.meta.exchange_code(code=code, redirect_uri=self.live_server_url + "/elsewhere/")
        tokens = self.meta.exchange_code(code=code, redirect_uri=self.callback)  # still unused
        self.assertEqual(tokens.subject_id, "200000000000001")

    def test_an_unticked_permission_is_left_out_and_recorded_as_declined(self):
        code = self.sign_in("jane", ADS_SCOPES, untick=["ads_management"])
        tokens = self.meta.exchange_code(code=code, redirect_uri=self.callback)
        self.assertEqual(tokens.scopes, {"public_profile", "business_management"})
        permissions = Graph(tokens.access_token).get("me/permissions")["data"]
        self.assertIn({"permission": "ads_management", "status": "declined"}, permissions)
        with self.assertRaises(MissingScope):
            AdAccountsConnector().list_assets(tokens, "meta_ads")

    def test_an_expired_sign_in_cannot_be_made_long_lived(self):
        code = self.sign_in("erin", ADS_SCOPES)
        with self.assertRaises(TokenExpired):
            self.meta.exchange_code(code=code, redirect_uri=self.callback)

    def test_refreshing_exchanges_the_token_for_a_fresh_one(self):
        tokens = self.tokens()
        fresh = self.meta.refresh(tokens)
        self.assertNotEqual(fresh.access_token, tokens.access_token)
        self.assertEqual(fresh.scopes, tokens.scopes)
        self.assertEqual(fresh.subject_id, tokens.subject_id)

    def test_an_expired_token_cannot_be_refreshed(self):
        with self.assertRaises(TokenExpired):
            self.meta.refresh(self.tokens("erin"))

    def test_revoking_ends_every_token_of_the_sign_in(self):
        tokens = self.tokens()
        other = self.tokens()
        self.meta.revoke_token(tokens)
        for ended in (tokens, other):
            with self.assertRaises(TokenExpired):
                Graph(ended.access_token).get("me")
        self.meta.revoke_token(tokens)  # again: already gone, no error
