"""Re-checking pending grants: claimed once, verified with the agency's and the client's
sign-ins, backed off, given up after 30 days.

Jane granted Google Ads on Alice's link; a fake connector stands in for Google Ads and answers
what each test tells it to.
"""

from datetime import timedelta
from unittest import mock

from django.utils import timezone, translation
from django.utils.translation import gettext

from agencyaccess.links.actions import reopen_if_nothing_granted
from agencyaccess.links.jobs import GIVE_UP_AFTER, claim, recheck_pending_grants
from agencyaccess.links.models import Grant, Link, RequestedAccountLink, ServiceStatus
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    GrantState,
    RateLimited,
    ServiceConnector,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.models import ConnectionMethod, PlatformToken
from agencyaccess.test import MCC_ID, BaseTestCase

MINUTE = timedelta(minutes=1)


class FakeGoogleAds(ServiceConnector):
    """Answers verify() with the next of `answers` (an outcome, or an error to raise) and keeps
    what it was asked."""

    service_keys = ("google_ads",)

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[tuple[GrantRef, TokenSet | None]] = []

    def list_assets(self, tokens: TokenSet, service_key: str) -> list[Asset]:
        raise NotImplementedError

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        raise NotImplementedError

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        self.asked.append((ref, client_tokens))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


PENDING = GrantOutcome(GrantState.PENDING_AGENCY, message="Accept the invitation.")


class RecheckTestCase(BaseTestCase):
    def setUp(self):
        self.grant = Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/111",
            asset_name="Bakery Ads",
            access_level="STANDARD",
            native_role="STANDARD",
            native_ref="customers/111/customerUserAccessInvitations/9",
            state=GrantState.PENDING_AGENCY,
            message_id="Invitation sent to ads@alice.example.",
            next_check=timezone.now() - MINUTE,
        )

    def run_with(self, *answers):
        connector = FakeGoogleAds(*answers)
        with mock.patch.dict(registry._CONNECTORS, {"google_ads": connector}):
            checked = recheck_pending_grants()
        self.grant.refresh_from_db()
        return connector, checked

    def make_due(self):
        Grant.objects.filter(pk=self.grant.pk).update(next_check=timezone.now() - MINUTE)

    def assertNextCheckIn(self, delay):
        expected = timezone.now() + delay
        assert self.grant.next_check is not None
        self.assertLess(abs(self.grant.next_check - expected), timedelta(seconds=5))


class RecheckTests(RecheckTestCase):
    def test_an_accepted_invitation_becomes_active(self):
        before = timezone.now()
        _, checked = self.run_with(
            GrantOutcome(GrantState.ACTIVE, native_ref="customers/111/access/5")
        )

        self.assertEqual(checked, 1)
        self.assertEqual(self.grant.state, GrantState.ACTIVE)
        self.assertEqual(self.grant.native_ref, "customers/111/access/5")
        self.assertEqual(self.grant.message, "")
        self.assertIsNone(self.grant.next_check)
        assert self.grant.last_verified is not None
        self.assertGreaterEqual(self.grant.last_verified, before)
        self.assertEqual(self.grant.checks, 1)

    def test_the_connector_gets_the_grant_and_who_receives_it(self):
        connector, _ = self.run_with(PENDING)
        [(ref, client_tokens)] = connector.asked
        self.assertEqual(ref.service_key, "google_ads")
        self.assertEqual(ref.asset_id, "customers/111")
        self.assertEqual(ref.native_ref, "customers/111/customerUserAccessInvitations/9")
        self.assertEqual(ref.agency.account_id, self.google_a.public_id)
        self.assertEqual(ref.agency.email, "ads@alice.example")
        self.assertIsNone(ref.agency.tokens, "Alice's account was entered by hand")
        self.assertIsNone(client_tokens, "Jane's sign-in was not kept")

    def test_the_manager_id_of_the_link_goes_with_it(self):
        RequestedAccountLink.objects.update(mcc_id=MCC_ID)
        connector, _ = self.run_with(PENDING)
        self.assertEqual(connector.asked[0][0].agency.mcc_id, MCC_ID)

    def test_the_agencys_and_the_kept_client_sign_ins_are_used(self):
        self.google_a.method = ConnectionMethod.OAUTH
        self.google_a.save()
        agency_token = PlatformToken(platform="google", connected_account=self.google_a)
        agency_token.store(TokenSet("agency-access-token", subject_id="alice"))
        agency_token.save()
        client_token = PlatformToken(
            platform="google", link=self.link, purge_after=timezone.now() + timedelta(days=30)
        )
        client_token.store(TokenSet("client-access-token", subject_id="jane"))
        client_token.save()

        connector, _ = self.run_with(PENDING)

        [(ref, client_tokens)] = connector.asked
        self.assertEqual(ref.agency.tokens.access_token, "agency-access-token")
        self.assertEqual(client_tokens.access_token, "client-access-token")

    def test_a_grant_whose_service_left_the_link_is_still_checked(self):
        self.link.services.all().delete()
        connector, _ = self.run_with(PENDING)
        self.assertEqual(connector.asked[0][0].agency.account_id, self.google_a.public_id)
        self.assertEqual(connector.asked[0][0].agency.mcc_id, "")

    def test_still_pending_backs_off_then_checks_daily(self):
        waits = []
        for _ in range(7):
            self.make_due()
            self.run_with(PENDING)
            assert self.grant.next_check is not None
            waits.append(round((self.grant.next_check - timezone.now()).total_seconds() / 60))
        self.assertEqual(waits, [5, 15, 60, 360, 1440, 1440, 1440])
        self.assertEqual(self.grant.state, GrantState.PENDING_AGENCY)
        self.assertEqual(self.grant.message, "Accept the invitation.")
        self.assertEqual(self.grant.checks, 7)

    def test_the_platform_can_ask_for_a_longer_wait(self):
        self.run_with(GrantOutcome(GrantState.PENDING_REVIEW, retry_after=86400))
        self.assertEqual(self.grant.state, GrantState.PENDING_REVIEW)
        self.assertNextCheckIn(timedelta(days=1))

    def test_a_passing_error_is_tried_later_and_changes_nothing_else(self):
        self.run_with(RateLimited("Too many requests", retry_after=600))
        self.assertEqual(self.grant.state, GrantState.PENDING_AGENCY)
        self.assertEqual(self.grant.message, "Invitation sent to ads@alice.example.")
        self.assertIsNone(self.grant.last_verified)
        self.assertNextCheckIn(timedelta(minutes=10))

    def test_a_permanent_error_is_kept_for_someone_to_act_on(self):
        self.run_with(TokenExpired("Alice's Google sign-in has expired: connect it again."))
        self.assertEqual(self.grant.state, GrantState.PENDING_AGENCY)
        self.assertEqual(
            self.grant.message, "Alice's Google sign-in has expired: connect it again."
        )
        self.assertNextCheckIn(timedelta(minutes=5))

    def test_a_verdict_of_failure_ends_the_checks(self):
        self.run_with(GrantOutcome(GrantState.FAILED, message="The invitation was declined."))
        self.assertEqual(self.grant.state, GrantState.FAILED)
        self.assertIsNone(self.grant.next_check)

    def test_a_granted_service_whose_only_grant_fails_is_asked_again(self):
        service = self.link.services.get()
        self.link.services.update(status=ServiceStatus.GRANTED)
        Link.objects.filter(pk=self.link.pk).update(completed=timezone.now())

        self.run_with(GrantOutcome(GrantState.FAILED, message="The invitation was declined."))

        service.refresh_from_db()
        self.link.refresh_from_db()
        self.assertEqual(service.status, ServiceStatus.PENDING)
        self.assertIsNone(self.link.completed)
        retrieved = self.api_get("/api/links/retrieve", self.alice_key, id=self.link.public_id)
        self.assertFalse(
            retrieved.json()["data"]["requestedAccounts"]["Google"]["Google Ads"]["granted"]
        )

    def test_reopening_reads_the_link_as_it_is_now_not_as_it_was_loaded(self):
        loaded_before = Link.objects.get(pk=self.link.pk)
        self.link.services.update(status=ServiceStatus.GRANTED)
        Link.objects.filter(pk=self.link.pk).update(completed=timezone.now())
        Grant.objects.filter(pk=self.grant.pk).update(state=GrantState.FAILED)

        reopen_if_nothing_granted(loaded_before, "google_ads")

        self.link.refresh_from_db()
        self.assertIsNone(self.link.completed)

    def test_a_service_with_another_grant_still_standing_stays_granted(self):
        self.link.services.update(status=ServiceStatus.GRANTED)
        Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/222",
            state=GrantState.ACTIVE,
        )

        self.run_with(GrantOutcome(GrantState.FAILED, message="The invitation was declined."))

        self.assertEqual(self.link.services.get().status, ServiceStatus.GRANTED)

    def test_after_30_days_pending_it_gives_up(self):
        Grant.objects.filter(pk=self.grant.pk).update(created=timezone.now() - GIVE_UP_AFTER)
        self.run_with(PENDING)
        self.assertEqual(self.grant.state, GrantState.FAILED)
        self.assertEqual(
            self.grant.message,
            "The platform still had not confirmed this access after 30 days. "
            "Please grant it again.",
        )
        self.assertIsNone(self.grant.next_check)

    def test_after_30_days_an_error_gives_up_too(self):
        Grant.objects.filter(pk=self.grant.pk).update(created=timezone.now() - GIVE_UP_AFTER)
        self.run_with(ConnectorError("Google is down", permanent=False))
        self.assertEqual(self.grant.state, GrantState.FAILED)

    def test_the_give_up_message_reads_in_each_readers_language(self):
        self.jane.language = "es"
        self.jane.save()
        Grant.objects.filter(pk=self.grant.pk).update(created=timezone.now() - GIVE_UP_AFTER)
        self.run_with(PENDING)
        with translation.override("es"):
            self.assertIn("30 días", self.grant.message)
        with translation.override("en"):
            self.assertIn("after 30 days", self.grant.message)

    def test_a_spanish_clients_pending_message_is_kept_with_its_values(self):
        """Worded in Spanish by the connector, the message is kept as its msgid and values:
        the agency reads it in English, Jane in Spanish, the address in both."""
        self.jane.language = "es"
        self.jane.save()
        with translation.override("es"):
            # As Google's connector words an invitation (platforms/google/connectors.py).
            invitation = GrantOutcome(
                GrantState.PENDING_AGENCY,
                message=gettext("Google sent the invitation to %(email)s.")
                % {"email": "ops@agency.example"},
            )
        self.run_with(invitation)
        self.assertEqual(self.grant.message_id, "Google sent the invitation to %(email)s.")
        self.assertEqual(self.grant.message_params, {"email": "ops@agency.example"})
        with translation.override("es"):
            self.assertEqual(self.grant.message, invitation.message)
        self.assertEqual(self.grant.message, "Google sent the invitation to ops@agency.example.")

    def test_an_active_grant_on_its_last_day_is_active(self):
        Grant.objects.filter(pk=self.grant.pk).update(created=timezone.now() - GIVE_UP_AFTER)
        self.run_with(GrantOutcome(GrantState.ACTIVE))
        self.assertEqual(self.grant.state, GrantState.ACTIVE)


class WhatIsCheckedTests(RecheckTestCase):
    def test_a_grant_not_yet_due_waits(self):
        Grant.objects.update(next_check=timezone.now() + MINUTE)
        connector, checked = self.run_with()
        self.assertEqual((checked, connector.asked), (0, []))

    def test_settled_grants_are_not_checked(self):
        for state in (GrantState.ACTIVE, GrantState.FAILED, GrantState.MANUAL_REQUIRED):
            with self.subTest(state=state):
                Grant.objects.update(state=state)
                _, checked = self.run_with()
                self.assertEqual(checked, 0)

    def test_guided_grants_are_not_checked(self):
        Grant.objects.update(service_key="youtube_studio")
        _, checked = self.run_with()
        self.assertEqual(checked, 0)
        self.grant.refresh_from_db()
        self.assertEqual(self.grant.checks, 0)

    def test_two_workers_that_read_the_same_grant_check_it_once(self):
        mine = Grant.objects.get()
        theirs = Grant.objects.get()
        now = timezone.now()
        self.assertTrue(claim(mine, now))
        self.assertFalse(claim(theirs, now))
        _, checked = self.run_with()
        self.assertEqual(checked, 0, "claimed: not due until the lease ends")

    def test_a_grant_left_by_a_dead_worker_is_checked_after_its_lease(self):
        claim(Grant.objects.get(), timezone.now() - timedelta(hours=1))
        _, checked = self.run_with(PENDING)
        self.assertEqual(checked, 1)
