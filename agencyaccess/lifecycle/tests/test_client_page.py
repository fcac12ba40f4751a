"""The client's own page: reached with the link's id only, it lists what the agency holds in the
client's accounts and removes any of it (CSRF-protected); the agency is told; a removal that
needs the client's sign-in asks for it, and is tried again once they have signed in."""

from django.contrib.messages.storage import default_storage
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client as HttpClient
from django.test import RequestFactory

from agencyaccess.audit.models import AuditEntry
from agencyaccess.lifecycle.models import Offboarding, Reason, Revocation, RevocationStatus
from agencyaccess.lifecycle.offboarding import revoke_due
from agencyaccess.lifecycle.tests.fakes import REVOKED, FakeGoogleAds, active_grant, google_ads
from agencyaccess.lifecycle.views import signed_in_to_revoke
from agencyaccess.links.models import Grant, Link
from agencyaccess.notify import emails
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.notify.teammates import notify_teammates
from agencyaccess.platforms.base import GrantOutcome, GrantState, TokenSet
from agencyaccess.test import BaseTestCase

HERE = "127.0.0.1"  # the test client's REMOTE_ADDR


class ClientPageTests(BaseTestCase):
    def setUp(self):
        self.grant = active_grant(self.link, self.google_a)
        self.page = f"/l/{self.link.public_id}/access/"

    def test_the_client_sees_what_the_agency_holds_across_their_links(self):
        other_link = Link.objects.create(agency=self.agency_a, client=self.jane)
        active_grant(other_link, self.google_a, asset_id="customers/222", asset_name="Cafe Ads")
        active_grant(self.charlies_link, self.google_b, asset_name="Carl's Ads")

        page = self.client.get(self.page)

        self.assertContains(page, "Bakery Ads")
        self.assertContains(page, "Cafe Ads")
        self.assertNotContains(page, "Carl's Ads")

    def test_the_page_costs_the_same_queries_with_more_grants_and_removals(self):
        def more():
            for _ in range(3):
                asset_id = f"customers/9{Grant.objects.count()}"
                grant = active_grant(self.link, self.google_a, asset_id=asset_id)
                self.client.post(f"{self.page}{grant.pk}/remove/")

        more()
        # The link, its client, its agency, the client's grants, their removals.
        with self.assertNumQueries(5):
            self.client.get(self.page)
        more()
        with self.assertNumQueries(5):
            self.client.get(self.page)

    def test_anyone_without_the_link_is_refused(self):
        for link_id in ("aaaaaaaaaaaaaaaaaaaa", "not-an-id"):
            self.assertEqual(self.client.get(f"/l/{link_id}/access/").status_code, 404)
        response = self.client.post(f"/l/aaaaaaaaaaaaaaaaaaaa/access/{self.grant.pk}/remove/")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Offboarding.objects.exists())

    def test_removing_needs_the_csrf_token(self):
        browser = HttpClient(enforce_csrf_checks=True)

        response = browser.post(f"{self.page}{self.grant.pk}/remove/")

        self.assertEqual(response.status_code, 403)
        self.assertFalse(Offboarding.objects.exists())

    def test_the_client_removes_a_grant_and_the_agency_is_told(self):
        response = self.client.post(f"{self.page}{self.grant.pk}/remove/")

        self.assertRedirects(response, self.page)
        offboarding = Offboarding.objects.get()
        self.assertEqual(offboarding.reason, Reason.CLIENT)
        self.assertEqual(offboarding.requested_by, "client")
        with google_ads(FakeGoogleAds(revoke=[REVOKED])):
            revoke_due()
        self.assertContains(self.client.get(self.page), "Removed on")

        notify_teammates()
        told = OutgoingEmail.objects.filter(kind="teammate_notification")
        self.assertEqual(
            sorted(email.to[0] for email in told), ["alice@example.org", "bob@example.org"]
        )
        self.assertIn("Jane Doe removed the agency's access", told[0].subject)

    def test_a_grant_of_another_client_is_not_found(self):
        carls = active_grant(self.charlies_link, self.google_b)

        response = self.client.post(f"{self.page}{carls.pk}/remove/")

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Offboarding.objects.exists())

    def test_a_removal_needing_the_clients_sign_in_asks_for_it_then_goes_on(self):
        self.client.post(f"{self.page}{self.grant.pk}/remove/")
        by_hand = GrantOutcome(GrantState.MANUAL_REQUIRED, message="Sign in to remove it.")
        with google_ads(FakeGoogleAds(revoke=[by_hand])):
            revoke_due()

        page = self.client.get(self.page)
        self.assertContains(page, "Sign in with Google to remove it")
        sign_in = self.client.post(f"{self.page}sign-in/google/")
        self.assertEqual(sign_in.status_code, 302)
        self.assertIn("state=", sign_in["Location"])

        self.finish_sign_in(TokenSet("client-token", scopes=frozenset({"x"})))

        self.assertEqual(Revocation.objects.get().status, RevocationStatus.QUEUED)
        with google_ads(FakeGoogleAds(revoke=[REVOKED])) as connector:
            revoke_due()
        [(_, client_tokens)] = connector.revoked
        assert client_tokens is not None
        self.assertEqual(client_tokens.access_token, "client-token")
        self.assertEqual(Revocation.objects.get().status, RevocationStatus.DONE)

    def test_no_sign_in_is_offered_where_nothing_waits_for_one(self):
        self.assertEqual(self.client.post(f"{self.page}sign-in/google/").status_code, 404)

    def test_the_clients_emails_point_to_the_page(self):
        for email in (emails.invitation(self.link), emails.reminder(self.link)):
            self.assertIn(self.page, email.text)
            self.assertIn(self.page, email.html)

    def test_a_removal_from_the_clients_page_is_logged_as_the_client(self):
        self.client.post(f"{self.page}{self.grant.pk}/remove/")

        [entry] = AuditEntry.objects.filter(action="offboarding.requested")
        self.assertEqual(
            (entry.actor_kind, entry.actor_name, entry.address), ("client", "Jane Doe", HERE)
        )
        self.assertEqual(entry.actor_id, self.jane.public_id)
        self.assertEqual(entry.details["reason"], "client")
        self.assertEqual(entry.details["grants"], [self.grant.pk])

    def test_a_refused_removal_writes_nothing(self):
        carls = active_grant(self.charlies_link, self.google_b)
        self.client.post(f"{self.page}{carls.pk}/remove/")
        self.client.post(f"/l/aaaaaaaaaaaaaaaaaaaa/access/{self.grant.pk}/remove/")
        HttpClient(enforce_csrf_checks=True).post(f"{self.page}{self.grant.pk}/remove/")

        self.assertFalse(AuditEntry.objects.exists())

    def test_signing_in_to_remove_is_logged_as_the_client(self):
        self.client.post(f"{self.page}{self.grant.pk}/remove/")
        by_hand = GrantOutcome(GrantState.MANUAL_REQUIRED, message="Sign in to remove it.")
        with google_ads(FakeGoogleAds(revoke=[by_hand])):
            revoke_due()

        self.finish_sign_in(TokenSet("client-token", scopes=frozenset({"x"})))

        [entry] = AuditEntry.objects.filter(action="offboarding.retried")
        self.assertEqual(entry.actor_kind, "client")
        self.assertEqual(entry.address, HERE)
        self.assertEqual(entry.details, {"revocations": 1, "signed_in_on": "google"})

    def finish_sign_in(self, tokens: TokenSet) -> None:
        """What platforms.oauth.callback does once Google has answered."""
        request = RequestFactory().get("/")
        SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type]
        request._messages = default_storage(request)  # type: ignore[attr-defined]
        payload = {"link": self.link.public_id, "platform": "google"}
        response = signed_in_to_revoke(request, payload, tokens, None)
        self.assertEqual(response.status_code, 302)
