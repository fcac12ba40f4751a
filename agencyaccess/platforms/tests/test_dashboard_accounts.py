"""The connected accounts page: Alice (or Bob, her teammate) lists, adds, edits, connects and
disconnects her agency's accounts; Charlie never reaches them. The platforms' own HTTP is
faked here (see test_dashboard_oauth.py for the real sign-in against the sandbox)."""

from contextlib import nullcontext
from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import httpx
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from agencyaccess.accounts.models import Agency, Membership, Role
from agencyaccess.catalog import PLATFORMS, platform_by_key
from agencyaccess.lib import http
from agencyaccess.links.models import AccessPage, Link, RequestedAccountLink, RequestedService
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken
from agencyaccess.platforms.oauth import SESSION_KEY
from agencyaccess.test import MCC_ID, BaseTestCase

ADWORDS = "https://www.googleapis.com/auth/adwords"  # Google Ads' scope
SANDBOX = override_settings(
    GOOGLE_CLIENT_ID="", GOOGLE_URLS={}, META_APP_ID="", META_CONFIG_ID="", META_URLS={}
)


def google_tokens(email: str = "ads@alice.example") -> TokenSet:
    return TokenSet(
        access_token="ya29.access",
        refresh_token="1//refresh",
        expires_at=timezone.now() + timedelta(hours=1),
        scopes=frozenset({ADWORDS, "openid"}),
        subject_id="110000000000000000005",
        email=email,
        name="Alice & Co",
    )


def meta_tokens() -> TokenSet:
    return TokenSet(
        access_token="EAAG-agency",
        scopes=frozenset({"business_management", "ads_management"}),
        subject_id="200000000000004",
        name="Alex Agent",
    )


@SANDBOX
class AccountsPageTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)
        self.sent: list[httpx.Request] = []
        http.set_transport_for_tests(httpx.MockTransport(self.platform_answers))
        self.addCleanup(http.set_transport_for_tests, None)

    def platform_answers(self, request: httpx.Request) -> httpx.Response:
        """What Google and Meta would answer a revocation: fine."""
        self.sent.append(request)
        return httpx.Response(200, json={"success": True})

    def sign_in(self, account: ConnectedAccount, tokens: TokenSet) -> PlatformToken:
        account.method = ConnectionMethod.OAUTH
        account.save()
        token = PlatformToken(connected_account=account, platform=account.platform)
        token.store(tokens)
        token.save()
        return token

    def start(self, path: str) -> tuple[str, dict]:
        """Press a button that signs in; the state sent to the platform and the flow kept."""
        r = self.client.post(path)
        self.assertEqual(r.status_code, 302, r.content)
        query = parse_qs(urlsplit(r["Location"]).query)
        state = query["state"][0]
        return state, self.client.session[SESSION_KEY][state]

    def come_back(self, platform: str, state: str, tokens: TokenSet | None, **patches):
        """The platform sends Alice back with a code, which it exchanges for these tokens."""
        client = type(registry.client_for(platform))
        # What the platform's client reads at sign-in (the manager ids, the businesses).
        reads = f"agencyaccess.platforms.{platform}.client"
        with (
            mock.patch.object(client, "exchange_code", return_value=tokens),
            mock.patch.multiple(reads, **patches) if patches else nullcontext(),
        ):
            return self.client.get(f"/oauth/{platform}/callback/", {"state": state, "code": "4/c"})


class ListTests(AccountsPageTestCase):
    def test_every_platform_of_the_catalogue_is_listed_with_alices_accounts(self):
        r = self.client.get("/connected-accounts/")
        self.assertContains(r, "<title>Connected accounts · AgencyAccess</title>", html=False)
        for platform in PLATFORMS:
            self.assertContains(r, f'<h2 id="platform-{platform.key}-name">{platform.name}</h2>')
        self.assertContains(r, "ads@alice.example")
        self.assertContains(r, "Google Ads manager account ids: 1234567890")
        self.assertContains(r, "Business Manager ID: 100000000000001")
        self.assertContains(r, self.google_a.public_id)
        self.assertContains(r, "1 link")
        self.assertContains(r, "Entered by hand")
        self.assertNotContains(r, "ads@charlie.example")
        self.assertNotContains(r, self.google_b.public_id)

    def test_platforms_with_an_api_offer_a_sign_in_said_to_be_the_sandbox(self):
        r = self.client.get("/connected-accounts/")
        self.assertContains(r, 'action="/connected-accounts/google/connect/"')
        self.assertContains(r, 'action="/connected-accounts/meta/connect/"')
        self.assertContains(r, 'action="/connected-accounts/tiktok/connect/"')
        self.assertContains(r, 'action="/connected-accounts/linkedin/connect/"')
        self.assertContains(r, 'action="/connected-accounts/microsoft/connect/"')
        self.assertContains(r, 'action="/connected-accounts/snapchat/connect/"')
        self.assertContains(r, 'action="/connected-accounts/hubspot/connect/"')
        self.assertContains(r, 'action="/connected-accounts/pinterest/connect/"')
        self.assertNotContains(r, 'action="/connected-accounts/twitter/connect/"')
        self.assertContains(r, 'href="/connected-accounts/twitter/add/"')
        self.assertContains(r, ">Sandbox</span>", count=8)

    def test_each_account_says_where_it_stands(self):
        self.sign_in(self.google_a, google_tokens())
        expired = ConnectedAccount.objects.create(
            agency=self.agency_a, platform="google", email="old@alice.example", method="oauth"
        )
        ConnectedAccount.objects.create(
            agency=self.agency_a,
            platform="tiktok",
            name="Gone",
            fields={"business_center_id": "7"},
            disconnected=timezone.now(),
        )
        self.sign_in(
            ConnectedAccount.objects.create(agency=self.agency_a, platform="meta", name="Alex"),
            meta_tokens(),
        )
        ended = ConnectedAccount.objects.create(
            agency=self.agency_a, platform="meta", fields={"business_id": "1"}
        )
        self.sign_in(ended, TokenSet(access_token="EAAG", expires_at=timezone.now()))
        r = self.client.get("/connected-accounts/")
        self.assertContains(r, '<span class="badge ok">Connected</span>', count=2)
        self.assertContains(r, '<span class="badge warn">Sign in again</span>', count=2)
        self.assertContains(r, '<span class="badge bad">Disconnected</span>')
        self.assertContains(r, '<span class="badge warn">Needs Business Manager ID</span>')
        self.assertContains(r, f'action="/connected-accounts/{expired.public_id}/refresh/"')
        self.assertContains(r, ">Choose</a>")

    def test_the_page_costs_the_same_with_more_accounts(self):
        def more_accounts():
            for n in range(5):
                for platform in ("google", "meta", "shopify"):
                    account = ConnectedAccount.objects.create(
                        agency=self.agency_a, platform=platform, name=f"{platform} {n}"
                    )
                    self.sign_in(account, google_tokens())
                    service = RequestedService.objects.create(
                        link=Link.objects.create(agency=self.agency_a, client=self.jane),
                        platform=platform,
                        service_key=platform_by_key(platform).services[0].key,
                        access_level="ADMIN",
                    )
                    RequestedAccountLink.objects.create(
                        requested_service=service, connected_account=account
                    )

        r = self.assertQueriesDoNotGrow("/connected-accounts/", more_accounts)
        self.assertContains(r, "shopify 4")

    def test_bob_a_member_manages_accounts_too(self):
        self.client.force_login(self.bob)
        self.assertContains(self.client.get("/connected-accounts/"), "ads@alice.example")
        r = self.client.post("/connected-accounts/reddit/add/", {"email": "bob@alice.example"})
        self.assertRedirects(r, "/connected-accounts/")
        self.assertTrue(ConnectedAccount.objects.filter(agency=self.agency_a, platform="reddit"))

    def test_signed_out_visitors_are_sent_to_the_login(self):
        self.client.logout()
        self.assertRedirects(
            self.client.get("/connected-accounts/"),
            "/account/login/?next=/connected-accounts/",
            fetch_redirect_response=False,
        )


class ManualAccountTests(AccountsPageTestCase):
    def test_the_form_asks_what_the_platform_needs(self):
        r = self.client.get("/connected-accounts/shopify/add/")
        self.assertContains(r, "Add a Shopify account")
        self.assertContains(r, "Shopify Partner organization (required)")
        self.assertContains(r, 'name="email"')
        self.assertNotContains(r, "Email address (required)")

    def test_alice_adds_an_account_that_links_can_then_use(self):
        r = self.client.post(
            "/connected-accounts/shopify/add/",
            {
                "name": "Partners",
                "partner_organization": "Alice Partners",
                "email": "P@Alice.example",
            },
            follow=True,
        )
        self.assertContains(r, "Shopify: Partners added.")
        account = ConnectedAccount.objects.get(agency=self.agency_a, platform="shopify")
        self.assertEqual(account.method, ConnectionMethod.MANUAL)
        self.assertEqual(account.email, "p@alice.example")
        self.assertEqual(account.fields, {"partner_organization": "Alice Partners"})
        body = {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "Shopify": {
                    "Shopify Store Collaborator": {
                        "requestedAccountLinks": [{"internalAccountID": account.public_id}]
                    }
                }
            },
        }
        self.assertOk(self.api_post("/api/links/create", body, self.alice_key))

    def test_several_accounts_per_platform(self):
        for n in range(2):
            self.client.post("/connected-accounts/google/add/", {"email": f"g{n}@alice.example"})
        self.assertEqual(
            ConnectedAccount.objects.filter(agency=self.agency_a, platform="google").count(), 3
        )

    def test_bad_input_is_refused_with_the_reason_and_adds_nothing(self):
        cases = {
            "missing": ("tiktok", {}, "This field is required."),
            "not digits": (
                "tiktok",
                {"business_center_id": "12ab"},
                "business_center_id must be digits only.",
            ),
            "bad e-mail": ("reddit", {"email": "nope"}, "email must be a valid e-mail address"),
            "bad manager id": (
                "google",
                {"email": "g@alice.example", "google_ads_manager_ids": "123"},
                "must be 10-digit Google Ads customer ids",
            ),
            "huge": ("twitter", {"handle": "x" * 5000}, "at most 1000 characters"),
            "a list where text goes": (
                "twitter",
                {"handle": ["a", "b"], "name": "x" * 201},
                "at most 200 characters",
            ),
        }
        for case, (platform, data, message) in cases.items():
            with self.subTest(case):
                r = self.client.post(f"/connected-accounts/{platform}/add/", data)
                self.assertContains(r, message, status_code=400)
        self.assertEqual(ConnectedAccount.objects.filter(agency=self.agency_a).count(), 2)

    def test_an_unknown_platform_is_not_found(self):
        self.assertEqual(self.client.get("/connected-accounts/myspace/add/").status_code, 404)
        self.assertEqual(self.client.post("/connected-accounts/myspace/add/").status_code, 404)

    def test_alice_edits_a_hand_entered_account(self):
        url = f"/connected-accounts/{self.meta_a.public_id}/edit/"
        self.assertContains(self.client.get(url), 'value="100000000000001"')
        r = self.client.post(url, {"name": "Main BM", "business_id": "100000000000009"})
        self.assertRedirects(r, "/connected-accounts/")
        self.meta_a.refresh_from_db()
        self.assertEqual(
            (self.meta_a.name, self.meta_a.fields["business_id"]), ("Main BM", "100000000000009")
        )

    def test_editing_refuses_bad_input_and_keeps_the_account(self):
        url = f"/connected-accounts/{self.google_a.public_id}/edit/"
        r = self.client.post(url, {"email": "ads@alice.example", "google_ads_manager_ids": "1,2"})
        self.assertContains(r, "10-digit", status_code=400)
        self.google_a.refresh_from_db()
        self.assertEqual(self.google_a.fields, {"google_ads_manager_ids": [MCC_ID]})

    def test_an_account_connected_by_signing_in_is_refreshed_not_edited(self):
        self.sign_in(self.google_a, google_tokens())
        self.assertEqual(
            self.client.get(f"/connected-accounts/{self.google_a.public_id}/edit/").status_code, 404
        )

    def test_charlies_account_is_not_found_and_stays_as_it_was(self):
        url = f"/connected-accounts/{self.google_b.public_id}/edit/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"email": "alice@evil.example"}).status_code, 404)
        self.google_b.refresh_from_db()
        self.assertEqual(self.google_b.email, "ads@charlie.example")


class DisconnectTests(AccountsPageTestCase):
    def link_body(self, account: ConnectedAccount) -> dict:
        return {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": account.public_id}]
                    }
                }
            },
        }

    def test_the_confirmation_lists_the_links_that_use_it(self):
        r = self.client.get(f"/connected-accounts/{self.google_a.public_id}/disconnect/")
        self.assertContains(r, "Disconnect Google: ads@alice.example?")
        self.assertContains(r, "Links that use it (1)")
        self.assertContains(r, "Jane Doe (Jane&#x27;s Bakery)")
        self.assertContains(r, self.link.public_id)
        self.assertNotContains(r, self.charlies_link.public_id)

    def test_the_confirmation_lists_the_access_pages_that_use_it(self):
        page = AccessPage.objects.create(
            agency=self.agency_a,
            name="Webinar",
            requested_accounts=self.link_body(self.meta_a)["requestedAccounts"],
        )
        r = self.client.get(f"/connected-accounts/{self.meta_a.public_id}/disconnect/")
        self.assertContains(r, "Access pages that use it (1)")
        self.assertContains(r, f'href="/access-pages/{page.public_id}/"')

    def test_disconnecting_forgets_and_revokes_the_sign_in_and_keeps_what_links_name(self):
        token = self.sign_in(self.google_a, google_tokens())

        r = self.client.post(
            f"/connected-accounts/{self.google_a.public_id}/disconnect/", follow=True
        )

        self.assertContains(r, "was disconnected. The links that name it keep it")
        self.google_a.refresh_from_db()
        self.assertIsNotNone(self.google_a.disconnected)
        self.assertFalse(PlatformToken.objects.filter(pk=token.pk).exists())
        [revocation] = self.sent
        self.assertEqual(str(revocation.url), f"{settings.SITE_URL}/sandbox/google/oauth/revoke")
        self.assertIn(b"token=1%2F%2Frefresh", revocation.content)
        self.assertContains(r, '<span class="badge bad">Disconnected</span>')
        self.assertEqual(RequestedAccountLink.objects.get().connected_account, self.google_a)

    def test_a_disconnected_account_cannot_be_chosen_for_new_links(self):
        self.client.post(f"/connected-accounts/{self.google_a.public_id}/disconnect/")
        r = self.api_post("/api/links/create", self.link_body(self.google_a), self.alice_key)
        self.assertError(
            r,
            400,
            "requestedAccounts.Google.Google Ads.requestedAccountLinks[0].internalAccountID: "
            f'connected account "{self.google_a.public_id}" was disconnected, so it cannot '
            "receive new access. Connect it again in the dashboard, or name another account.",
        )
        update = {
            "id": self.link.public_id,
            "requestedAccounts": self.link_body(self.google_a)["requestedAccounts"],
        }
        self.assertError(self.api_post("/api/links/update", update, self.alice_key), 400)

    def test_an_account_nothing_names_is_removed(self):
        r = self.client.post(
            f"/connected-accounts/{self.meta_a.public_id}/disconnect/", follow=True
        )
        self.assertContains(r, "was disconnected and removed.")
        self.assertFalse(ConnectedAccount.objects.filter(pk=self.meta_a.pk).exists())
        self.assertEqual(self.sent, [])  # it had no sign-in to revoke

    def test_a_failed_revocation_still_forgets_the_sign_in(self):
        self.sign_in(self.google_a, google_tokens())
        http.set_transport_for_tests(httpx.MockTransport(lambda request: httpx.Response(503)))
        self.client.post(f"/connected-accounts/{self.google_a.public_id}/disconnect/")
        self.assertFalse(PlatformToken.objects.filter(connected_account=self.google_a).exists())

    def test_charlies_account_is_not_found_and_stays_connected(self):
        url = f"/connected-accounts/{self.google_b.public_id}/disconnect/"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.google_b.refresh_from_db()
        self.assertIsNone(self.google_b.disconnected)


class SignInTests(AccountsPageTestCase):
    def test_connect_sends_alice_to_the_consent_page_for_every_service_with_an_api(self):
        r = self.client.post("/connected-accounts/google/connect/")
        consent = urlsplit(r["Location"])
        self.assertEqual(consent.path, "/sandbox/google/oauth/authorize")
        scopes = parse_qs(consent.query)["scope"][0].split()
        self.assertIn(ADWORDS, scopes)
        self.assertIn("https://www.googleapis.com/auth/analytics.manage.users", scopes)
        flow = self.client.session[SESSION_KEY][parse_qs(consent.query)["state"][0]]
        self.assertEqual(flow["purpose"], "agency")
        self.assertEqual(
            flow["payload"],
            {"agency": self.agency_a.public_id, "platform": "google", "account": None},
        )

    def test_connect_is_a_post_for_a_platform_with_a_sign_in(self):
        self.assertEqual(self.client.get("/connected-accounts/google/connect/").status_code, 405)
        self.assertEqual(self.client.post("/connected-accounts/twitter/connect/").status_code, 404)
        self.assertEqual(self.client.post("/connected-accounts/nope/connect/").status_code, 404)

    def test_a_new_google_sign_in_becomes_an_account_with_its_manager_ids(self):
        state, _flow = self.start("/connected-accounts/google/connect/")
        r = self.come_back(
            "google", state, google_tokens("second@alice.example"), manager_ids=lambda t: [MCC_ID]
        )
        self.assertRedirects(r, "/connected-accounts/", fetch_redirect_response=False)
        account = ConnectedAccount.objects.get(email="second@alice.example")
        self.assertEqual((account.agency, account.method), (self.agency_a, ConnectionMethod.OAUTH))
        self.assertEqual(account.fields, {"google_ads_manager_ids": [MCC_ID]})
        self.assertEqual(account.name, "Alice & Co")
        token = account.latest_token()
        assert token is not None
        self.assertEqual(token.token_set().refresh_token, "1//refresh")
        self.assertNotIn("1//refresh", token.refresh_token)  # encrypted at rest

    def test_refreshing_replaces_the_sign_in_of_the_same_account(self):
        old = self.sign_in(self.google_a, google_tokens())
        state, flow = self.start(f"/connected-accounts/{self.google_a.public_id}/refresh/")
        self.assertEqual(flow["payload"]["account"], self.google_a.public_id)

        self.come_back(
            "google", state, google_tokens(), manager_ids=lambda t: [MCC_ID, "1111111111"]
        )

        self.assertFalse(PlatformToken.objects.filter(pk=old.pk).exists())
        self.google_a.refresh_from_db()
        self.assertEqual(self.google_a.tokens.count(), 1)
        self.assertEqual(self.google_a.fields["google_ads_manager_ids"], [MCC_ID, "1111111111"])
        self.assertEqual(ConnectedAccount.objects.filter(agency=self.agency_a).count(), 2)

    def test_refreshing_as_another_person_changes_nothing(self):
        self.sign_in(self.google_a, google_tokens())
        state, _ = self.start(f"/connected-accounts/{self.google_a.public_id}/refresh/")
        r = self.come_back(
            "google", state, google_tokens("bob@gmail.example"), manager_ids=lambda t: []
        )
        self.assertContains(
            self.client.get(r["Location"]),
            "You signed in as bob@gmail.example, but this account is ads@alice.example.",
        )
        self.assertEqual(
            list(self.google_a.tokens.values_list("email", flat=True)), ["ads@alice.example"]
        )

    def test_a_hand_entered_account_is_not_refreshed_by_signing_in(self):
        r = self.client.post(f"/connected-accounts/{self.meta_a.public_id}/refresh/")
        self.assertEqual(r.status_code, 404)

    def test_charlies_account_cannot_be_refreshed(self):
        self.sign_in(self.google_b, google_tokens("ads@charlie.example"))
        r = self.client.post(f"/connected-accounts/{self.google_b.public_id}/refresh/")
        self.assertEqual(r.status_code, 404)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_a_forged_flow_naming_charlies_account_is_not_found(self):
        state, _ = self.start("/connected-accounts/google/connect/")
        session = self.client.session
        session[SESSION_KEY][state]["payload"]["account"] = self.google_b.public_id
        session.save()
        r = self.come_back(
            "google", state, google_tokens("ads@charlie.example"), manager_ids=lambda t: []
        )
        self.assertEqual(r.status_code, 404)
        self.assertFalse(PlatformToken.objects.exists())

    def test_a_sign_in_started_in_another_agency_connects_nothing(self):
        agency_c = Agency.objects.create(name="Alice's side business")
        Membership.objects.create(user=self.alice, agency=agency_c, role=Role.OWNER)
        state, _ = self.start("/connected-accounts/google/connect/")
        session = self.client.session
        session["agency"] = agency_c.public_id  # she switched agencies meanwhile
        session.save()

        r = self.come_back(
            "google", state, google_tokens("new@alice.example"), manager_ids=lambda t: []
        )

        self.assertContains(
            self.client.get(r["Location"]), "started while you worked in another agency"
        )
        self.assertFalse(ConnectedAccount.objects.filter(email="new@alice.example").exists())

    def test_a_replayed_callback_is_refused(self):
        state, _ = self.start("/connected-accounts/google/connect/")
        self.come_back(
            "google", state, google_tokens("new@alice.example"), manager_ids=lambda t: []
        )
        r = self.come_back(
            "google", state, google_tokens("again@alice.example"), manager_ids=lambda t: []
        )
        self.assertContains(r, "expired or was already used", status_code=400)
        self.assertFalse(ConnectedAccount.objects.filter(email="again@alice.example").exists())

    def test_declining_on_the_consent_page_connects_nothing(self):
        state, _ = self.start("/connected-accounts/google/connect/")
        r = self.client.get(
            "/oauth/google/callback/", {"state": state, "error": "access_denied"}, follow=True
        )
        self.assertContains(r, "Connecting Google did not work: The sign-in was cancelled.")
        self.assertEqual(ConnectedAccount.objects.filter(agency=self.agency_a).count(), 2)

    def test_google_ads_left_out_still_connects_without_manager_ids(self):
        state, _ = self.start("/connected-accounts/google/connect/")
        tokens = google_tokens("new@alice.example")
        tokens = TokenSet(access_token="x", scopes=frozenset({"openid"}), email=tokens.email)
        r = self.come_back("google", state, tokens)
        self.assertContains(self.client.get(r["Location"]), "Google Ads was not allowed")
        self.assertEqual(ConnectedAccount.objects.get(email="new@alice.example").fields, {})

    def test_a_meta_person_in_one_business_connects_it(self):
        state, _ = self.start("/connected-accounts/meta/connect/")
        businesses = [("100000000000001", "Demo Agency")]
        self.come_back("meta", state, meta_tokens(), agency_businesses=lambda t: businesses)
        account = ConnectedAccount.objects.get(
            agency=self.agency_a, platform="meta", method="oauth"
        )
        self.assertEqual(
            (account.name, account.fields), ("Demo Agency", {"business_id": "100000000000001"})
        )

    def test_a_meta_person_in_no_business_connects_nothing(self):
        state, _ = self.start("/connected-accounts/meta/connect/")
        r = self.come_back("meta", state, meta_tokens(), agency_businesses=lambda t: [])
        self.assertContains(self.client.get(r["Location"]), "has no Business Manager ID on Meta")
        self.assertFalse(ConnectedAccount.objects.filter(method="oauth").exists())

    def test_a_meta_person_in_several_businesses_chooses_one(self):
        businesses = [("100000000000001", "Demo Agency"), ("100000000000002", "Demo Labs")]
        listed = mock.patch(
            "agencyaccess.platforms.meta.client.agency_businesses", return_value=businesses
        )
        state, _ = self.start("/connected-accounts/meta/connect/")
        with listed:
            r = self.come_back("meta", state, meta_tokens())
        account = ConnectedAccount.objects.get(
            agency=self.agency_a, platform="meta", method="oauth"
        )
        self.assertRedirects(
            r, f"/connected-accounts/{account.public_id}/choose/", fetch_redirect_response=False
        )
        self.assertEqual(account.fields, {})
        url = r["Location"]
        with listed:
            page = self.client.get(url)
            self.assertContains(page, "Demo Labs (100000000000002)")
            self.assertContains(
                self.client.post(url, {"value": "100000000000666"}),
                "Choose one of",
                status_code=400,
            )
            self.assertRedirects(
                self.client.post(url, {"value": "100000000000002"}), "/connected-accounts/"
            )
        account.refresh_from_db()
        self.assertEqual(
            (account.name, account.fields), ("Demo Labs", {"business_id": "100000000000002"})
        )

    def test_every_action_needs_the_csrf_token(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.alice)
        for url, data in (
            ("/connected-accounts/google/connect/", {}),
            ("/connected-accounts/reddit/add/", {"email": "x@alice.example"}),
            (f"/connected-accounts/{self.meta_a.public_id}/edit/", {"business_id": "1"}),
            (f"/connected-accounts/{self.meta_a.public_id}/disconnect/", {}),
        ):
            with self.subTest(url):
                self.assertEqual(browser.post(url, data).status_code, 403)
        self.assertEqual(
            ConnectedAccount.objects.filter(agency=self.agency_a, disconnected=None).count(), 2
        )
        self.meta_a.refresh_from_db()
        self.assertEqual(self.meta_a.fields, {"business_id": "100000000000001"})
