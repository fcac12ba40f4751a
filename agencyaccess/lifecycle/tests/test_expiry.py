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
    def create(self, access_until, *, service_until=None):
        google_ads = {"requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}]}
        if service_until is not None:
            google_ads["accessUntil"] = service_until
        body = {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "Google": {"Google Ads": google_ads},
                "Meta": {
                    "Meta Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.meta_a.public_id}]
                    }
                },
            },
            "accessUntil": access_until,
        }
        return self.api_post("/api/links/create", body, self.alice_key)

    def retrieve(self, link_id: str) -> dict:
        return self.assertOk(self.api_get("/api/links/retrieve", self.alice_key, id=link_id))

    def test_a_service_may_end_before_the_link_and_retrieve_shows_both(self):
        link_ends = epoch_ms(timezone.now() + 60 * DAY)
        ads_end = epoch_ms(timezone.now() + 30 * DAY)

        link_id = self.assertOk(self.create(link_ends, service_until=ads_end))

        services = RequestedService.objects.filter(link__public_id=link_id)
        ads, meta = services.get(service_key="google_ads"), services.get(service_key="meta_ads")
        assert ads.access_until is not None
        self.assertEqual(epoch_ms(ads.access_until), ads_end)
        self.assertIsNone(meta.access_until)
        retrieved = self.retrieve(link_id)
        self.assertEqual(retrieved["accessUntil"], link_ends)
        self.assertEqual(
            retrieved["requestedAccounts"]["Google"]["Google Ads"]["accessUntil"], ads_end
        )
        self.assertNotIn("accessUntil", retrieved["requestedAccounts"]["Meta"]["Meta Ads"])

    def test_retrieve_leaves_it_out_where_access_does_not_end(self):
        retrieved = self.retrieve(self.assertOk(self.create(None)))

        self.assertNotIn("accessUntil", retrieved)
        self.assertNotIn("accessUntil", retrieved["requestedAccounts"]["Google"]["Google Ads"])
        self.assertIn("retainTokens", retrieved)  # the guide's fields stay

    def test_bad_service_end_dates_are_refused_with_the_json_envelope(self):
        now = epoch_ms(timezone.now())
        ten_years = now + 10 * 366 * 86_400_000
        for bad in (now - 1000, 1.5e12, "1767225600000", True, ten_years):
            with self.subTest(bad=bad):
                body = self.assertError(self.create(None, service_until=bad), 400)
                self.assertIn("accessUntil", body["msg"])
                self.assertIn("Google Ads", body["msg"])
        self.assertEqual(Link.objects.count(), 2)  # only the cast's

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
        self.assertContains(page, 'name="ends-google_ads"')

    def test_each_service_may_be_given_its_own_end_date(self):
        self.client.force_login(self.alice)
        ends = (timezone.now() + 30 * DAY).replace(second=0, microsecond=0)
        form = {
            "service-google_ads": "1",
            "level-google_ads": "STANDARD",
            "account-google_ads": self.google_a.public_id,
            "ends-google_ads": ends.strftime("%Y-%m-%dT%H:%M"),
            "cc-TOTAL_FORMS": "0",
            "cc-INITIAL_FORMS": "0",
        }

        response = self.client.post(f"/links/new/?client={self.jane.public_id}", form)

        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        service = RequestedService.objects.exclude(link=self.link).get()
        self.assertEqual(service.access_until, ends)
        self.assertIsNone(service.link.access_until)
        edit = self.client.get(f"/links/{service.link.public_id}/edit/")
        self.assertContains(edit, f'value="{ends.strftime("%Y-%m-%dT%H:%M")}"')

    def test_a_past_service_end_date_is_refused_by_name(self):
        self.client.force_login(self.alice)
        form = {
            "service-google_ads": "1",
            "account-google_ads": self.google_a.public_id,
            "ends-google_ads": "2001-01-01",
            "cc-TOTAL_FORMS": "0",
            "cc-INITIAL_FORMS": "0",
        }

        response = self.client.post(f"/links/new/?client={self.jane.public_id}", form)

        self.assertContains(
            response, "Google Ads.accessUntil must be in the future", status_code=400
        )
        self.assertEqual(Link.objects.count(), 2)


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

    def test_a_services_own_date_ends_just_that_service_and_is_announced(self):
        meta = RequestedService.objects.create(
            link=self.link, platform="meta", service_key="meta_ads", access_level="STANDARD"
        )
        meta_grant = active_grant(
            self.link, self.meta_a, service_key="meta_ads", asset_id="act_1", asset_name="Meta"
        )
        RequestedService.objects.filter(service_key="google_ads").update(
            access_until=timezone.now() + 2 * DAY
        )

        self.assertEqual(warn_of_ending_access(), 1)
        client_email = OutgoingEmail.objects.get(kind="access_ending")
        self.assertIn("Google Ads", client_email.text)
        self.assertNotIn("Meta Ads", client_email.text)

        later = timezone.now() + 2 * DAY + timedelta(minutes=1)
        self.assertEqual(end_expired_access(later), 1)
        offboarding = Offboarding.objects.get()
        self.assertEqual(offboarding.service_key, "google_ads")
        self.assertEqual([r.grant for r in Revocation.objects.all()], [self.grant])
        meta.refresh_from_db()
        self.assertIsNone(meta.access_ended)
        self.assertNotIn(meta_grant.pk, Revocation.objects.values_list("grant_id", flat=True))

    def test_a_services_own_date_comes_before_the_links(self):
        self.link.access_until = timezone.now() - DAY
        self.link.save()
        RequestedService.objects.update(access_until=timezone.now() + 30 * DAY)

        self.assertEqual(end_expired_access(), 0)
