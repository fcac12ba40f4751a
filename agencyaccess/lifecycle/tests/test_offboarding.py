"""Offboarding: every grant revoked through its connector, guided steps where there is no API,
a failed revocation retried with a backoff and shown (never reported as done), the dated
confirmation e-mailed and shown as a page, grant.revoked and client.offboarded fired."""

from datetime import timedelta

from django.utils import timezone

from agencyaccess.lifecycle.models import Offboarding, Reason, Revocation, RevocationStatus
from agencyaccess.lifecycle.offboarding import REVOKE_DELAYS, offboard, revoke_due
from agencyaccess.lifecycle.tests.fakes import (
    REVOKED,
    FakeGoogleAds,
    active_grant,
    events_of,
    google_ads,
)
from agencyaccess.links.models import Grant
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.platforms.base import GrantOutcome, GrantState, RateLimited, TokenExpired
from agencyaccess.test import BaseTestCase


class OffboardingTestCase(BaseTestCase):
    def setUp(self):
        self.ads = active_grant(self.link, self.google_a)

    def offboard_jane(self) -> Offboarding:
        return offboard(self.jane, reason=Reason.AGENCY, actor=self.alice)

    def run_worker(self, *answers) -> FakeGoogleAds:
        with google_ads(FakeGoogleAds(revoke=answers)) as connector:
            revoke_due()
        return connector

    def make_due(self):
        Revocation.objects.update(next_attempt=timezone.now() - timedelta(seconds=1))

    def confirmation_emails(self):
        return list(OutgoingEmail.objects.filter(kind="offboarding_confirmation"))


class OffboardingTests(OffboardingTestCase):
    def test_each_grant_is_revoked_then_the_client_gets_a_dated_confirmation(self):
        offboarding = self.offboard_jane()

        connector = self.run_worker(REVOKED)

        self.assertEqual(connector.revoked[0][0].asset_id, "customers/111")
        self.ads.refresh_from_db()
        self.assertEqual(self.ads.state, GrantState.REVOKED)
        revocation = Revocation.objects.get()
        self.assertEqual(revocation.status, RevocationStatus.DONE)
        self.assertIsNotNone(revocation.done)
        [revoked] = events_of("grant.revoked")
        self.assertEqual(revoked.data["reason"], "agency")
        self.assertEqual(revoked.data["offboarding_id"], offboarding.public_id)
        [offboarded] = events_of("client.offboarded")
        self.assertEqual(offboarded.data["grants"][0]["status"], "done")
        [email] = self.confirmation_emails()
        self.assertEqual(email.to, ["Jane Doe <jane@example.com>"])
        self.assertIn(f"/offboarding/{offboarding.public_id}/", email.text)
        self.assertIn("removed on", email.text)
        self.assertIn(f"/l/{self.link.public_id}/access/", email.text)

    def test_the_confirmation_page_shows_what_was_removed_and_when(self):
        offboarding = self.offboard_jane()
        self.run_worker(REVOKED)

        page = self.client.get(f"/offboarding/{offboarding.public_id}/")

        self.assertContains(page, "Bakery Ads")
        self.assertContains(page, "removed on")
        self.assertEqual(self.client.get("/offboarding/Of5Rk2Nw8Lq3Xt7Vb9Hm/").status_code, 404)

    def test_a_failed_revocation_is_retried_with_a_backoff_and_not_reported_done(self):
        self.offboard_jane()

        self.run_worker(RateLimited("Too many requests."))

        revocation = Revocation.objects.get()
        self.assertEqual(revocation.status, RevocationStatus.QUEUED)
        self.assertEqual(revocation.attempts, 1)
        assert revocation.next_attempt is not None
        wait = revocation.next_attempt - timezone.now()
        self.assertAlmostEqual(wait.total_seconds(), REVOKE_DELAYS[0].total_seconds(), delta=5)
        self.assertEqual(self.confirmation_emails(), [])
        self.assertEqual(events_of("client.offboarded"), [])

        self.run_worker()  # not due yet: the fake would fail if asked
        self.make_due()
        self.run_worker(REVOKED)

        self.assertEqual(Revocation.objects.get().status, RevocationStatus.DONE)
        self.assertEqual(len(self.confirmation_emails()), 1)

    def test_a_revocation_that_keeps_failing_is_shown_as_failed_never_as_done(self):
        self.offboard_jane()
        for _ in range(len(REVOKE_DELAYS) + 1):
            self.make_due()
            self.run_worker(RateLimited("Too many requests."))

        revocation = Revocation.objects.get()
        self.assertEqual(revocation.status, RevocationStatus.FAILED)
        self.ads.refresh_from_db()
        self.assertEqual(self.ads.state, GrantState.ACTIVE)
        self.assertEqual(events_of("grant.revoked"), [])
        [offboarded] = events_of("client.offboarded")
        self.assertEqual(offboarded.data["grants"][0]["status"], "failed")
        [email] = self.confirmation_emails()
        self.assertIn("could not be removed yet", email.text)
        self.assertNotIn("removed on", email.text)

    def test_a_teammate_retries_what_failed(self):
        offboarding = self.offboard_jane()
        Revocation.objects.update(status=RevocationStatus.FAILED, next_attempt=None)
        self.client.force_login(self.bob)

        response = self.client.post(f"/offboardings/{offboarding.public_id}/retry/")

        self.assertRedirects(response, f"/clients/{self.jane.public_id}/")
        self.assertEqual(Revocation.objects.get().status, RevocationStatus.QUEUED)

    def test_a_service_without_api_gets_steps_by_hand(self):
        self.ads.delete()
        active_grant(self.link, self.google_a, service_key="looker_studio", asset_id="report-1")
        self.offboard_jane()

        self.run_worker()

        revocation = Revocation.objects.get()
        self.assertEqual(revocation.status, RevocationStatus.MANUAL)
        self.assertIn("remove", revocation.message)
        self.assertEqual(len(self.confirmation_emails()), 1)

    def test_a_revocation_needing_the_clients_sign_in_is_left_by_hand(self):
        self.offboard_jane()

        self.run_worker(
            GrantOutcome(GrantState.MANUAL_REQUIRED, message="Remove it in Google Ads.")
        )

        revocation = Revocation.objects.get()
        self.assertEqual(revocation.status, RevocationStatus.MANUAL)
        self.assertEqual(revocation.message, "Remove it in Google Ads.")

    def test_a_permanent_refusal_is_left_by_hand_with_what_the_platform_said(self):
        self.offboard_jane()

        self.run_worker(TokenExpired("Connect Google again."))

        self.assertEqual(Revocation.objects.get().status, RevocationStatus.MANUAL)

    def test_nothing_held_is_nothing_to_offboard(self):
        Grant.objects.update(state=GrantState.REVOKED)
        self.client.force_login(self.alice)

        self.client.post(f"/clients/{self.jane.public_id}/offboard/")

        self.assertFalse(Offboarding.objects.exists())


class DashboardTests(OffboardingTestCase):
    def test_the_offboard_page_lists_what_will_be_removed_then_removes_it(self):
        self.client.force_login(self.alice)
        url = f"/clients/{self.jane.public_id}/offboard/"

        self.assertContains(self.client.get(url), "Bakery Ads")
        response = self.client.post(url)

        self.assertRedirects(response, f"/clients/{self.jane.public_id}/")
        offboarding = Offboarding.objects.get()
        self.assertEqual(offboarding.requested_by, "alice@example.org")
        self.assertContains(self.client.get(f"/clients/{self.jane.public_id}/"), "Being removed")

    def test_one_service_of_a_link(self):
        active_grant(self.link, self.google_a, service_key="google_analytics", asset_id="p/1")
        self.client.force_login(self.alice)

        self.client.post(f"/links/{self.link.public_id}/services/google_ads/offboard/")

        self.assertEqual(
            list(Revocation.objects.values_list("grant__service_key", flat=True)), ["google_ads"]
        )

    def test_another_agencys_client_link_and_offboarding_are_not_found(self):
        offboarding = self.offboard_jane()
        self.client.force_login(self.charlie)

        for url in (
            f"/clients/{self.jane.public_id}/offboard/",
            f"/links/{self.link.public_id}/services/google_ads/offboard/",
            f"/offboardings/{offboarding.public_id}/retry/",
        ):
            self.assertEqual(self.client.post(url).status_code, 404, url)
        self.assertEqual(Offboarding.objects.count(), 1)
        self.assertEqual(Revocation.objects.get().status, RevocationStatus.QUEUED)

    def test_the_client_page_costs_the_same_queries_with_more_offboardings(self):
        self.client.force_login(self.alice)
        url = f"/clients/{self.jane.public_id}/"

        def another_offboarding():
            grant = active_grant(
                self.link, self.google_a, asset_id=f"customers/{Grant.objects.count() + 500}"
            )
            offboard(self.jane, reason=Reason.AGENCY, actor=self.alice, grants=[grant])

        another_offboarding()  # one offboarding, then more
        self.assertQueriesDoNotGrow(url, another_offboarding)
