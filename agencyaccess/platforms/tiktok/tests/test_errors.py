"""What each TikTok refusal becomes: an error saying what the client or agency must do."""

from agencyaccess.platforms.base import (
    AgencyIdentity,
    ConnectorError,
    InsufficientRights,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.tiktok.tests.cast import (
    ADS,
    JANES_ADS,
    SandboxTestCase,
    asset_named,
    grant_request,
)


class ErrorTests(SandboxTestCase):
    def test_a_role_tiktok_does_not_know_is_refused_with_its_message(self):
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "tiktok_ads"), JANES_ADS)
        with self.assertRaises(ConnectorError) as caught:
            ADS.grant(tokens, grant_request(asset, "OWNER"))
        self.assertEqual(caught.exception.platform_code, "40002")
        self.assertTrue(caught.exception.permanent)

    def test_not_an_admin_of_the_business_center(self):
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "tiktok_ads"), "7310000000000000001")
        with self.assertRaises(InsufficientRights) as caught:
            ADS.grant(tokens, grant_request(asset))
        self.assertIn("admin", caught.exception.message)

    def test_the_agency_without_a_business_center_id(self):
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "tiktok_ads"), JANES_ADS)
        nobody = AgencyIdentity(account_id="tt_b")
        with self.assertRaises(ConnectorError) as caught:
            ADS.grant(tokens, grant_request(asset, agency=nobody))
        self.assertIn("Business Center ID", caught.exception.message)

    def test_revoked_sign_in(self):
        with self.assertRaises(TokenExpired):
            ADS.list_assets(self.tokens("rex"), "tiktok_ads")

    def test_rate_limited(self):
        with self.assertRaises(RateLimited) as caught:
            ADS.list_assets(self.tokens("rita"), "tiktok_ads")
        self.assertFalse(caught.exception.permanent)
        self.assertEqual(caught.exception.retry_after, 60.0)
