"""Re-verifying active grants: spread over the agency's period, rate-limited per platform, and
drift (removed, role changed) shown on the grant, fired as grant.drifted and e-mailed to the
teammates."""

from datetime import UTC, datetime, timedelta
from unittest import mock

from django.utils import timezone

from agencyaccess.lifecycle import reverify
from agencyaccess.lifecycle.reverify import next_slot, reverify_active_grants
from agencyaccess.lifecycle.tests.fakes import (
    ACTIVE,
    MINUTE,
    REVOKED,
    FakeGoogleAds,
    active_grant,
    events_of,
    google_ads,
)
from agencyaccess.links.models import Drift, Grant
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.notify.teammates import notify_teammates
from agencyaccess.platforms.base import GrantOutcome, GrantState, RateLimited
from agencyaccess.test import BaseTestCase

DAY = timedelta(days=1)


class ScheduleTests(BaseTestCase):
    def test_each_grant_has_its_own_phase_spread_over_the_period(self):
        now = datetime(2026, 1, 1, tzinfo=UTC)
        slots = [next_slot(grant_id, DAY, now) for grant_id in range(1, 2001)]

        for slot in slots:
            self.assertGreaterEqual(slot - now, DAY / 2)
            self.assertLessEqual(slot - now, DAY * 3 / 2)
        hours = {slot.hour for slot in slots}
        self.assertEqual(len(hours), 24)  # every hour of the day gets some

    def test_checks_stay_a_period_apart(self):
        first = next_slot(42, DAY, datetime(2026, 1, 1, tzinfo=UTC))

        self.assertEqual(next_slot(42, DAY, first), first + DAY)

    def test_a_new_active_grant_is_scheduled_within_the_agencys_period(self):
        self.agency_a.reverify_hours = 6
        self.agency_a.save()
        grant = active_grant(self.link, self.google_a, next_check=None)

        reverify.schedule_unscheduled(timezone.now())

        grant.refresh_from_db()
        assert grant.next_check is not None
        self.assertLessEqual(grant.next_check - timezone.now(), timedelta(hours=9))


class ListingGoogleAds(FakeGoogleAds):
    """Answers a batch of checks from the agency's side in one question, as Meta does."""

    lists_agency_shares = True

    def __init__(self, **answers):
        super().__init__(**answers)
        self.asked: list[list[str]] = []

    def verify_from_agency(self, refs):
        self.asked.append([ref.asset_id for ref in refs])
        return super().verify_from_agency(refs)


class ReverifyTests(BaseTestCase):
    def setUp(self):
        self.grant = active_grant(self.link, self.google_a)

    def run_with(self, *answers) -> int:
        with google_ads(FakeGoogleAds(verify=answers)):
            checked = reverify.check_due(timezone.now())
        self.grant.refresh_from_db()
        return checked

    def test_access_still_there_is_recorded_and_checked_again_a_day_later(self):
        self.assertEqual(self.run_with(ACTIVE), 1)

        self.assertEqual(self.grant.state, GrantState.ACTIVE)
        self.assertEqual(self.grant.drift, "")
        assert self.grant.last_verified and self.grant.next_check
        self.assertGreaterEqual(self.grant.next_check - timezone.now(), DAY / 2 - MINUTE)
        self.assertEqual(events_of("grant.drifted"), [])

    def test_access_removed_outside_is_drift_shown_fired_and_emailed(self):
        self.run_with(REVOKED)

        self.assertEqual(self.grant.state, GrantState.REVOKED)
        self.assertEqual(self.grant.drift, Drift.REMOVED)
        self.assertIsNotNone(self.grant.drifted)
        self.assertIsNone(self.grant.next_check)
        [event] = events_of("grant.drifted")
        self.assertEqual(event.data["drift"], "removed")
        self.assertEqual(event.data["client"]["id"], self.jane.public_id)
        self.assertEqual(event.data["grant"]["native_id"], "customers/111")

        notify_teammates()
        emails = OutgoingEmail.objects.filter(kind="teammate_notification")
        self.assertEqual(
            sorted(email.to[0] for email in emails), ["alice@example.org", "bob@example.org"]
        )
        self.assertIn("removed outside AgencyAccess", emails[0].subject)

    def test_the_link_page_shows_the_drift(self):
        self.run_with(REVOKED)
        self.client.force_login(self.alice)

        page = self.client.get(f"/links/{self.link.public_id}/")

        self.assertContains(page, "Removed outside AgencyAccess")

    def test_a_lowered_role_is_drift_once_and_ends_when_restored(self):
        lowered = GrantOutcome(GrantState.ACTIVE, native_role="READ_ONLY")
        self.run_with(lowered)

        self.assertEqual(self.grant.state, GrantState.ACTIVE)
        self.assertEqual(self.grant.drift, Drift.ROLE_CHANGED)
        self.assertEqual(self.grant.observed_role, "READ_ONLY")
        self.assertEqual(self.grant.native_role, "STANDARD")  # what was granted

        self.make_due()
        self.run_with(lowered)
        self.assertEqual(len(events_of("grant.drifted")), 1)  # the same change, not news

        self.make_due()
        self.run_with(ACTIVE)
        self.assertEqual(self.grant.drift, "")
        self.assertEqual(len(events_of("grant.drifted")), 1)

    def test_roles_listed_in_another_order_are_the_same_role(self):
        self.grant.native_role = "MANAGE,ADVERTISE"
        self.grant.save()

        self.run_with(GrantOutcome(GrantState.ACTIVE, native_role="ADVERTISE,MANAGE"))

        self.assertEqual(self.grant.drift, "")

    def test_a_platform_that_cannot_be_asked_changes_nothing_and_is_asked_within_the_hour(self):
        self.run_with(RateLimited("Slow down."))

        self.assertEqual(self.grant.state, GrantState.ACTIVE)
        self.assertIsNone(self.grant.last_verified)
        assert self.grant.next_check is not None
        self.assertLessEqual(self.grant.next_check - timezone.now(), timedelta(hours=1))

    def test_checks_stop_at_the_platforms_limit_for_the_minute(self):
        active_grant(self.link, self.google_a, asset_id="customers/222")

        with mock.patch.dict(reverify.CHECKS_PER_MINUTE, {"google": 1}):
            checked = self.run_with(ACTIVE)

        self.assertEqual(checked, 1)
        self.assertEqual(Grant.objects.filter(next_check__lte=timezone.now()).count(), 1)

    def test_checks_from_the_agencys_side_are_one_question_where_one_listing_answers(self):
        """Without the client's sign-in, a connector that lists what was shared with the agency
        (Meta) is asked once for the batch's grants; with it, each grant is asked alone."""
        second = active_grant(self.link, self.google_a, asset_id="customers/222")
        batched = ListingGoogleAds(verify=[ACTIVE, REVOKED])
        with google_ads(batched):
            self.assertEqual(reverify.check_due(timezone.now()), 2)

        self.assertEqual(batched.asked, [["customers/111", "customers/222"]])
        self.grant.refresh_from_db()
        second.refresh_from_db()
        self.assertEqual((self.grant.state, second.state), (GrantState.ACTIVE, GrantState.REVOKED))
        self.assertEqual(second.drift, Drift.REMOVED)

    def test_the_worker_job_schedules_then_checks(self):
        active_grant(self.link, self.google_a, asset_id="customers/333", next_check=None)

        with google_ads(FakeGoogleAds(verify=[ACTIVE])):
            self.assertEqual(reverify_active_grants(), 2)  # one scheduled, one checked

    def make_due(self):
        Grant.objects.filter(pk=self.grant.pk).update(next_check=timezone.now() - MINUTE)
