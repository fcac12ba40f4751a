"""Time-limited access: accessUntil on links/create (validated, JSON errors), the builder's end
date, the warning to both sides 3 days before, and the revocation at the end, caught up by a
worker that was down when it passed."""

import json
from datetime import timedelta

from django.utils import timezone

from agencyaccess.lib.timestamps import epoch_ms
from agencyaccess.lifecycle.expiry import end_expired_access, warn_of_ending_access
from agencyaccess.lifecycle.models import Offboarding, Reason, Revocation
from agencyaccess.lifecycle.tests.fakes import active_grant
from agencyaccess.links.models import Link, RequestedService
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.test import BaseTestCase

DAY = timedelta(days=1)


class ApiTests(BaseTestCase):
    def create(self, access_until):
        body = {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}]
                    }
                }
            },
            "accessUntil": access_until,
        }
        return self.api_post("/api/links/create", body, self.alice_key)

    def test_a_future_end_date_is_kept_on_the_link(self):
        ends = epoch_ms(timezone.now() + 30 * DAY)

        link_id = self.assertOk(self.create(ends))

        access_until = Link.objects.get(public_id=link_id).access_until
        assert access_until is not None
        self.assertEqual(epoch_ms(access_until), ends)

    def test_bad_end_dates_are_refused_with_the_json_envelope(self):
        now = epoch_ms(timezone.now())
        ten_years = now + 10 * 366 * 86_400_000
        for bad in (now - 1000, 1.5e12, "1767225600000", True, 10**30, ten_years):
            with self.subTest(bad=bad):
                body = self.assertError(self.create(bad), 400)
                self.assertIn("accessUntil", body["msg"])
        self.assertEqual(Link.objects.count(), 2)  # only the cast's

    def test_nan_is_refused(self):
        raw = json.dumps(
            {"clientID": self.jane.public_id, "requestedAccounts": {}, "accessUntil": 0}
        ).replace('"accessUntil": 0', '"accessUntil": NaN')

        self.assertError(self.api_post("/api/links/create", raw, self.alice_key), 400)

    def test_without_it_access_does_not_end(self):
        link_id = self.assertOk(self.create(None))

        self.assertIsNone(Link.objects.get(public_id=link_id).access_until)


class BuilderTests(BaseTestCase):
    def test_the_builder_shows_the_end_date_field(self):
        self.client.force_login(self.alice)

        page = self.client.get(f"/links/new/?client={self.jane.public_id}")

        self.assertContains(page, "Access ends on")


class ExpiryTests(BaseTestCase):
    def setUp(self):
        self.grant = active_grant(self.link, self.google_a)

    def test_access_ending_in_three_days_is_announced_to_both_sides_once(self):
        self.link.access_until = timezone.now() + 2 * DAY
        self.link.save()

        self.assertEqual(warn_of_ending_access(), 1)
        self.assertEqual(warn_of_ending_access(), 0)

        client_email = OutgoingEmail.objects.get(kind="access_ending")
        self.assertEqual(client_email.to, ["Jane Doe <jane@example.com>"])
        self.assertIn("Google Ads", client_email.text)
        self.assertIn(f"/l/{self.link.public_id}/access/", client_email.text)
        team_email = OutgoingEmail.objects.get(kind="access_ending_team")
        self.assertEqual(sorted(team_email.to), ["alice@example.org", "bob@example.org"])

    def test_access_ending_later_or_with_nothing_held_is_not_announced(self):
        self.link.access_until = timezone.now() + 10 * DAY
        self.link.save()
        self.assertEqual(warn_of_ending_access(), 0)

        self.link.access_until = timezone.now() + DAY
        self.link.save()
        self.grant.delete()
        self.assertEqual(warn_of_ending_access(), 0)

    def test_at_the_end_the_worker_offboards_the_service(self):
        RequestedService.objects.update(access_until=timezone.now() - timedelta(seconds=1))

        self.assertEqual(end_expired_access(), 1)

        offboarding = Offboarding.objects.get()
        self.assertEqual(offboarding.reason, Reason.EXPIRED)
        self.assertEqual(offboarding.service_key, "google_ads")
        self.assertEqual(Revocation.objects.get().grant, self.grant)

    def test_a_worker_down_when_it_passed_catches_up_once(self):
        self.link.access_until = timezone.now() - 10 * DAY
        self.link.save()

        self.assertEqual(end_expired_access(), 1)
        self.assertEqual(end_expired_access(), 0)
        self.assertEqual(Offboarding.objects.count(), 1)
        # Too late to warn of what has ended.
        self.assertEqual(warn_of_ending_access(), 0)

    def test_a_services_own_date_comes_before_the_links(self):
        self.link.access_until = timezone.now() - DAY
        self.link.save()
        RequestedService.objects.update(access_until=timezone.now() + 30 * DAY)

        self.assertEqual(end_expired_access(), 0)
