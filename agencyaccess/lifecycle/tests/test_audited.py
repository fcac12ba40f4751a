"""The lifecycle's actions in the audit log (docs/audit.md): drift found by the worker, an
offboarding asked for by a teammate, the client or an end date, retries, and each revocation's
outcome; each with its actor, target and address, and none for a refused request."""

from datetime import timedelta

from django.test import Client as HttpClient
from django.utils import timezone

from agencyaccess.audit.models import AuditEntry
from agencyaccess.lifecycle import reverify
from agencyaccess.lifecycle.expiry import end_expired_access
from agencyaccess.lifecycle.models import Offboarding, Reason, Revocation, RevocationStatus
from agencyaccess.lifecycle.offboarding import REVOKE_DELAYS, offboard, revoke_due
from agencyaccess.lifecycle.tests.fakes import REVOKED, FakeGoogleAds, active_grant, google_ads
from agencyaccess.platforms.base import (
    GrantOutcome,
    GrantState,
    RateLimited,
)
from agencyaccess.test import BaseTestCase

HERE = "127.0.0.1"  # the test client's REMOTE_ADDR
WORKER = ("worker", "worker", None)


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def who(entry: AuditEntry) -> tuple[str, str, str | None]:
    return entry.actor_kind, entry.actor_name, entry.address


class WorkerTests(BaseTestCase):
    def setUp(self):
        self.grant = active_grant(self.link, self.google_a)

    def test_drift_is_logged_by_the_worker_against_the_grant(self):
        lowered = GrantOutcome(GrantState.ACTIVE, native_role="READ_ONLY")
        with google_ads(FakeGoogleAds(verify=[lowered])):
            reverify.check_due(timezone.now())

        [entry] = entries("grant.drifted")
        self.assertEqual(who(entry), WORKER)
        self.assertEqual((entry.target_type, entry.target_id), ("grant", str(self.grant.pk)))
        self.assertEqual(entry.details["drift"], "role_changed")
        self.assertEqual(entry.details["observed_role"], "READ_ONLY")
        self.assertEqual(entry.agency_id, self.agency_a.pk)

    def test_a_check_finding_nothing_changed_writes_nothing(self):
        unchanged = GrantOutcome(GrantState.ACTIVE, native_role="STANDARD")
        with google_ads(FakeGoogleAds(verify=[unchanged])):
            reverify.check_due(timezone.now())

        self.assertFalse(AuditEntry.objects.exists())

    def test_an_end_date_reached_is_an_offboarding_asked_for_by_the_worker(self):
        self.link.access_until = timezone.now() - timedelta(minutes=1)
        self.link.save(update_fields=["access_until"])

        end_expired_access()

        [entry] = entries("offboarding.requested")
        self.assertEqual(who(entry), WORKER)
        self.assertEqual(entry.target_type, "offboarding")
        self.assertEqual(entry.target_id, Offboarding.objects.get().public_id)
        self.assertEqual(entry.details["reason"], "expired")
        self.assertEqual(entry.details["grants"], [self.grant.pk])

    def test_each_revocation_outcome_is_logged_by_the_worker(self):
        offboard(self.jane, reason=Reason.AGENCY, actor=self.alice)
        by_hand = GrantOutcome(GrantState.MANUAL_REQUIRED, message="Remove it in Google Ads.")
        with google_ads(FakeGoogleAds(revoke=[by_hand])):
            revoke_due()
        [manual] = entries("revocation.manual")
        self.assertEqual(who(manual), WORKER)
        self.assertEqual(manual.details["message"], "Remove it in Google Ads.")

        Revocation.objects.update(status=RevocationStatus.QUEUED, next_attempt=timezone.now())
        with google_ads(FakeGoogleAds(revoke=[REVOKED])):
            revoke_due()
        [revoked] = entries("grant.revoked")
        self.assertEqual(who(revoked), WORKER)
        self.assertEqual(revoked.target_id, str(self.grant.pk))
        self.assertEqual(revoked.details["reason"], "agency")

    def test_a_revocation_failing_for_good_is_logged_once_not_at_each_try(self):
        offboard(self.jane, reason=Reason.AGENCY, actor=self.alice)
        for _ in range(len(REVOKE_DELAYS) + 1):
            Revocation.objects.update(next_attempt=timezone.now() - timedelta(seconds=1))
            with google_ads(FakeGoogleAds(revoke=[RateLimited("Too many requests.")])):
                revoke_due()

        [failed] = entries("revocation.failed")
        self.assertEqual(who(failed), WORKER)
        self.assertEqual(failed.target_id, str(self.grant.pk))
        self.assertEqual(entries("grant.revoked"), [])


class TeammateTests(BaseTestCase):
    def setUp(self):
        self.grant = active_grant(self.link, self.google_a)
        self.client.force_login(self.alice)

    def test_offboarding_a_client_is_logged_with_the_teammate_and_address(self):
        self.client.post(f"/clients/{self.jane.public_id}/offboard/")

        [entry] = entries("offboarding.requested")
        self.assertEqual(who(entry), ("teammate", "alice@example.org", HERE))
        self.assertEqual(entry.target_name, self.jane.name)
        self.assertEqual(entry.details["reason"], "agency")
        self.assertIsNone(entry.details["link"])

    def test_removing_one_service_names_the_link_and_service(self):
        self.client.post(f"/links/{self.link.public_id}/services/google_ads/offboard/")

        [entry] = entries("offboarding.requested")
        self.assertEqual(entry.details["link"], self.link.public_id)
        self.assertEqual(entry.details["service"], "google_ads")

    def test_a_retry_is_logged_and_a_retry_with_nothing_to_retry_is_not(self):
        offboarding = offboard(self.jane, reason=Reason.AGENCY, actor=self.alice)
        url = f"/offboardings/{offboarding.public_id}/retry/"
        self.client.post(url)  # nothing failed yet
        self.assertEqual(entries("offboarding.retried"), [])

        Revocation.objects.update(status=RevocationStatus.FAILED, next_attempt=None)
        self.client.post(url)

        [entry] = entries("offboarding.retried")
        self.assertEqual(who(entry), ("teammate", "alice@example.org", HERE))
        self.assertEqual(entry.target_id, offboarding.public_id)
        self.assertEqual(entry.details["revocations"], 1)

    def test_refused_requests_write_nothing(self):
        offboarding = offboard(self.jane, reason=Reason.AGENCY, actor=self.alice)
        before = AuditEntry.objects.count()
        Revocation.objects.update(status=RevocationStatus.FAILED, next_attempt=None)
        self.client.force_login(self.charlie)
        for url in (
            f"/clients/{self.jane.public_id}/offboard/",
            f"/links/{self.link.public_id}/services/google_ads/offboard/",
            f"/offboardings/{offboarding.public_id}/retry/",
        ):
            self.assertEqual(self.client.post(url).status_code, 404)
        self.client.force_login(self.alice)
        HttpClient(enforce_csrf_checks=True).post(f"/clients/{self.jane.public_id}/offboard/")
        self.client.post(f"/links/{self.link.public_id}/services/meta_ads/offboard/")  # none

        self.assertEqual(AuditEntry.objects.count(), before)
