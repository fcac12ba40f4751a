""" "Check now" on a pending grant: Alice asks the platform at once instead of waiting for the
worker's next check; the answer shows on the link's page. Charlie cannot, nobody can without
the CSRF token, and each grant is checked at most once a minute."""

from datetime import timedelta
from unittest import mock

from django.test import Client as Browser
from django.utils import timezone, translation
from django.utils.translation import gettext

from agencyaccess.links.models import Grant
from agencyaccess.links.tests.test_jobs import PENDING, FakeGoogleAds
from agencyaccess.links.views import CHECKS_PER_AGENCY_A_MINUTE
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import GrantOutcome, GrantState
from agencyaccess.test import BaseTestCase, rate_limit_clock

ACTIVE = GrantOutcome(GrantState.ACTIVE, message="The agency has this access.")


class CheckNowTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)
        self.enterContext(rate_limit_clock())
        self.grant = self.pending_grant("customers/111")

    def pending_grant(self, asset_id: str, **fields) -> Grant:
        return Grant.objects.create(
            link=self.link,
            service_key=fields.pop("service_key", "google_ads"),
            connected_account=self.google_a,
            asset_id=asset_id,
            asset_name="Bakery Ads",
            access_level="STANDARD",
            native_ref=f"{asset_id}/customerUserAccessInvitations/9",
            message_id="Accept the invitation.",
            # The worker's next check is hours away.
            next_check=timezone.now() + timedelta(hours=6),
            **{"state": GrantState.PENDING_AGENCY, **fields},
        )

    def url(self, grant: Grant | None = None) -> str:
        grant = grant or self.grant
        return f"/links/{self.link.public_id}/grants/{grant.pk}/check/"

    def check(self, *answers, grant: Grant | None = None, browser=None):
        connector = FakeGoogleAds(*answers)
        with mock.patch.dict(registry._CONNECTORS, {"google_ads": connector}):
            response = (browser or self.client).post(self.url(grant), follow=True)
        return connector, response

    def test_the_link_page_offers_check_now_on_pending_grants_only(self):
        self.pending_grant("customers/222", state=GrantState.ACTIVE)
        page = self.client.get(f"/links/{self.link.public_id}/")
        self.assertContains(page, f'action="{self.url()}"', count=1)
        self.assertContains(page, "Check now")

    def test_alice_checks_and_sees_the_grant_active_at_once(self):
        connector, page = self.check(ACTIVE)
        self.assertEqual(len(connector.asked), 1)
        self.grant.refresh_from_db()
        self.assertEqual(self.grant.state, GrantState.ACTIVE)
        self.assertIsNotNone(self.grant.last_verified)
        self.assertContains(page, "Checked with the platform just now: Active.")
        self.assertNotContains(page, f'action="{self.url()}"')

    def test_still_pending_keeps_a_next_check(self):
        _, page = self.check(PENDING)
        self.grant.refresh_from_db()
        self.assertEqual(self.grant.state, GrantState.PENDING_AGENCY)
        self.assertIsNotNone(self.grant.next_check)
        self.assertContains(page, "Checked with the platform just now: Waiting for you to accept.")

    def test_the_result_is_in_english_for_a_spanish_client(self):
        self.jane.language = "es"
        self.jane.save()
        with translation.override("es"):
            spanish = GrantOutcome(
                GrantState.REVOKED, message=gettext("The agency no longer has this access.")
            )
            self.assertNotEqual(spanish.message, "The agency no longer has this access.")
        _, page = self.check(spanish)
        self.assertContains(page, "The agency no longer has this access.")

    def test_once_a_minute_per_grant(self):
        self.check(PENDING)
        connector, page = self.check(ACTIVE)
        self.assertEqual(connector.asked, [])
        self.assertContains(page, "It was checked a moment ago: try again in 30 seconds.")

    def test_a_few_times_a_minute_per_agency(self):
        grants = [
            self.pending_grant(f"customers/{n}") for n in range(CHECKS_PER_AGENCY_A_MINUTE + 1)
        ]
        for grant in grants[:-1]:
            self.check(PENDING, grant=grant)
        connector, page = self.check(ACTIVE, grant=grants[-1])
        self.assertEqual(connector.asked, [])
        self.assertContains(page, "Your agency has checked many grants this minute: try again in")

    def test_a_guided_or_settled_grant_has_nothing_to_check(self):
        Grant.objects.filter(pk=self.grant.pk).update(state=GrantState.ACTIVE)
        connector, page = self.check(ACTIVE)
        self.assertEqual(connector.asked, [])
        self.assertContains(page, "There is nothing to check: this grant is no longer pending.")

    def test_only_a_post(self):
        self.assertEqual(self.client.get(self.url()).status_code, 405)

    def test_a_post_without_the_csrf_token_is_refused(self):
        browser = Browser(enforce_csrf_checks=True)
        browser.force_login(self.alice)
        connector = FakeGoogleAds(ACTIVE)
        with mock.patch.dict(registry._CONNECTORS, {"google_ads": connector}):
            self.assertEqual(browser.post(self.url()).status_code, 403)
        self.assertEqual(connector.asked, [])

    def test_charlie_cannot_check_alices_grant(self):
        self.client.force_login(self.charlie)
        connector, page = self.check(ACTIVE)
        self.assertEqual(page.status_code, 404)
        self.assertEqual(connector.asked, [])

    def test_a_grant_of_another_link_is_not_found_under_this_one(self):
        other = Grant.objects.create(
            link=self.charlies_link,
            service_key="google_ads",
            connected_account=self.google_b,
            asset_id="customers/999",
            state=GrantState.PENDING_AGENCY,
        )
        self.client.force_login(self.alice)
        connector = FakeGoogleAds(ACTIVE)
        with mock.patch.dict(registry._CONNECTORS, {"google_ads": connector}):
            r = self.client.post(f"/links/{self.link.public_id}/grants/{other.pk}/check/")
        self.assertEqual(r.status_code, 404)
        self.assertEqual(connector.asked, [])
