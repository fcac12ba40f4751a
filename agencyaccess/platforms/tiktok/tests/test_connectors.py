"""The TikTok ad account connector over HTTP against the sandbox: list, grant, verify, revoke,
and every refusal, with the calls one grant makes."""

from agencyaccess.platforms.base import (
    GrantState,
    TokenExpired,
)
from agencyaccess.platforms.tiktok.api import pages
from agencyaccess.platforms.tiktok.sandbox import world
from agencyaccess.platforms.tiktok.tests.cast import (
    ADS,
    AGENCY,
    JANES_ADS,
    SandboxTestCase,
    asset_named,
    grant_request,
    ref_of,
)


class ListTests(SandboxTestCase):
    def test_lists_the_ad_accounts_of_every_business_center_with_who_may_share_them(self):
        assets = ADS.list_assets(self.tokens(), "tiktok_ads")
        self.assertEqual(
            {(a.external_id, a.parent_id, a.grantable) for a in assets},
            {
                (JANES_ADS, world.CLIENT_BC_ID, True),
                ("7210000000000000002", world.CLIENT_BC_ID, True),
                ("7310000000000000001", world.OTHER_BC_ID, False),
            },
        )
        other = asset_named(assets, "7310000000000000001")
        self.assertIn("Partner Store BC", other.not_grantable_reason)

    def test_pages_are_followed(self):
        with self.settings():
            items = list(
                pages(
                    "bc/asset/get/",
                    token=self.tokens().access_token,
                    bc_id=world.CLIENT_BC_ID,
                    asset_type="ADVERTISER",
                )
            )
        self.assertEqual(len(items), 2)


class GrantTests(SandboxTestCase):
    def test_grant_verify_revoke(self):
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "tiktok_ads"), JANES_ADS)
        outcome = ADS.grant(tokens, grant_request(asset))
        self.assertEqual(outcome.state, GrantState.ACTIVE)
        self.assertEqual(
            outcome.native_ref,
            f"bc/{world.CLIENT_BC_ID}/partner/{world.AGENCY_BC_ID}/asset/{JANES_ADS}",
        )
        ref = ref_of(outcome.native_ref)
        self.assertEqual(ADS.verify(ref, client_tokens=tokens).state, GrantState.ACTIVE)
        # Granting twice is fine: the share is read back like any other.
        self.assertEqual(ADS.grant(tokens, grant_request(asset)).state, GrantState.ACTIVE)
        self.assertEqual(ADS.revoke(ref, client_tokens=tokens).state, GrantState.REVOKED)
        self.assertEqual(ADS.verify(ref, client_tokens=tokens).state, GrantState.REVOKED)

    def test_the_role_sent_is_the_one_tiktok_keeps(self):
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "tiktok_ads"), JANES_ADS)
        ADS.grant(tokens, grant_request(asset, "ANALYST"))
        shared = list(
            pages(
                "bc/partner/asset/get/",
                token=tokens.access_token,
                bc_id=world.CLIENT_BC_ID,
                partner_id=world.AGENCY_BC_ID,
                asset_type="ADVERTISER",
                share_type="SHARING",
            )
        )
        self.assertEqual(shared[0]["advertiser_role"], "ANALYST")

    def test_verify_and_revoke_need_the_clients_sign_in(self):
        ref = ref_of(f"bc/{world.CLIENT_BC_ID}/partner/{world.AGENCY_BC_ID}/asset/{JANES_ADS}")
        with self.assertRaises(TokenExpired):
            ADS.verify(ref)
        with self.assertRaises(TokenExpired):
            ADS.revoke(ref)
        self.assertEqual(AGENCY.fields["business_center_id"], world.AGENCY_BC_ID)
