"""The TikTok ad account connector over HTTP against the sandbox: list, grant, verify, revoke,
and every refusal, with the calls one grant makes."""

from dataclasses import replace
from unittest import mock

from agencyaccess.platforms.base import (
    GrantRef,
    GrantState,
    InsufficientRights,
    TokenExpired,
)
from agencyaccess.platforms.testing import meeting
from agencyaccess.platforms.tiktok.api import pages
from agencyaccess.platforms.tiktok.sandbox import state, world
from agencyaccess.platforms.tiktok.tests.cast import (
    ADS,
    JANES_ADS,
    SandboxTestCase,
    asset_named,
    grant_request,
    ref_of,
    signed_in_agency,
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

    def test_each_business_center_is_asked_side_by_side(self):
        [ask] = meeting(2, ADS._assets_of)  # one center after the other would never meet
        with mock.patch.object(ADS, "_assets_of", ask):
            assets = ADS.list_assets(self.tokens(), "tiktok_ads")

        by_center = [a.parent_id for a in assets]
        self.assertEqual(by_center, [world.CLIENT_BC_ID] * 2 + [world.OTHER_BC_ID])

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

    def test_without_any_sign_in_verify_and_revoke_say_who_must_connect(self):
        ref = ref_of(f"bc/{world.CLIENT_BC_ID}/partner/{world.AGENCY_BC_ID}/asset/{JANES_ADS}")
        with self.assertRaises(TokenExpired) as caught:
            ADS.verify(ref)
        self.assertIn("the agency can connect", caught.exception.message)
        with self.assertRaises(TokenExpired):
            ADS.revoke(ref, client_tokens=None)


class AgencySideTests(SandboxTestCase):
    """Verifying once the client's sign-in is gone: what the agency's Business Center lists."""

    def share(self, role: str = "OPERATOR") -> GrantRef:
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "tiktok_ads"), JANES_ADS)
        outcome = ADS.grant(tokens, grant_request(asset, role))
        return ref_of(outcome.native_ref, role=role, agency=signed_in_agency())

    def client_calls(self, path: str, **body: object) -> None:
        """What the client does in TikTok's own Business Center, outside AgencyAccess."""
        answer = self.http.post(
            f"/sandbox/tiktok/open_api/v1.3/{path}",
            json={
                "bc_id": world.CLIENT_BC_ID,
                "partner_id": world.AGENCY_BC_ID,
                "asset_type": "ADVERTISER",
                "asset_ids": [JANES_ADS],
                **body,
            },
            headers={"Access-Token": self.tokens().access_token},
        ).json()
        self.assertEqual(answer["code"], 0, answer)

    def test_a_share_is_active_with_the_role_the_agency_holds(self):
        outcome = ADS.verify(self.share("ANALYST"))
        self.assertEqual((outcome.state, outcome.native_role), (GrantState.ACTIVE, "ANALYST"))

    def test_a_share_the_client_stopped_in_tiktok_reads_as_revoked(self):
        ref = self.share()
        self.client_calls("bc/partner/asset/delete/")
        self.assertEqual(ADS.verify(ref).state, GrantState.REVOKED)

    def test_a_role_changed_in_tiktok_is_the_role_read_back(self):
        ref = self.share("OPERATOR")
        self.client_calls("bc/partner/add/", advertiser_role="ADMIN")
        outcome = ADS.verify(ref)
        self.assertEqual((outcome.state, outcome.native_role), (GrantState.ACTIVE, "ADMIN"))

    def test_a_share_waiting_for_the_agency_to_accept_is_pending(self):
        ref = self.share()
        _bc, asset = world.asset(JANES_ADS)  # type: ignore[misc]
        state.add_share(world.CLIENT_BC_ID, world.AGENCY_BC_ID, asset, "OPERATOR", "PENDING")
        outcome = ADS.verify(ref)
        self.assertEqual(outcome.state, GrantState.PENDING_AGENCY)
        self.assertIn(world.AGENCY_BC_ID, outcome.next_action_url or "")

    def test_the_clients_sign_in_still_comes_first(self):
        ref = self.share()
        outcome = ADS.verify(ref, client_tokens=self.tokens())
        self.assertEqual((outcome.state, outcome.native_role), (GrantState.ACTIVE, "OPERATOR"))

    def test_a_standard_member_of_the_agency_cannot_read_the_shares(self):
        ref = replace(self.share(), agency=signed_in_agency("sol"))
        with self.assertRaises(InsufficientRights):
            ADS.verify(ref)
