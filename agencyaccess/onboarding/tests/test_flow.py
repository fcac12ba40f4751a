"""The client's journey through a link: the link page, connect -> choose -> grant, skip, done.

Alice's agency asks Jane for Google Ads (received by Alice's Google account); the fake Google
of fake_platform answers for the platform.
"""

from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

from django.contrib.staticfiles import finders
from django.utils import timezone

from agencyaccess.links.models import Grant, RequestedService, ServiceStatus
from agencyaccess.notify.models import Event, EventType
from agencyaccess.onboarding.tests.fake_platform import (
    ACTIVE_ID,
    AGENCY_INBOX_URL,
    BUSY_ID,
    CLIENT_ACCESS_TOKEN,
    FAILING_ID,
    LOCKED_ID,
    MANUAL_ID,
    MANUAL_URL,
    PENDING_ID,
    FlowTestCase,
)
from agencyaccess.platforms.base import (
    GrantOutcome,
    GrantState,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken


class LinkPageTests(FlowTestCase):
    def test_jane_sees_alices_branding_and_what_is_asked(self):
        self.agency_a.display_name = "Alice Marketing"
        self.agency_a.brand_color = "#ffdd00"
        self.agency_a.theme = "dark"
        self.agency_a.save()

        r = self.client.get(self.url())

        self.assertContains(r, "Alice Marketing asks for access to the accounts below.")
        self.assertContains(r, "Hello Jane Doe")
        self.assertContains(r, "--brand:#ffdd00")
        self.assertContains(r, "--on-brand:#000", msg_prefix="a pale brand colour gets dark text")
        self.assertContains(r, 'class="page theme-dark"')
        self.assertContains(r, '<span class="initial" aria-hidden="true">A</span>', html=True)
        self.assertContains(r, "Step 1 of 1")
        self.assertContains(r, "Google Ads")

    def test_the_agency_logo_replaces_the_initial(self):
        self.agency_a.logo.name = f"logos/{self.agency_a.public_id}/alice.png"
        self.agency_a.save()
        r = self.client.get(self.url())
        self.assertContains(r, f'src="/account/branding/logo/{self.agency_a.public_id}/alice.png"')
        self.assertNotContains(r, 'class="initial"')

    def test_only_requested_services_are_shown(self):
        self.request_service("google_analytics", requested=False)
        self.request_service("meta_ads", platform="meta")
        r = self.client.get(self.url())
        self.assertNotContains(r, "Google Analytics")
        self.assertContains(r, '<a href="?step=meta" class="step-name">Meta</a>', html=True)
        self.assertContains(self.client.get(self.url(), {"step": "meta"}), "Meta Ads")

    def test_api_platforms_connect_and_guided_services_show_their_steps(self):
        self.request_service("youtube_studio")
        r = self.client.get(self.url())
        self.assertContains(r, "Connect with Google")
        self.assertContains(r, f'action="{self.url("connect/google/")}"')
        self.assertContains(r, f'href="{self.url("steps/youtube_studio/")}"')
        self.assertContains(r, f'action="{self.url("skip/google_ads/")}"')
        self.assertContains(r, f'action="{self.url("skip/youtube_studio/")}"')

    def test_each_service_shows_its_state_and_what_was_shared(self):
        analytics = self.request_service("google_analytics")
        self.request_service("youtube_studio")
        ads = self.link.services.get(service_key="google_ads")
        ads.status = ServiceStatus.GRANTED
        ads.save()
        Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id=ACTIVE_ID,
            asset_name="Bakery Ads",
            access_level="STANDARD",
            state=GrantState.PENDING_AGENCY,
        )
        analytics.status = ServiceStatus.SKIPPED
        analytics.save()

        r = self.client.get(self.url())

        self.assertContains(r, "Bakery Ads")
        self.assertContains(r, "Waiting for Alice &amp; Co to accept")
        self.assertContains(r, '<span class="state state-granted">Shared</span>', html=True)
        self.assertContains(r, '<span class="state state-skipped">Skipped</span>', html=True)
        self.assertContains(r, '<span class="state state-pending">To do</span>', html=True)
        self.assertNotContains(r, self.url("skip/google_ads/"), msg_prefix="shared: no skip")
        self.assertContains(r, self.url("skip/youtube_studio/"))

    def test_progress_counts_answered_services_and_the_intake_form(self):
        self.request_service("youtube_studio", status=ServiceStatus.SKIPPED)
        self.link.intake_form_requested = True
        self.link.intake_completed = timezone.now()
        self.link.save()
        self.request_service("meta_ads", platform="meta", status=ServiceStatus.GRANTED)
        r = self.client.get(self.url())
        # Three steps: Google (Ads still to do, YouTube skipped), Meta, the questions.
        self.assertContains(r, "2 of 3 done")
        self.assertContains(r, 'aria-valuenow="2"')
        self.assertContains(r, "width:67%")
        self.assertNotContains(r, "Finish", msg_prefix="Google Ads is still to do")

    def test_the_intake_form_card_says_whether_it_is_done(self):
        self.link.intake_form_requested = True
        self.link.save()
        r = self.client.get(self.url(), {"step": "intake"})
        self.assertContains(r, "A few questions")
        self.assertContains(r, "Answer the questions")
        self.assertContains(r, f'href="{self.url("intake/")}"')

        self.link.intake_completed = timezone.now()
        self.link.save()
        self.assertContains(self.client.get(self.url(), {"step": "intake"}), "Review your answers")

    def test_finish_appears_when_every_service_is_answered(self):
        self.link.services.update(status=ServiceStatus.SKIPPED)
        r = self.client.get(self.url())
        self.assertContains(r, "Everything is answered. Thank you!")
        self.assertContains(r, f'href="{self.url("done/")}"')
        # The finish comes before the steps, folded to a line each.
        content = r.content.decode()
        self.assertLess(content.index(self.url("done/")), content.index('class="stepper"'))
        self.assertContains(r, '<span class="state state-skipped">Skipped</span>', html=True)

    def test_the_sandbox_is_said_where_it_matters(self):
        self.assertContains(
            self.client.get(self.url()), "Sandbox: no real Google account is touched."
        )
        self.fake_client.sandbox = False
        self.assertNotContains(self.client.get(self.url()), "Sandbox")

    def test_no_sandbox_note_where_nothing_connects(self):
        self.link.services.update(requested=False)
        self.request_service("youtube_studio")
        self.assertNotContains(self.client.get(self.url()), "Sandbox")

    def test_a_completed_link_shows_its_summary(self):
        self.connect()
        self.share(ACTIVE_ID)
        self.link.refresh_from_db()
        self.assertIsNotNone(self.link.completed)

        r = self.client.get(self.url())

        self.assertContains(r, "Everything is shared. Thank you!")
        self.assertContains(r, "Here is what Alice &amp; Co can access now.")
        self.assertContains(r, "Bakery Ads")
        self.assertNotContains(r, "Connect with Google")
        self.assertNotContains(r, "/skip/")

    def test_the_link_page_takes_the_same_queries_however_much_was_shared(self):
        def shares(count: int) -> None:
            first = Grant.objects.count()
            for i in range(first, first + count):
                Grant.objects.create(
                    link=self.link,
                    service_key="google_ads",
                    connected_account=self.google_a,
                    asset_id=f"{i}",
                    access_level="STANDARD",
                    state=GrantState.ACTIVE,
                )

        shares(1)
        self.client.get(self.url())  # the session and CSRF cookie exist from here on
        # The link, its client, its agency, its services, its grants.
        with self.assertNumQueries(5) as first:
            self.client.get(self.url())
        shares(5)
        self.request_service("youtube_studio")
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(self.url())

    def test_the_link_page_is_light(self):
        self.request_service("google_analytics")
        self.request_service("youtube_studio")
        r = self.client.get(self.url())
        css = Path(str(finders.find("onboarding/onboarding.css"))).read_bytes()
        self.assertLess(len(r.content) + len(css), 20_000)


class LanguageTests(FlowTestCase):
    def test_jane_reads_her_own_language_first(self):
        self.jane.language = "nl"
        self.jane.save()
        r = self.client.get(self.url())
        self.assertContains(
            r, '<button name="language" value="nl" lang="nl" class="quiet" aria-current="true">'
        )

    def test_switching_language_is_remembered_for_this_link(self):
        r = self.client.post(self.url("language/"), {"language": "es", "back": self.url()})
        self.assertRedirects(r, self.url(), fetch_redirect_response=False)
        r = self.client.get(self.url())
        self.assertContains(r, 'value="es" lang="es" class="quiet" aria-current="true"')
        self.assertContains(r, "Español")
        self.assertContains(r, "Nederlands")

    def test_switching_returns_to_the_page_it_was_on(self):
        r = self.client.post(
            self.url("language/"), {"language": "nl", "back": self.url("platform/google/")}
        )
        self.assertRedirects(r, self.url("platform/google/"), fetch_redirect_response=False)

    def test_switching_never_leaves_this_link(self):
        for back in (
            "https://evil.example/",
            "//evil.example/l/x/",
            self.url("", self.charlies_link),
            self.url("skip/google_ads/"),
            "/admin/",
        ):
            with self.subTest(back=back):
                r = self.client.post(self.url("language/"), {"language": "nl", "back": back})
                self.assertRedirects(r, self.url(), fetch_redirect_response=False)

    def test_an_unknown_language_changes_nothing(self):
        self.client.post(self.url("language/"), {"language": "xx"})
        self.assertContains(
            self.client.get(self.url()), 'value="en" lang="en" class="quiet" aria-current="true"'
        )


class ConnectTests(FlowTestCase):
    def assertPurgedIn(self, token: PlatformToken, lifetime: timedelta) -> None:
        assert token.purge_after is not None
        expected = timezone.now() + lifetime
        self.assertAlmostEqual(token.purge_after, expected, delta=timedelta(minutes=1))

    def test_connect_asks_the_platform_for_the_requested_services_scopes(self):
        self.request_service("google_analytics")
        self.request_service("youtube_studio")  # guided: no scope for it
        self.start_connect()
        self.assertEqual(
            self.fake_client.asked_scopes, [["scope:google_ads", "scope:google_analytics"]]
        )

    def test_coming_back_keeps_the_sign_in_for_an_hour_and_shows_the_assets(self):
        r = self.connect()

        self.assertRedirects(r, self.url("platform/google/"), fetch_redirect_response=False)
        token = PlatformToken.objects.get(link=self.link)
        self.assertEqual(token.platform, "google")
        self.assertNotIn(CLIENT_ACCESS_TOKEN, token.access_token, "encrypted at rest")
        self.assertEqual(token.token_set().access_token, CLIENT_ACCESS_TOKEN)
        self.assertPurgedIn(token, timedelta(hours=1))
        self.assertNotIn(CLIENT_ACCESS_TOKEN, r["Location"])

        r = self.client.get(self.url("platform/google/"))
        self.assertContains(r, "Choose what to share from Google")
        self.assertContains(
            r, f'<input type="checkbox" name="google_ads" value="{ACTIVE_ID}">', html=True
        )
        self.assertContains(
            r, f'<input type="checkbox" name="google_ads" value="{LOCKED_ID}" disabled>', html=True
        )
        self.assertContains(r, "You can only read this account.")
        self.assertNotContains(r, CLIENT_ACCESS_TOKEN)

    def test_a_link_that_retains_tokens_keeps_them_30_days(self):
        self.link.retain_tokens = True
        self.link.save()
        self.connect()
        self.assertPurgedIn(PlatformToken.objects.get(link=self.link), timedelta(days=30))

    def test_connecting_again_replaces_the_earlier_sign_in(self):
        self.connect()
        self.connect()
        self.assertEqual(PlatformToken.objects.filter(link=self.link).count(), 1)

    def test_assets_are_grouped_by_service(self):
        self.request_service("google_analytics")
        self.connect()
        r = self.client.get(self.url("platform/google/"))
        self.assertContains(r, "<legend>Google Ads</legend>", html=True)
        self.assertContains(r, "<legend>Google Analytics</legend>", html=True)
        self.assertContains(r, "Bakery website")
        self.assertContains(r, "Bakery account")

    def test_an_unticked_permission_is_explained_with_connect_again(self):
        self.connect()
        self.fake_connector.list_error = MissingScope("scope missing")
        r = self.client.get(self.url("platform/google/"))
        self.assertContains(r, "Google did not let us see your Google Ads accounts")
        self.assertContains(r, "Connect to Google again")
        self.assertNotContains(r, "Share what I ticked")

    def test_an_expired_sign_in_is_explained_with_connect_again(self):
        self.connect()
        self.fake_connector.list_error = TokenExpired("expired")
        r = self.client.get(self.url("platform/google/"))
        self.assertContains(r, "Your Google sign-in has expired. Connect again to continue.")
        self.assertContains(r, "Connect to Google again")

    def test_a_busy_platform_asks_to_try_again_in_a_moment(self):
        self.connect()
        self.fake_connector.list_error = RateLimited("slow down")
        r = self.client.get(self.url("platform/google/"))
        self.assertContains(r, "Google is busy right now. Try again in a moment.")

    def test_an_expiring_sign_in_is_refreshed_before_listing(self):
        self.connect()
        PlatformToken.objects.filter(link=self.link).update(expires_at=timezone.now())
        self.client.get(self.url("platform/google/"))
        token = PlatformToken.objects.get(link=self.link)
        self.assertEqual(token.token_set().access_token, CLIENT_ACCESS_TOKEN + "-refreshed")

    def test_the_assets_page_needs_a_sign_in_first(self):
        r = self.client.get(self.url("platform/google/"), follow=True)
        self.assertRedirects(r, self.url())
        self.assertContains(r, "Connect first, then choose what to share.")

    def test_a_sign_in_past_its_purge_time_is_not_used(self):
        self.connect()
        PlatformToken.objects.update(purge_after=timezone.now() - timedelta(seconds=1))
        r = self.client.get(self.url("platform/google/"))
        self.assertRedirects(r, self.url(), fetch_redirect_response=False)


class GrantTests(FlowTestCase):
    def setUp(self):
        super().setUp()
        self.connect()

    def grant(self, asset_id: str) -> Grant:
        return Grant.objects.get(link=self.link, asset_id=asset_id)

    def ads_status(self) -> str:
        return self.link.services.get(service_key="google_ads").status

    def test_a_granted_asset_is_recorded_and_the_service_is_granted(self):
        r = self.share(ACTIVE_ID, follow=True)

        # Nothing more to do: on to the next step (here the finish), the result shown there.
        self.assertEqual(r.redirect_chain, [(self.url(), 302)])

        self.assertContains(r, "Bakery Ads")
        self.assertContains(r, "Alice &amp; Co has access now.")
        grant = self.grant(ACTIVE_ID)
        self.assertEqual(grant.state, GrantState.ACTIVE)
        self.assertEqual(grant.connected_account, self.google_a)
        self.assertEqual(grant.asset_name, "Bakery Ads")
        self.assertEqual(grant.access_level, "STANDARD")
        self.assertEqual(self.ads_status(), ServiceStatus.GRANTED)
        events = Event.objects.filter(link=self.link).exclude(type=EventType.LINK_OPENED)
        kinds = list(events.values_list("type", flat=True))
        self.assertEqual(kinds, [EventType.SERVICE_GRANTED, EventType.LINK_COMPLETED])
        self.assertFalse(PlatformToken.objects.filter(link=self.link).exists(), "token deleted")

    def test_the_grant_goes_to_the_agency_account_at_the_requested_level(self):
        self.request_service("google_analytics", level="ANALYST")
        self.share("properties/1", service_key="google_analytics")
        tokens, request = self.fake_connector.granted[0]
        self.assertEqual(tokens.access_token, CLIENT_ACCESS_TOKEN)
        self.assertEqual(request.service_key, "google_analytics")
        self.assertEqual(request.level, "ANALYST")
        self.assertEqual(request.native_role, "predefinedRoles/analyst")
        self.assertEqual(request.asset.name, "Bakery website")
        self.assertEqual(request.agency.account_id, self.google_a.public_id)
        self.assertEqual(request.agency.email, "ads@alice.example")
        self.assertIsNone(request.agency.tokens, "Alice's account was entered by hand")

    def test_every_receiving_account_gets_access_with_its_manager_id_and_sign_in(self):
        second = ConnectedAccount.objects.create(
            agency=self.agency_a,
            platform="google",
            email="team@alice.example",
            method=ConnectionMethod.OAUTH,
        )
        agency_token = PlatformToken(connected_account=second, platform="google")
        agency_token.store(self.fake_client.exchange_code(code="good-code", redirect_uri=""))
        agency_token.save()
        ads = self.link.services.get(service_key="google_ads")
        ads.account_links.update(mcc_id="1234567890")
        ads.account_links.create(connected_account=second, position=1)

        self.share(ACTIVE_ID)

        identities = [request.agency for _, request in self.fake_connector.granted]
        self.assertEqual(
            [(i.account_id, i.mcc_id) for i in identities],
            [(self.google_a.public_id, "1234567890"), (second.public_id, "")],
        )
        self.assertIsNotNone(identities[1].tokens)
        self.assertEqual(
            set(Grant.objects.values_list("connected_account", flat=True)),
            {self.google_a.pk, second.pk},
        )

    def test_a_pending_grant_counts_and_says_what_happens_next(self):
        r = self.share(PENDING_ID, follow=True)
        self.assertContains(r, "Waiting for Alice &amp; Co to accept")
        self.assertContains(r, "accepts the invitation next. There is nothing more for you to do.")
        self.assertContains(r, "An invitation was sent to ads@alice.example.")
        # Where the agency accepts is no place to send Jane, here or on the link page.
        self.assertNotContains(r, AGENCY_INBOX_URL)
        self.assertNotContains(self.client.get(self.url()), AGENCY_INBOX_URL)
        grant = self.grant(PENDING_ID)
        self.assertEqual(grant.state, GrantState.PENDING_AGENCY)
        self.assertIsNotNone(grant.next_check, "the worker checks it again later")
        self.assertEqual(self.ads_status(), ServiceStatus.GRANTED)

    def test_manual_steps_show_the_message_and_where_to_go(self):
        r = self.share(MANUAL_ID)
        self.assertContains(r, "One step is left for you:")
        self.assertContains(r, "Add the agency under Access and security.")
        self.assertContains(r, f'href="{MANUAL_URL}"')
        self.assertEqual(self.grant(MANUAL_ID).state, GrantState.MANUAL_REQUIRED)
        self.assertEqual(self.ads_status(), ServiceStatus.PENDING)

    def test_a_failed_grant_is_recorded_with_what_went_wrong_and_how_to_fix_it(self):
        r = self.share(FAILING_ID)
        self.assertContains(r, "Did not work")
        self.assertContains(r, "You are not an administrator of Cake Ads.")
        self.assertContains(r, "Only an administrator of this account can share it.")
        self.assertContains(r, "Connect to Google again")
        grant = self.grant(FAILING_ID)
        self.assertEqual(grant.state, GrantState.FAILED)
        self.assertEqual(grant.message, "You are not an administrator of Cake Ads.")
        self.assertEqual(self.ads_status(), ServiceStatus.PENDING)
        self.assertFalse(Event.objects.filter(type=EventType.SERVICE_GRANTED).exists())

    def test_a_passing_error_records_nothing_and_offers_to_try_again(self):
        r = self.share(BUSY_ID)
        self.assertContains(r, "Nothing was changed. Try again in a moment.")
        self.assertContains(r, f'href="{self.url("platform/google/")}"')
        self.assertFalse(Grant.objects.exists())
        self.assertTrue(PlatformToken.objects.filter(link=self.link).exists(), "kept to retry")

        self.assertContains(self.client.get(self.url("platform/google/")), "Cookie Ads")

    def test_several_assets_each_get_their_result(self):
        r = self.share(ACTIVE_ID, PENDING_ID, FAILING_ID)
        self.assertContains(r, "<strong>Bakery Ads</strong>", html=True)
        self.assertContains(r, "<strong>Pastry Ads</strong>", html=True)
        self.assertContains(r, "<strong>Cake Ads</strong>", html=True)
        self.assertEqual(Grant.objects.filter(link=self.link).count(), 3)
        self.assertEqual(
            Event.objects.filter(link=self.link, type=EventType.SERVICE_GRANTED).count(), 1
        )

    def test_a_step_left_to_the_client_keeps_the_sign_in_for_the_checks(self):
        waiting = GrantOutcome(
            GrantState.PENDING_CLIENT, native_ref="links/111", message="Make them Super Admin."
        )
        with patch.object(self.fake_connector, "grant", return_value=waiting):
            self.share(ACTIVE_ID)
        self.assertEqual(self.grant(ACTIVE_ID).state, GrantState.PENDING_CLIENT)
        kept = PlatformToken.objects.get(link=self.link)
        assert kept.purge_after is not None
        self.assertLessEqual(kept.purge_after - timezone.now(), timedelta(hours=1))

    def test_a_link_that_retains_tokens_keeps_the_sign_in_after_granting(self):
        self.link.retain_tokens = True
        self.link.save()
        self.share(ACTIVE_ID)
        self.assertTrue(PlatformToken.objects.filter(link=self.link).exists())

    def test_the_link_page_then_shows_what_was_shared(self):
        self.request_service("youtube_studio")
        self.share(ACTIVE_ID, MANUAL_ID)
        r = self.client.get(self.url(), {"step": "google"})
        self.assertContains(r, "Bakery Ads")
        self.assertContains(r, "Bread Ads")
        self.assertContains(r, "One step left for you")
        self.assertContains(r, f'href="{MANUAL_URL}"')
        self.assertContains(r, "0 of 1 done", msg_prefix="YouTube is still to do")


class SkipTests(FlowTestCase):
    def test_skipping_records_it_and_tells_the_agency(self):
        r = self.client.post(self.url("skip/google_ads/"))
        self.assertRedirects(r, self.url(), fetch_redirect_response=False)
        self.assertEqual(self.link.services.get().status, ServiceStatus.SKIPPED)
        event = Event.objects.get(link=self.link, type=EventType.SERVICE_SKIPPED)
        self.assertEqual(
            (event.data["link_id"], event.data["platform"], event.data["service"]),
            (self.link.public_id, "Google", "Google Ads"),
        )

    def test_skipping_the_last_service_completes_the_link(self):
        self.client.post(self.url("skip/google_ads/"))
        self.link.refresh_from_db()
        self.assertIsNotNone(self.link.completed)
        event = Event.objects.get(link=self.link, type=EventType.LINK_COMPLETED)
        self.assertEqual(event.data["skipped"], 1)
        self.assertEqual(event.data["services"][0]["status"], "skipped")

    def test_skipping_twice_tells_the_agency_once(self):
        self.client.post(self.url("skip/google_ads/"))
        self.client.post(self.url("skip/google_ads/"))
        self.assertEqual(
            Event.objects.filter(link=self.link, type=EventType.SERVICE_SKIPPED).count(), 1
        )

    def test_a_shared_service_cannot_be_skipped(self):
        self.link.services.update(status=ServiceStatus.GRANTED)
        self.client.post(self.url("skip/google_ads/"))
        self.assertEqual(self.link.services.get().status, ServiceStatus.GRANTED)
        self.assertFalse(Event.objects.exists())

    def test_a_skipped_service_can_be_shared_later_by_reopening_the_link(self):
        self.client.post(self.url("skip/google_ads/"))
        self.assertContains(self.client.get(self.url(), {"step": "google"}), "Connect with Google")

        self.connect()
        self.share(ACTIVE_ID)

        self.assertEqual(self.link.services.get().status, ServiceStatus.GRANTED)
        self.link.refresh_from_db()
        self.assertIsNotNone(self.link.completed)


class DoneTests(FlowTestCase):
    def finish(self):
        self.link.services.update(status=ServiceStatus.SKIPPED)

    def test_done_thanks_in_the_agencys_words_and_goes_to_its_website(self):
        self.link.thank_you_message = "Thanks Jane!\nWe will call you."
        self.link.redirect = "alice.example/welcome"
        self.link.save()
        self.finish()

        r = self.client.get(self.url("done/"))

        self.assertContains(r, "Thanks Jane!<br>We will call you.")
        # done.js follows the Continue button after its delay, unless told to stay.
        self.assertContains(
            r,
            '<a class="button" href="https://alice.example/welcome" data-redirect-after="5">'
            "Continue</a>",
            html=True,
        )
        self.assertContains(r, "onboarding/done.js")
        self.assertContains(r, "You will be taken there in 5 seconds.")

    def test_done_without_message_or_redirect(self):
        self.finish()
        r = self.client.get(self.url("done/"))
        self.assertContains(r, "You are all set. Alice &amp; Co will take it from here.")
        self.assertNotContains(r, "data-redirect-after")
        self.assertNotContains(r, "Continue")

    def test_done_waits_until_every_step_is_answered(self):
        r = self.client.get(self.url("done/"), follow=True)
        self.assertRedirects(r, self.url())
        self.assertContains(r, "A few steps are still open.")

    def test_the_intake_form_must_be_done_too(self):
        self.finish()
        self.link.intake_form_requested = True
        self.link.save()
        r = self.client.get(self.url("done/"))
        self.assertRedirects(r, self.url(), fetch_redirect_response=False)

    def test_done_goes_nowhere_but_the_links_own_redirect(self):
        self.finish()
        r = self.client.get(self.url("done/"), {"next": "https://evil.example/"})
        self.assertNotContains(r, "evil.example")
        for stored in ("javascript:alert(1)", 'evil.example/x"><script>', "//evil.example"):
            with self.subTest(stored=stored):
                self.link.redirect = stored
                self.link.save()
                r = self.client.get(self.url("done/"))
                self.assertNotContains(r, "data-redirect-after")
                self.assertNotContains(r, "Continue")

    def test_the_link_can_be_reopened_after_done(self):
        self.finish()
        self.client.get(self.url("done/"))
        r = self.client.get(self.url(), {"step": "google"})
        self.assertContains(r, "Connect with Google")
        self.assertContains(r, '<span class="state state-skipped">Skipped</span>', html=True)


class RequestedServiceOrderTests(FlowTestCase):
    def test_services_keep_the_order_the_agency_asked_for(self):
        self.request_service("meta_ads", platform="meta")
        self.request_service("google_analytics")
        RequestedService.objects.filter(service_key="google_ads").update(position=5)
        r = self.client.get(self.url(), {"step": "google"}).content.decode()
        self.assertLess(r.index("?step=meta"), r.index('id="step-google"'))
        self.assertLess(r.index("Google Analytics"), r.index("Google Ads"))


class SelectAllTests(FlowTestCase):
    def setUp(self):
        super().setUp()
        self.connect()

    def test_select_all_shares_every_shareable_asset_of_the_service_without_the_script(self):
        page = self.client.get(self.url("platform/google/"))
        self.assertContains(page, 'name="all" value="google_ads"')
        self.client.post(self.url("platform/google/"), {"all": "google_ads"})
        shared = set(Grant.objects.filter(link=self.link).values_list("asset_id", flat=True))
        self.assertIn(ACTIVE_ID, shared)
        self.assertGreater(len(shared), 1)

    def test_skipping_from_the_list_keeps_the_list_open_for_the_rest(self):
        self.request_service("google_analytics")
        r = self.client.post(self.url("skip/google_analytics/"), {"from": "assets"})
        self.assertRedirects(r, self.url("platform/google/"), fetch_redirect_response=False)
        r = self.client.post(self.url("skip/google_ads/"), {"from": "assets"})
        self.assertRedirects(r, self.url(), fetch_redirect_response=False)
