"""Listing, sharing, verifying and revoking each kind of Meta asset against the sandbox."""

import threading
from dataclasses import dataclass, replace
from unittest import mock

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.meta.connectors import (
    AdAccountsConnector,
    BusinessAssetConnector,
    CatalogsConnector,
    InstagramConnector,
    MetaAssetConnector,
    PagesConnector,
    PixelsConnector,
)
from agencyaccess.platforms.meta.sandbox import state, world
from agencyaccess.platforms.meta.tests.cast import (
    AGENCY,
    SandboxTestCase,
    asset_named,
    grant_request,
    ref_of,
)

ADS, PAGES = AdAccountsConnector(), PagesConnector()


@dataclass(frozen=True)
class Kind:
    connector: MetaAssetConnector
    asset_id: str  # one of Jane's, shareable, not shared yet
    level: str
    permission: str  # what it needs besides business_management

    @property
    def service(self) -> str:
        return self.connector.service_keys[0]


KINDS = (
    Kind(ADS, "act_400000000000004", "ADVERTISE", "ads_management"),
    Kind(PAGES, "500000000000001", "CREATE_CONTENT", "pages_show_list"),
    Kind(CatalogsConnector(), "600000000000001", "MANAGE", "catalog_management"),
    Kind(PixelsConnector(), "700000000000001", "ANALYZE", "ads_management"),
    Kind(InstagramConnector(), "800000000000001", "MANAGE", "instagram_basic"),
)


class EveryKindTests(SandboxTestCase):
    def grant(self, kind: Kind, asset_id: str = "", level: str = ""):
        tokens = self.tokens()
        asset = asset_named(
            kind.connector.list_assets(tokens, kind.service), asset_id or kind.asset_id
        )
        request = grant_request(kind.connector, asset, level or kind.level)
        return tokens, request, kind.connector.grant(tokens, request)

    def test_jane_can_share_her_assets(self):
        for kind in KINDS:
            with self.subTest(kind.service):
                assets = kind.connector.list_assets(self.tokens(), kind.service)
                asset = asset_named(assets, kind.asset_id)
                self.assertTrue(asset.grantable)
                self.assertEqual(asset.asset_type, kind.connector.asset_type)

    def test_sharing_gives_the_agency_the_levels_tasks(self):
        for kind in KINDS:
            with self.subTest(kind.service):
                tokens, request, outcome = self.grant(kind)
                self.assertEqual(outcome.state, GrantState.ACTIVE)
                self.assertEqual(outcome.native_role, request.native_role)
                self.assertEqual(outcome.native_ref, f"{kind.asset_id}/agencies/100000000000001")
                share = state.share_of(kind.asset_id, world.AGENCY_BUSINESS_ID)
                assert share is not None
                self.assertEqual(",".join(share.permitted_tasks), request.native_role)
                verified = kind.connector.verify(ref_of(request, outcome), client_tokens=tokens)
                self.assertEqual(verified.state, GrantState.ACTIVE)

    def test_sharing_again_is_idempotent(self):
        for kind in KINDS:
            with self.subTest(kind.service):
                tokens, request, _ = self.grant(kind)
                again = kind.connector.grant(tokens, request)
                self.assertEqual(again.state, GrantState.ACTIVE)
                self.assertEqual(len(state.shares(asset_id=kind.asset_id)), 1)

    def test_revoked_access_verifies_as_revoked(self):
        for kind in KINDS:
            with self.subTest(kind.service):
                tokens, request, outcome = self.grant(kind)
                ref = ref_of(request, outcome)
                revoked = kind.connector.revoke(ref, client_tokens=tokens)
                self.assertEqual(revoked.state, GrantState.REVOKED)
                self.assertIsNone(state.share_of(kind.asset_id, world.AGENCY_BUSINESS_ID))
                verified = kind.connector.verify(ref, client_tokens=tokens)
                self.assertEqual(verified.state, GrantState.REVOKED)

    def test_the_agency_verifies_from_its_side_once_the_clients_sign_in_is_gone(self):
        agency = replace(AGENCY, tokens=self.tokens("alex"))
        for kind in KINDS:
            with self.subTest(kind.service):
                tokens, request, outcome = self.grant(kind)
                ref = ref_of(request, outcome, agency)
                self.assertEqual(kind.connector.verify(ref).state, GrantState.ACTIVE)
                kind.connector.revoke(ref, client_tokens=tokens)
                self.assertEqual(kind.connector.verify(ref).state, GrantState.REVOKED)

    def test_one_listing_answers_a_batch_of_checks_from_the_agencys_side(self):
        """The re-checks of a batch (lifecycle/reverify.py) read the agency's client_* edge
        once for all the grants of one business and sign-in, not once per grant."""
        agency = replace(AGENCY, tokens=self.tokens("alex"))
        shared = [
            ref_of(request, outcome, agency)
            for _tokens, request, outcome in (
                self.grant(KINDS[0]),
                self.grant(KINDS[0], "act_400000000000001", "ANALYZE"),
            )
        ]
        weddings = replace(shared[0], asset_id="act_400000000000099")
        unsigned = replace(shared[0], agency=AGENCY)  # the agency never signed in
        sent: list[str] = []
        request = http.request

        def counted(method: str, url: str, **kwargs):
            sent.append(url.rsplit("/", 1)[-1])
            return request(method, url, **kwargs)

        with mock.patch.object(http, "request", counted):
            outcomes = ADS.verify_from_agency([*shared, weddings, unsigned])

        self.assertEqual(sent, ["client_ad_accounts"])
        states = [getattr(o, "state", None) for o in outcomes]
        self.assertEqual(states[:3], [GrantState.ACTIVE, GrantState.ACTIVE, GrantState.REVOKED])
        self.assertIsInstance(outcomes[3], TokenExpired)

    def test_drift_outside_agencyaccess_is_what_verify_reports(self):
        """The client removes the agency in Business Settings, or changes its tasks: seen with
        the client's sign-in (tasks and all) and, for removal, from the agency's side too."""
        agency = replace(AGENCY, tokens=self.tokens("alex"))
        for kind in KINDS:
            with self.subTest(kind.service):
                tokens, request, outcome = self.grant(kind)
                ref = ref_of(request, outcome, agency)
                state.set_share_tasks(kind.asset_id, world.AGENCY_BUSINESS_ID, ["ANALYZE"])
                changed = kind.connector.verify(ref, client_tokens=tokens)
                self.assertEqual(changed.state, GrantState.ACTIVE)
                self.assertEqual(changed.native_role, "ANALYZE")
                state.remove_share(kind.asset_id, world.AGENCY_BUSINESS_ID)
                for client_tokens in (tokens, None):
                    verified = kind.connector.verify(ref, client_tokens=client_tokens)
                    self.assertEqual(verified.state, GrantState.REVOKED)

    def test_an_unticked_permission_stops_listing_and_sharing(self):
        for kind in KINDS:
            with self.subTest(kind.service):
                tokens = self.tokens(declined=[kind.permission])
                with self.assertRaises(MissingScope) as caught:
                    kind.connector.list_assets(tokens, kind.service)
                self.assertIn(kind.permission, caught.exception.message)
                asset = asset_named(
                    kind.connector.list_assets(self.tokens(), kind.service), kind.asset_id
                )
                with self.assertRaises(MissingScope):
                    kind.connector.grant(tokens, grant_request(kind.connector, asset, kind.level))

    def test_a_permission_removed_on_facebook_after_sign_in_is_missing_scope(self):
        """The token set still lists it, Facebook no longer grants it: Graph's (#200)."""
        for kind in KINDS:
            with self.subTest(kind.service):
                tokens = replace(
                    self.tokens(declined=[kind.permission]),
                    scopes=frozenset(world.PERMISSIONS),
                )
                with self.assertRaises(MissingScope) as caught:
                    kind.connector.list_assets(tokens, kind.service)
                self.assertEqual(caught.exception.platform_code, "200")


class AdAccountTests(SandboxTestCase):
    def test_a_personal_ad_account_is_listed_but_not_grantable(self):
        personal = asset_named(ADS.list_assets(self.tokens(), "meta_ads"), "act_400000000000003")
        self.assertFalse(personal.grantable)
        self.assertIn("must be owned by a Business Manager", personal.not_grantable_reason)
        self.assertIsNone(personal.parent_id)

    def test_business_ad_accounts_name_their_business(self):
        main = asset_named(ADS.list_assets(self.tokens(), "meta_ads"), "act_400000000000001")
        self.assertEqual((main.parent_id, main.parent_name), ("300000000000001", "Jane's Bakery"))
        self.assertEqual(main.metadata["currency"], "EUR")

    def test_an_account_already_shared_is_active_as_it_was(self):
        tokens = self.tokens()
        main = asset_named(ADS.list_assets(tokens, "meta_ads"), "act_400000000000001")
        outcome = ADS.grant(tokens, grant_request(ADS, main, "ANALYZE"))
        self.assertEqual(outcome.state, GrantState.ACTIVE)
        self.assertEqual(outcome.native_role, "MANAGE,ADVERTISE,ANALYZE")  # the existing share

    def test_the_agency_s_own_waiting_request_is_not_read_as_a_share(self):
        """pending_client_ad_accounts lists what the agency asked for, waiting for the client:
        seen from the agency's side that is no access, not a share waiting for the agency."""
        alex = self.tokens("alex")
        asked = self.http.post(
            f"/sandbox/meta/v26.0/{world.AGENCY_BUSINESS_ID}/client_ad_accounts",
            data={"adaccount_id": "act_400000000000004", "permitted_tasks": '["ANALYZE"]'},
            headers={"Authorization": f"Bearer {alex.access_token}"},
        )
        self.assertEqual(asked.json(), {"success": True})
        weddings = Asset("ad_account", "act_400000000000004", "Jane's Bakery - Weddings")
        agency = replace(AGENCY, tokens=alex)
        request = grant_request(ADS, weddings, "ANALYZE", agency)
        granted = GrantOutcome(GrantState.ACTIVE, native_ref="act_400000000000004/agencies")
        never_shared = ref_of(request, granted, agency)

        self.assertEqual(ADS.verify(never_shared).state, GrantState.REVOKED)

        # Jane shares it: what the agency asked for is granted, and listed on its side at once.
        self.assertEqual(ADS.grant(self.tokens(), request).state, GrantState.ACTIVE)
        self.assertEqual(ADS.verify(never_shared).state, GrantState.ACTIVE)

    def test_each_business_is_asked_side_by_side(self):
        both_asking = threading.Barrier(2, timeout=5)
        ask = BusinessAssetConnector._owned_by

        def meet_then_ask(connector, graph, business):
            both_asking.wait()  # one business after the other would never meet here
            return ask(connector, graph, business)

        with mock.patch.object(BusinessAssetConnector, "_owned_by", meet_then_ask):
            assets = ADS.list_assets(self.tokens(), "meta_ads")

        by_business = [a.parent_name for a in assets if a.grantable]
        self.assertEqual(by_business, ["Jane's Bakery"] * 3 + ["Jane's Café"])

    def test_a_person_hitting_the_rate_limit_is_told_when_to_retry(self):
        surf_shop_ads = Asset("ad_account", "act_410000000000001", "Surf Shop Ads")
        request = grant_request(ADS, surf_shop_ads, "ANALYZE")
        with self.assertRaises(RateLimited) as caught:
            ADS.grant(self.tokens("sam"), request)
        error = caught.exception
        self.assertFalse(error.permanent)
        self.assertEqual(error.platform_code, "80004")
        self.assertEqual(error.retry_after, 300)  # 5 minutes, from X-Business-Use-Case-Usage

    def test_an_expired_sign_in_has_to_sign_in_again(self):
        with self.assertRaises(TokenExpired) as caught:
            ADS.list_assets(self.tokens("erin"), "meta_ads")
        self.assertTrue(caught.exception.permanent)
        self.assertEqual(caught.exception.platform_code, "190")

    def test_listing_follows_every_page_of_results(self):
        with mock.patch("agencyaccess.platforms.meta.api.PAGE_SIZE", 1):
            ids = [a.external_id for a in ADS.list_assets(self.tokens(), "meta_ads")]
        self.assertEqual(
            ids,
            [
                "act_400000000000001",
                "act_400000000000002",
                "act_400000000000004",
                "act_430000000000001",  # Jane's other business
                "act_400000000000003",
            ],
        )


class PageTests(SandboxTestCase):
    def test_a_page_without_full_control_is_listed_but_not_grantable(self):
        club = asset_named(PAGES.list_assets(self.tokens(), "facebook_pages"), "500000000000002")
        self.assertFalse(club.grantable)
        self.assertIn("full control", club.not_grantable_reason)
        self.assertEqual(club.metadata["tasks"], ["ANALYZE"])

    def test_sharing_a_page_without_full_control_is_refused(self):
        tokens = self.tokens()
        club = asset_named(PAGES.list_assets(tokens, "facebook_pages"), "500000000000002")
        with self.assertRaises(InsufficientRights) as caught:
            PAGES.grant(tokens, grant_request(PAGES, club, "ANALYZE"))
        self.assertEqual(caught.exception.platform_code, "200")
        self.assertEqual(state.shares(asset_id="500000000000002"), [])

    def test_sharing_a_page_the_person_has_no_role_on_is_refused(self):
        surf_shop = Asset("page", "510000000000001", "Sam's Surf Shop")  # Sam's, not Jane's
        with self.assertRaises(InsufficientRights):
            PAGES.grant(self.tokens(), grant_request(PAGES, surf_shop, "ANALYZE"))

    def test_page_calls_are_rate_limited_with_the_app_limit(self):
        with self.assertRaises(RateLimited) as caught:
            PAGES.list_assets(self.tokens("sam"), "facebook_pages")
        self.assertEqual(caught.exception.platform_code, "4")


class WithoutWhatAGrantNeedsTests(SandboxTestCase):
    def test_an_agency_without_a_business_id_gets_nothing_shared(self):
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "meta_ads"), "act_400000000000004")
        no_business = AgencyIdentity(account_id="meta_a", fields={})
        with self.assertRaises(ConnectorError) as caught:
            ADS.grant(tokens, grant_request(ADS, asset, "ANALYZE", no_business))
        self.assertIn("Business Manager ID", caught.exception.message)

    def test_verifying_or_revoking_needs_a_sign_in(self):
        tokens = self.tokens()
        asset = asset_named(ADS.list_assets(tokens, "meta_ads"), "act_400000000000004")
        request = grant_request(ADS, asset, "ANALYZE")
        ref = ref_of(request, ADS.grant(tokens, request))
        with self.assertRaises(TokenExpired):
            ADS.verify(ref)
        with self.assertRaises(TokenExpired):
            ADS.revoke(ref)
