"""What the client's pages refuse: unknown ids, tampered forms, replayed or foreign sign-ins,
another agency's accounts, floods, cross-site posts. Nothing here may be a 500."""

import logging
import time
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from django.test import Client

from agencyaccess.links.models import Grant, Link, RequestedAccountLink, ServiceStatus
from agencyaccess.notify.models import Event
from agencyaccess.onboarding import views
from agencyaccess.onboarding.tests.fake_platform import (
    ACTIVE_ID,
    CLIENT_ACCESS_TOKEN,
    CLIENT_REFRESH_TOKEN,
    LOCKED_ID,
    FlowTestCase,
)
from agencyaccess.platforms import oauth
from agencyaccess.platforms.models import PlatformToken

UNKNOWN_ID = "AAAAAAAAAAAAAAAAAAAA"


class UnknownThingsTests(FlowTestCase):
    def test_an_unknown_link_gets_the_friendly_404_page_everywhere(self):
        for method, suffix in (
            ("get", ""),
            ("get", "done/"),
            ("get", "platform/google/"),
            ("post", "platform/google/"),
            ("post", "connect/google/"),
            ("post", "skip/google_ads/"),
            ("post", "language/"),
        ):
            with self.subTest(method=method, suffix=suffix):
                r = getattr(self.client, method)(f"/l/{UNKNOWN_ID}/{suffix}")
                self.assertContains(r, "This link does not work", status_code=404)

    def test_a_deleted_clients_link_is_gone(self):
        url = self.url()
        self.jane.delete()
        self.assertContains(self.client.get(url), "This link does not work", status_code=404)

    def test_unknown_or_unrequested_platforms_are_not_found(self):
        self.request_service("meta_ads", platform="meta")  # guided while Meta has no connector
        for platform in ("nope", "meta", "tiktok", "..", "google%00"):
            with self.subTest(platform=platform):
                r = self.client.post(self.url(f"connect/{platform}/"))
                self.assertEqual(r.status_code, 404)
                self.assertEqual(
                    self.client.get(self.url(f"platform/{platform}/")).status_code, 404
                )

    def test_a_platform_the_link_does_not_ask_for_is_not_found(self):
        self.link.services.update(requested=False)
        self.assertEqual(self.client.post(self.url("connect/google/")).status_code, 404)

    def test_unknown_or_unrequested_services_cannot_be_skipped(self):
        self.request_service("google_analytics", requested=False)
        for service in ("nope", "google_analytics", "meta_ads"):
            with self.subTest(service=service):
                r = self.client.post(self.url(f"skip/{service}/"))
                self.assertEqual(r.status_code, 404)
        self.assertFalse(Event.objects.exists())

    def test_pages_refuse_the_wrong_method(self):
        self.assertEqual(self.client.get(self.url("skip/google_ads/")).status_code, 405)
        self.assertEqual(self.client.get(self.url("connect/google/")).status_code, 405)
        self.assertEqual(self.client.post(self.url("done/")).status_code, 405)
        self.assertEqual(self.client.post(self.url()).status_code, 405)


class TamperedAssetsTests(FlowTestCase):
    def setUp(self):
        super().setUp()
        self.connect()

    def assertNothingShared(self, response, message: str) -> None:
        self.assertContains(response, message, status_code=400)
        self.assertFalse(Grant.objects.exists())
        self.assertEqual(self.fake_connector.granted, [])
        self.assertFalse(self.link.services.exclude(status=ServiceStatus.PENDING).exists())

    def test_an_asset_that_was_not_listed_is_refused(self):
        r = self.share("999")
        self.assertNothingShared(r, "Some of what you ticked cannot be shared any more.")

    def test_an_asset_that_cannot_be_shared_is_refused(self):
        self.assertNothingShared(self.share(LOCKED_ID), "cannot be shared any more")

    def test_one_bad_id_among_good_ones_refuses_the_lot(self):
        self.assertNothingShared(self.share(ACTIVE_ID, "999"), "cannot be shared any more")

    def test_an_asset_of_another_service_is_refused(self):
        self.request_service("google_analytics")
        r = self.share("properties/1", service_key="google_ads")
        self.assertNothingShared(r, "cannot be shared any more")

    def test_services_the_link_does_not_ask_for_are_ignored(self):
        r = self.client.post(self.url("platform/google/"), {"google_analytics": "properties/1"})
        self.assertNothingShared(r, "Tick at least one item to share")

    def test_names_are_taken_from_the_platform_not_the_form(self):
        self.client.post(
            self.url("platform/google/"), {"google_ads": ACTIVE_ID, "name": "<script>"}
        )
        self.assertEqual(Grant.objects.get().asset_name, "Bakery Ads")

    def test_a_link_to_javascript_from_a_platform_is_never_shown(self):
        Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="1",
            access_level="STANDARD",
            state="manual_required",
            next_action_url="javascript:alert(1)",
        )
        self.assertNotContains(self.client.get(self.url()), "javascript:")


class AnotherAgencysAccountTests(FlowTestCase):
    """A link row naming Charlie's account (only a broken or forged row can) must never give
    Charlie access to Jane's assets."""

    def setUp(self):
        super().setUp()
        RequestedAccountLink.objects.filter(requested_service__link=self.link).update(
            connected_account=self.google_b
        )
        self.connect()

    def test_the_service_cannot_be_shared_and_says_so(self):
        r = self.client.get(self.url("platform/google/"))
        self.assertContains(r, "This request is not set up completely")
        self.assertNotContains(r, 'name="google_ads"')

    def test_posting_anyway_grants_nothing(self):
        r = self.share(ACTIVE_ID)
        self.assertEqual(r.status_code, 400)
        self.assertEqual(self.fake_connector.granted, [])
        self.assertFalse(Grant.objects.exists())

    def test_an_account_of_the_wrong_platform_is_refused_too(self):
        RequestedAccountLink.objects.update(connected_account=self.meta_a)
        self.share(ACTIVE_ID)
        self.assertEqual(self.fake_connector.granted, [])

    def test_a_mix_of_alices_and_charlies_accounts_grants_nothing(self):
        service = self.link.services.get()
        service.account_links.create(connected_account=self.google_a, position=1)
        self.share(ACTIVE_ID)
        self.assertEqual(self.fake_connector.granted, [])


class OAuthCallbackTests(FlowTestCase):
    def callback(self, url: str, client: Client | None = None):
        return (client or self.client).get(url)

    def test_a_replayed_callback_is_refused(self):
        url = self.start_connect()
        self.assertEqual(self.callback(url).status_code, 302)
        r = self.callback(url)
        self.assertContains(r, "This sign-in has expired or was already used.", status_code=400)
        self.assertEqual(PlatformToken.objects.count(), 1)

    def test_a_stale_state_is_refused(self):
        url = self.start_connect()
        session = self.client.session
        for flow in session[oauth.SESSION_KEY].values():
            flow["started"] = time.time() - oauth.FLOW_SECONDS - 1
        session.save()
        self.assertEqual(self.callback(url).status_code, 400)
        self.assertFalse(PlatformToken.objects.exists())

    def test_another_browsers_state_is_refused(self):
        url = self.start_connect()
        r = self.callback(url, Client())
        self.assertEqual(r.status_code, 400)
        self.assertFalse(PlatformToken.objects.exists())

    def test_an_unknown_state_is_refused(self):
        self.start_connect()
        r = self.client.get("/oauth/google/callback/", {"state": "forged", "code": "good-code"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(PlatformToken.objects.exists())

    def test_a_state_comes_back_only_to_its_own_platform(self):
        url = self.start_connect().replace("/oauth/google/", "/oauth/meta/")
        self.assertEqual(self.callback(url).status_code, 400)

    def test_the_sign_in_lands_on_the_link_that_started_it(self):
        other = Link.objects.create(agency=self.agency_a, client=self.jane)
        service = other.services.create(
            platform="google", service_key="google_ads", access_level="STANDARD"
        )
        service.account_links.create(connected_account=self.google_a)
        first, second = self.start_connect(), self.start_connect(other)
        self.callback(second)
        self.assertEqual(list(PlatformToken.objects.values_list("link", flat=True)), [other.pk])
        self.callback(first)
        self.assertEqual(PlatformToken.objects.filter(link=self.link).count(), 1)

    def test_a_missing_code_is_a_cancelled_sign_in(self):
        url = self.start_connect()
        state = parse_qs(urlsplit(url).query)["state"][0]
        r = self.client.get("/oauth/google/callback/", {"state": state}, follow=True)
        self.assertRedirects(r, self.url())
        self.assertContains(r, "Connecting did not work: The sign-in was cancelled.")
        self.assertFalse(PlatformToken.objects.exists())

    def test_a_declined_consent_goes_back_to_the_link_page(self):
        url = self.start_connect() + "&error=access_denied"
        r = self.client.get(url, follow=True)
        self.assertRedirects(r, self.url())
        self.assertContains(r, "The sign-in was cancelled. You can try again.")
        self.assertFalse(PlatformToken.objects.exists())

    def test_an_invalid_code_says_why(self):
        url = self.start_connect().replace("code=good-code", "code=bad")
        r = self.client.get(url, follow=True)
        self.assertContains(r, "Google did not accept the sign-in code.")
        self.assertFalse(PlatformToken.objects.exists())

    def test_a_link_deleted_during_the_sign_in_is_not_found(self):
        url = self.start_connect()
        self.link.delete()
        self.assertContains(self.callback(url), "This link does not work", status_code=404)
        self.assertFalse(PlatformToken.objects.exists())

    def test_tokens_never_reach_a_url_a_page_or_a_log(self):
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("agencyaccess").debug("capture from here")
            url = self.start_connect()
            responses = [self.callback(url), self.client.get(self.url("platform/google/"))]
            responses.append(self.share(ACTIVE_ID))
        seen = " ".join(logs.output) + url
        for response in responses:
            seen += response.get("Location", "") + response.content.decode()
        for secret in (CLIENT_ACCESS_TOKEN, CLIENT_REFRESH_TOKEN):
            self.assertNotIn(secret, seen)


class RateLimitTests(FlowTestCase):
    def test_too_many_posts_from_one_address_are_refused(self):
        with patch.object(views, "POSTS_PER_MINUTE", 2):
            for _ in range(2):
                self.assertEqual(self.client.post(self.url("language/")).status_code, 302)
            r = self.client.post(self.url("skip/google_ads/"))
        self.assertContains(r, "Please wait a moment", status_code=429)
        self.assertGreater(int(r["Retry-After"]), 0)
        self.assertEqual(self.link.services.get().status, ServiceStatus.PENDING)

    def test_another_address_is_counted_apart(self):
        with patch.object(views, "POSTS_PER_MINUTE", 1):
            self.client.post(self.url("language/"))
            r = self.client.post(self.url("language/"), REMOTE_ADDR="10.0.0.2")
        self.assertEqual(r.status_code, 302)

    def test_reading_the_link_page_is_not_limited(self):
        with patch.object(views, "POSTS_PER_MINUTE", 0):
            self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_too_many_callbacks_are_refused(self):
        url = self.start_connect()
        with patch.object(oauth, "CALLBACKS_PER_MINUTE", 0):
            r = self.client.get(url)
        self.assertContains(r, "Too many attempts", status_code=429)
        self.assertIn("Retry-After", r)
        self.assertFalse(PlatformToken.objects.exists())


class CsrfTests(FlowTestCase):
    def setUp(self):
        super().setUp()
        self.client = Client(enforce_csrf_checks=True)

    def test_a_post_without_the_pages_token_is_refused(self):
        for suffix in ("skip/google_ads/", "connect/google/", "language/", "platform/google/"):
            with self.subTest(suffix=suffix):
                self.assertEqual(self.client.post(self.url(suffix)).status_code, 403)
        self.assertEqual(self.link.services.get().status, ServiceStatus.PENDING)

    def test_the_pages_own_form_is_accepted(self):
        page = self.client.get(self.url())
        token = page.context["csrf_token"]
        r = self.client.post(self.url("skip/google_ads/"), {"csrfmiddlewaretoken": token})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.link.services.get().status, ServiceStatus.SKIPPED)
