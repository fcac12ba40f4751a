"""Guided steps: Jane follows the steps for a service without an API and presses "Done".

Alice's link asks Jane for Google Ads (an API service); each test adds the guided services it
needs, received by accounts of Alice's agency.
"""

from unittest import mock

from django.urls import reverse

from agencyaccess.audit.models import AuditEntry
from agencyaccess.catalog import service_by_key
from agencyaccess.links.models import Grant, RequestedAccountLink, RequestedService, ServiceStatus
from agencyaccess.notify.models import Event, EventType
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.test import BaseTestCase


class GuidedTestCase(BaseTestCase):
    def request_guided(self, service_key, *accounts, level=None, link=None, requested=True):
        link = link or self.link
        service = service_by_key(service_key)
        row = RequestedService.objects.create(
            link=link,
            platform=service.platform.key,
            service_key=service_key,
            access_level=level or service.default,
            requested=requested,
            position=link.services.count(),
        )
        for position, account in enumerate(accounts):
            RequestedAccountLink.objects.create(
                requested_service=row, connected_account=account, position=position
            )
        return row

    def account(self, platform, email="", agency=None, **fields):
        return ConnectedAccount.objects.create(
            agency=agency or self.agency_a, platform=platform, email=email, fields=fields
        )

    def shopify_account(self):
        return self.account(
            "shopify", "partners@alice.example", partner_organization="Alice Partners"
        )

    def url(self, service_key, link=None):
        return reverse("onboarding-steps", args=[(link or self.link).public_id, service_key])

    def link_page(self, link=None):
        return reverse("onboarding-link", args=[(link or self.link).public_id])


class StepsPageTests(GuidedTestCase):
    def test_youtube_steps_name_alices_address_and_the_level_youtube_uses(self):
        self.request_guided("youtube_studio", self.google_a, level="EDITOR_LIMITED")

        r = self.client.get(self.url("youtube_studio"))

        self.assertContains(r, "YouTube Studio: give Alice &amp; Co access")
        self.assertContains(
            r,
            'enter <strong class="copy">ads@alice.example</strong> and choose '
            "<strong>Editor (limited)</strong>",
        )
        self.assertContains(r, 'href="https://studio.youtube.com/"')
        self.assertContains(r, '<ol class="steps">')
        self.assertNotContains(r, "1234567890", msg_prefix="Google Ads manager ids are not shown")

    def test_the_x_handle_is_shown_with_its_at_sign(self):
        self.request_guided("twitter_ads", self.account("twitter", handle="aliceandco"))
        r = self.client.get(self.url("twitter_ads"))
        self.assertContains(r, 'enter <strong class="copy">@aliceandco</strong>')

    def test_two_receiving_accounts_are_both_named(self):
        other = self.account("mailchimp", "team@alice.example")
        self.request_guided(
            "mailchimp", self.account("mailchimp", "ads@alice.example"), other, level="MANAGER"
        )
        r = self.client.get(self.url("mailchimp"))
        self.assertContains(
            r,
            '<strong class="copy">ads@alice.example</strong>, '
            '<strong class="copy">team@alice.example</strong>',
        )
        self.assertContains(r, "Do the steps once for each of them.")
        self.assertContains(r, "choose the user level <strong>Manager</strong>")

    def test_wordpress_links_to_the_add_user_page_of_janes_website(self):
        self.jane.website = "janes-bakery.example/"
        self.jane.save()
        self.request_guided("wordpress", self.account("wordpress", "ads@alice.example"))
        r = self.client.get(self.url("wordpress"))
        self.assertContains(r, 'href="https://janes-bakery.example/wp-admin/user-new.php"')

    def test_wordpress_without_a_website_has_no_link_to_open(self):
        self.request_guided("wordpress", self.account("wordpress", "ads@alice.example"))
        r = self.client.get(self.url("wordpress"))
        self.assertNotContains(r, "wp-admin")
        self.assertNotContains(r, "in a new tab")

    def test_a_website_that_is_not_a_web_address_gives_no_link(self):
        self.jane.website = "javascript:alert(1)"
        self.jane.save()
        self.request_guided("wordpress", self.account("wordpress", "ads@alice.example"))
        r = self.client.get(self.url("wordpress"))
        self.assertNotContains(r, "javascript:")

    def test_shopify_asks_for_the_collaborator_code(self):
        self.request_guided("shopify_collaborator", self.shopify_account())
        r = self.client.get(self.url("shopify_collaborator"))
        self.assertContains(r, 'name="code"')
        self.assertContains(r, 'inputmode="numeric"')
        self.assertContains(r, '<strong class="copy">Alice Partners</strong> will then send you')


class DoneTests(GuidedTestCase):
    def test_done_records_a_grant_for_each_receiving_account_and_grants_the_service(self):
        team = self.account("google", "team@alice.example")
        row = self.request_guided("youtube_studio", self.google_a, team, level="MANAGER")

        r = self.client.post(self.url("youtube_studio"))

        self.assertRedirects(r, self.link_page(), fetch_redirect_response=False)
        grants = Grant.objects.filter(link=self.link, service_key="youtube_studio")
        self.assertEqual(
            sorted(grants.values_list("connected_account__email", "state", "asset_id")),
            [
                ("ads@alice.example", GrantState.PENDING_AGENCY, ""),
                ("team@alice.example", GrantState.PENDING_AGENCY, ""),
            ],
        )
        grant = grants.get(connected_account=self.google_a)
        self.assertEqual(
            grant.message,
            "The client says they invited ads@alice.example as Manager in YouTube Studio: "
            "accept the invitation and check your access.",
        )
        self.assertEqual(grant.asset_name, "ads@alice.example")
        self.assertEqual(grant.access_level, "MANAGER")
        self.assertIsNone(grant.next_check, "guided grants are not re-checked")
        row.refresh_from_db()
        self.assertEqual(row.status, ServiceStatus.GRANTED)
        event = Event.objects.get(type=EventType.SERVICE_GRANTED)
        self.assertEqual(
            (event.data["platform"], event.data["service"], event.data["result"]),
            ("Google", "YouTube Studio", "granted"),
        )

    def test_the_agency_note_is_in_english_whatever_janes_language(self):
        self.jane.language = "es"
        self.jane.save()
        self.request_guided("youtube_studio", self.google_a, level="VIEWER")
        self.client.post(self.url("youtube_studio"))
        self.assertIn("as Viewer in YouTube Studio", Grant.objects.get().message)

    def test_shopify_code_is_kept_for_the_agency(self):
        self.request_guided("shopify_collaborator", self.shopify_account())

        r = self.client.post(self.url("shopify_collaborator"), {"code": " 12 34 "})

        self.assertRedirects(r, self.link_page(), fetch_redirect_response=False)
        grant = Grant.objects.get()
        self.assertEqual(grant.asset_id, "1234")
        self.assertEqual(grant.state, GrantState.PENDING_AGENCY)
        self.assertEqual(
            grant.message,
            "Client shared collaborator code 1234: request access from your Partner Dashboard "
            "(Stores, Add store, Request access).",
        )

    def test_a_code_that_is_not_four_digits_is_refused(self):
        row = self.request_guided("shopify_collaborator", self.shopify_account())
        for code in ("123", "12345", "abcd", "\uff11\uff12\uff13\uff14", "1234" * 100):
            with self.subTest(code=code):
                r = self.client.post(self.url("shopify_collaborator"), {"code": code})
                self.assertContains(
                    r, "The collaborator request code is 4 digits, such as 1234.", status_code=400
                )
        r = self.client.post(self.url("shopify_collaborator"), {})
        self.assertContains(r, "Type the 4-digit collaborator request code.", status_code=400)
        self.assertFalse(Grant.objects.exists())
        row.refresh_from_db()
        self.assertEqual(row.status, ServiceStatus.PENDING)

    def test_done_again_replaces_the_grant_and_tells_the_agency_once(self):
        self.request_guided("shopify_collaborator", self.shopify_account())
        self.client.post(self.url("shopify_collaborator"), {"code": "1234"})
        self.client.post(self.url("shopify_collaborator"), {"code": "5678"})
        self.assertEqual(list(Grant.objects.values_list("asset_id", flat=True)), ["5678"])
        self.assertEqual(Event.objects.filter(type=EventType.SERVICE_GRANTED).count(), 1)

    def test_each_done_is_in_the_audit_log_as_the_clients_grant(self):
        self.request_guided("shopify_collaborator", self.shopify_account())
        self.client.post(self.url("shopify_collaborator"), {"code": "1234"})
        self.client.post(self.url("shopify_collaborator"), {"code": "5678"})
        self.assertEqual(
            list(AuditEntry.objects.values_list("action", "actor_name", "address", "details")),
            [
                (
                    "grant.granted",
                    "Jane Doe",
                    "127.0.0.1",
                    {"state": "pending_agency", "level": "COLLABORATOR"},
                )
            ]
            * 2,
        )

    def test_the_last_service_done_completes_the_link(self):
        RequestedService.objects.filter(link=self.link).update(status=ServiceStatus.GRANTED)
        self.request_guided("klaviyo", self.account("klaviyo", "ads@alice.example"))

        self.client.post(self.url("klaviyo"))

        self.link.refresh_from_db()
        self.assertIsNotNone(self.link.completed)
        self.assertTrue(Event.objects.filter(type=EventType.LINK_COMPLETED).exists())


class BadAddressTests(GuidedTestCase):
    def assertNotFoundPage(self, response):
        self.assertContains(response, "This link does not work", status_code=404)

    def test_an_unknown_service_is_not_found(self):
        self.assertNotFoundPage(self.client.get(self.url("no_such_service")))
        self.assertNotFoundPage(self.client.post(self.url("no_such_service")))

    def test_a_service_the_link_does_not_ask_for_is_not_found(self):
        self.assertNotFoundPage(self.client.get(self.url("klaviyo")))

    def test_a_service_listed_as_not_requested_is_not_found(self):
        self.request_guided("klaviyo", requested=False)
        self.assertNotFoundPage(self.client.post(self.url("klaviyo")))
        self.assertFalse(Grant.objects.exists())

    def test_a_service_with_an_api_goes_to_the_link_page(self):
        r = self.client.get(self.url("google_ads"))
        self.assertRedirects(r, self.link_page(), fetch_redirect_response=False)
        r = self.client.post(self.url("google_ads"))
        self.assertRedirects(r, self.link_page(), fetch_redirect_response=False)
        self.assertFalse(Grant.objects.exists())

    def test_an_unknown_link_is_not_found(self):
        self.request_guided("klaviyo", self.account("klaviyo", "ads@alice.example"))
        r = self.client.get(reverse("onboarding-steps", args=["x" * 20, "klaviyo"]))
        self.assertNotFoundPage(r)

    def test_janes_service_on_charlies_link_is_not_found(self):
        self.request_guided("klaviyo", self.account("klaviyo", "ads@alice.example"))
        r = self.client.post(self.url("klaviyo", link=self.charlies_link))
        self.assertNotFoundPage(r)
        self.assertFalse(Grant.objects.exists())

    def test_an_account_of_another_agency_never_receives_access(self):
        charlies = self.account("klaviyo", "charlie@example.org", agency=self.agency_b)
        self.request_guided("klaviyo", charlies)
        self.assertNotFoundPage(self.client.post(self.url("klaviyo")))
        self.assertFalse(Grant.objects.exists())

    def test_done_is_rate_limited_like_every_client_post(self):
        self.request_guided("klaviyo", self.account("klaviyo", "ads@alice.example"))
        with mock.patch("agencyaccess.onboarding.views.POSTS_PER_MINUTE", 1):
            self.client.post(self.url("klaviyo"))
            self.assertEqual(self.client.post(self.url("klaviyo")).status_code, 429)

    def test_other_methods_are_refused(self):
        self.request_guided("klaviyo", self.account("klaviyo", "ads@alice.example"))
        self.assertEqual(self.client.put(self.url("klaviyo")).status_code, 405)
