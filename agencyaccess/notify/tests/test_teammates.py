"""The agency's events e-mailed to its teammates: per each one's choice (immediately, a daily
digest, off) or the agency's default, once per event, never to another agency's people."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from django.test import SimpleTestCase
from django.utils import timezone

from agencyaccess.accounts.models import Agency, Membership, Role, User
from agencyaccess.links.models import Link
from agencyaccess.notify.events import CATALOGUE, emit
from agencyaccess.notify.models import (
    Digest,
    DigestItem,
    Event,
    EventType,
    NotificationSetting,
    OutgoingEmail,
)
from agencyaccess.notify.preferences import set_agency_defaults, set_own_choices
from agencyaccess.notify.teammates import notify_teammates, send_daily_digests, send_digest
from agencyaccess.test import BaseTestCase
from agencyaccess.worker import JOBS

_keys = itertools.count()
# A day, and the next, in UTC.
DAY = datetime(2026, 12, 1, tzinfo=UTC)
NEXT_DAY = DAY + timedelta(days=1)


class TeammateEvents(BaseTestCase):
    """Events as the links' workflows emit them, in the catalogue's shapes."""

    def emit(self, event_type: EventType, data: dict[str, Any], link: Link | None = None) -> Event:
        link = link or self.link
        CATALOGUE[event_type].data.model_validate(data)  # the shape webhooks get too
        emit(
            link.agency_id,
            event_type,
            data,
            dedupe_key=str(next(_keys)),
            link_id=link.pk,
            client_id=link.client_id,
        )
        return Event.objects.latest("id")

    def granted(self, *states: str, link: Link | None = None) -> Event:
        """service.granted of Google Ads, an asset in each state given."""
        link = link or self.link
        example = CATALOGUE[EventType.SERVICE_GRANTED].example
        assets = [
            {
                **example["assets"][0],
                "native_id": f"customers/{1000 + i}",
                "name": f"Bakery account {i}",
                "state": state,
            }
            for i, state in enumerate(states or ("active",))
        ]
        data = {
            **example,
            "link_id": link.public_id,
            "client": link.client.as_api(),
            "assets": assets,
        }
        return self.emit(EventType.SERVICE_GRANTED, data, link)

    def completed(self, link: Link | None = None, **changes: Any) -> Event:
        link = link or self.link
        example = CATALOGUE[EventType.LINK_COMPLETED].example
        client = {**example["client"], "name": link.client.name, "id": link.client.public_id}
        data = {**example, "id": link.public_id, "client": client, **changes}
        return self.emit(EventType.LINK_COMPLETED, data, link)

    def intake_completed(self) -> Event:
        data = {
            "link_id": self.link.public_id,
            "client": self.jane.as_api(),
            "answers": {"budget": "1500"},
        }
        return self.emit(EventType.INTAKE_COMPLETED, data)

    def membership(self, user: User, agency: Agency | None = None) -> Membership:
        return Membership.objects.get(user=user, agency=agency or self.agency_a)

    def choose(self, user: User, **frequencies: str) -> None:
        set_own_choices(self.membership(user), frequencies)

    def emailed(self) -> list[str]:
        """Who was e-mailed, in order."""
        return [email.to[0] for email in OutgoingEmail.objects.order_by("id")]


class ImmediateEmailTests(TeammateEvents):
    def test_by_default_owners_and_members_hear_of_a_completed_link_at_once(self):
        event = self.completed()
        self.assertEqual(notify_teammates(), 1)
        self.assertEqual(self.emailed(), ["alice@example.org", "bob@example.org"])
        for email in OutgoingEmail.objects.all():
            self.assertEqual(email.kind, "teammate_notification")
            self.assertEqual(email.agency, self.agency_a)
            self.assertEqual(email.link, self.link)
            self.assertEqual(email.subject, "Jane Doe completed their link")
        event.refresh_from_db()
        self.assertIsNotNone(event.teammates_notified)

    def test_a_service_granted_is_off_by_default(self):
        event = self.granted()
        self.assertEqual(notify_teammates(), 1)
        self.assertEqual(self.emailed(), [])
        event.refresh_from_db()
        self.assertIsNotNone(event.teammates_notified)

    def test_the_agencys_default_applies_until_a_teammate_chooses(self):
        set_agency_defaults(
            self.agency_a,
            {
                "service_granted": "immediately",
                "intake_completed": "immediately",
                "link_completed": "off",
                "needs_action": "off",
                "access_changed": "off",
            },
        )
        self.choose(self.bob, service_granted="off", link_completed="immediately")
        self.granted()
        self.completed()
        notify_teammates()
        self.assertEqual(
            [(e.to[0], e.subject) for e in OutgoingEmail.objects.order_by("id")],
            [
                ("alice@example.org", "Jane Doe granted Google Ads"),
                ("bob@example.org", "Jane Doe completed their link"),
            ],
        )

    def test_off_means_no_email_and_no_digest(self):
        self.choose(self.bob, intake_completed="off")
        self.intake_completed()
        notify_teammates()
        self.assertEqual(self.emailed(), ["alice@example.org"])
        self.assertFalse(DigestItem.objects.exists())

    def test_a_digest_choice_notes_the_event_for_the_digest_instead(self):
        self.choose(self.bob, link_completed="digest")
        event = self.completed()
        notify_teammates()
        self.assertEqual(self.emailed(), ["alice@example.org"])
        item = DigestItem.objects.get()
        self.assertEqual((item.membership, item.event), (self.membership(self.bob), event))

    def test_a_grant_waiting_for_the_agency_needs_its_action(self):
        # Service granted is off by default; "needs your action" is on.
        self.granted("active", "pending_agency")
        notify_teammates()
        self.assertEqual(self.emailed(), ["alice@example.org", "bob@example.org"])
        email = OutgoingEmail.objects.first()
        assert email is not None
        self.assertEqual(
            email.subject, "Action needed: Jane Doe granted Google Ads, waiting for you to accept"
        )
        self.assertIn("Action needed: Alice & Co has to accept this invitation", email.text)
        self.assertIn("- Google Ads: Bakery account 1 (customers/1001), for", email.text)

    def test_a_grant_with_nothing_waiting_for_the_agency_does_not(self):
        self.granted("active", "pending_client", "pending_review")
        notify_teammates()
        self.assertEqual(self.emailed(), [])

    def test_only_service_granted_can_need_the_agencys_action(self):
        self.completed(
            services=[
                {
                    **CATALOGUE[EventType.LINK_COMPLETED].example["services"][0],
                    "assets": [
                        {
                            **CATALOGUE[EventType.SERVICE_GRANTED].example["assets"][0],
                            "state": "pending_agency",
                        }
                    ],
                }
            ]
        )
        self.choose(self.bob, link_completed="off")
        notify_teammates()
        self.assertEqual(self.emailed(), ["alice@example.org"])
        self.assertNotIn("Action needed", OutgoingEmail.objects.get().subject)

    def test_an_event_of_two_kinds_is_one_email(self):
        self.choose(self.bob, service_granted="immediately", needs_action="immediately")
        self.choose(self.alice, service_granted="digest", needs_action="off")
        self.granted("pending_agency")
        notify_teammates()
        self.assertEqual(self.emailed(), ["bob@example.org"])
        # Alice's digest choice for one of its kinds still notes it.
        self.assertEqual(DigestItem.objects.get().membership, self.membership(self.alice))

    def test_the_most_urgent_choice_of_an_events_kinds_wins(self):
        self.choose(self.bob, service_granted="digest", needs_action="immediately")
        self.granted("pending_agency")
        notify_teammates()
        self.assertIn("bob@example.org", self.emailed())
        self.assertFalse(DigestItem.objects.filter(membership__user=self.bob).exists())

    def test_types_teammates_are_not_emailed_about_are_just_stamped(self):
        for event_type in (EventType.LINK_OPENED, EventType.GRANT_ACTIVATED):
            data = dict(CATALOGUE[event_type].example, link_id=self.link.public_id)
            self.emit(event_type, data)
        self.assertEqual(notify_teammates(), 2)
        self.assertEqual(self.emailed(), [])
        self.assertFalse(Event.objects.teammates_not_notified().exists())

    def test_a_second_run_queues_nothing_more(self):
        self.choose(self.bob, link_completed="digest")
        self.completed()
        self.assertEqual(notify_teammates(), 1)
        self.assertEqual(notify_teammates(), 0)
        self.assertEqual(OutgoingEmail.objects.count(), 1)
        self.assertEqual(DigestItem.objects.count(), 1)

    def test_an_event_already_stamped_is_not_taken(self):
        self.completed()
        Event.objects.update(teammates_notified=timezone.now())
        self.assertEqual(notify_teammates(), 0)
        self.assertEqual(self.emailed(), [])

    def test_a_crash_after_the_emails_were_queued_undoes_them_all(self):
        event = self.completed()
        # The e-mails are queued, then noting the digest items fails: nothing is kept.
        failing = mock.patch.object(DigestItem.objects, "bulk_create", side_effect=RuntimeError)
        with failing, self.assertRaises(RuntimeError):
            notify_teammates()
        self.assertEqual(self.emailed(), [])
        event.refresh_from_db()
        self.assertIsNone(event.teammates_notified)
        self.assertEqual(notify_teammates(), 1)
        self.assertEqual(len(self.emailed()), 2)

    def test_people_whose_account_is_disabled_get_nothing(self):
        User.objects.filter(pk=self.bob.pk).update(is_active=False)
        self.completed()
        notify_teammates()
        self.assertEqual(self.emailed(), ["alice@example.org"])


class WorkerTests(SimpleTestCase):
    def test_the_worker_runs_both_jobs_the_immediate_one_often(self):
        every = {job.func: job.every for job in JOBS}
        self.assertLessEqual(every[notify_teammates], 5)
        self.assertIn(send_daily_digests, every)


class TenantIsolationTests(TeammateEvents):
    def test_charlie_hears_nothing_of_alices_agency_and_alice_nothing_of_his(self):
        self.completed()
        self.completed(link=self.charlies_link)
        notify_teammates()
        by_agency = {
            (email.to[0], email.agency.name if email.agency else "")
            for email in OutgoingEmail.objects.all()
        }
        self.assertEqual(
            by_agency,
            {
                ("alice@example.org", "Alice & Co"),
                ("bob@example.org", "Alice & Co"),
                ("charlie@example.org", "Charlie Ltd"),
            },
        )
        charlies = OutgoingEmail.objects.get(to=["charlie@example.org"])
        self.assertIn(self.charlies_link.public_id, charlies.text)
        self.assertNotIn(self.link.public_id, charlies.text)

    def test_a_teammate_of_both_agencies_hears_of_each_by_their_choice_there(self):
        in_b = Membership.objects.create(user=self.bob, agency=self.agency_b, role=Role.MEMBER)
        set_own_choices(in_b, {"link_completed": "off"})
        self.completed()
        self.completed(link=self.charlies_link)
        notify_teammates()
        self.assertEqual(
            [e.agency for e in OutgoingEmail.objects.filter(to=["bob@example.org"])],
            [self.agency_a],
        )

    def test_another_agencys_defaults_do_not_apply(self):
        set_agency_defaults(
            self.agency_b,
            {
                "service_granted": "off",
                "intake_completed": "off",
                "link_completed": "off",
                "needs_action": "off",
                "access_changed": "off",
            },
        )
        self.completed()
        notify_teammates()
        self.assertEqual(self.emailed(), ["alice@example.org", "bob@example.org"])

    def test_a_removed_teammate_loses_their_digest_items(self):
        self.choose(self.bob, link_completed="digest")
        self.completed()
        notify_teammates()
        self.membership(self.bob).delete()
        self.assertFalse(DigestItem.objects.exists())
        self.assertFalse(NotificationSetting.objects.filter(membership__user=self.bob).exists())
        self.assertEqual(send_daily_digests(NEXT_DAY + timedelta(days=1)), 0)


class EmailContentTests(TeammateEvents):
    def setUp(self):
        self.choose(self.alice, service_granted="immediately")

    def email(self) -> OutgoingEmail:
        notify_teammates()
        return OutgoingEmail.objects.get(to=["alice@example.org"])

    def test_a_service_granted_names_the_client_the_service_its_assets_and_the_link(self):
        self.granted("active", "failed")
        email = self.email()
        link_url = f"http://127.0.0.1:8000/links/{self.link.public_id}/"
        self.assertEqual(email.subject, "Jane Doe granted Google Ads")
        self.assertIn("Client: Jane Doe, Jane's Bakery <jane@example.com>", email.text)
        self.assertIn("Google, Google Ads\n", email.text)
        self.assertIn("- Bakery account 0 (customers/1000): Active\n", email.text)
        self.assertIn("- Bakery account 1 (customers/1001): Failed\n", email.text)
        self.assertIn(f"The link's page: {link_url}\n", email.text)
        self.assertIn("Change them: http://127.0.0.1:8000/account/notifications/", email.text)
        self.assertIn(f'href="{link_url}"', email.html)
        self.assertIn('href="http://127.0.0.1:8000/account/notifications/"', email.html)
        self.assertIn("Jane Doe</strong>, Jane&#x27;s Bakery", email.html)

    def test_a_partial_grant_says_so(self):
        self.granted("active")
        Event.objects.update(body=Event.objects.get().body.replace('"granted"', '"partial"'))
        self.assertEqual(self.email().subject, "Jane Doe granted part of Google Ads")

    def test_an_intake_completed_points_to_the_answers(self):
        self.intake_completed()
        email = self.email()
        self.assertEqual(email.subject, "Jane Doe completed the intake form")
        self.assertIn("The answers are on the link's page.", email.text)
        self.assertNotIn("1500", email.text)

    def test_a_completed_link_lists_each_service_and_never_the_tokens(self):
        secret = "ya29.SECRET-ACCESS-TOKEN"
        tokens = [
            {
                "platform": "Google",
                "accessToken": secret,
                "refreshToken": "1//SECRET-REFRESH",
                "scopes": ["https://www.googleapis.com/auth/adwords"],
                "expiresAt": 1764554400000,
                "keptUntil": 1765000000000,
            }
        ]
        self.completed(tokens=tokens)
        email = self.email()
        self.assertIn("Google, Google Ads: granted\n", email.text)
        self.assertIn("- Jane's Bakery Ads (customers/1234567890): Active", email.text)
        for text in (email.subject, email.text, email.html):
            self.assertNotIn("SECRET", text)

    def test_an_event_naming_no_link_still_goes_out_without_one(self):
        data = {"link_id": "not an id", "client": self.jane.as_api(), "answers": {}}
        self.emit(EventType.INTAKE_COMPLETED, data)
        email = self.email()
        self.assertEqual(email.subject, "Jane Doe completed the intake form")
        self.assertNotIn("The link's page", email.text)
        self.assertNotIn("/links/", email.html)

    def test_the_text_is_not_html_escaped_and_the_html_is(self):
        self.jane.name = "O'Brien <Bakery>"
        self.jane.save()
        self.granted()
        email = self.email()
        self.assertEqual(email.subject, "O'Brien <Bakery> granted Google Ads")
        self.assertIn("Client: O'Brien <Bakery>,", email.text)
        self.assertIn("O&#x27;Brien &lt;Bakery&gt;", email.html)


class DailyDigestTests(TeammateEvents):
    def setUp(self):
        self.choose(self.bob, link_completed="digest", intake_completed="digest")

    def note(self, *events_at: datetime) -> None:
        """Events for Bob's digest, noted at these times."""
        for at in events_at:
            self.completed()
            notify_teammates()
            DigestItem.objects.filter(created__gt=at).update(created=at)
        OutgoingEmail.objects.filter(kind="teammate_notification").delete()  # Alice's at once

    def digests(self) -> list[OutgoingEmail]:
        return list(OutgoingEmail.objects.filter(kind="daily_digest").order_by("id"))

    def test_the_digest_goes_out_once_the_day_is_over_with_everything_since(self):
        self.note(DAY + timedelta(hours=9), DAY + timedelta(hours=15))
        self.assertEqual(send_daily_digests(DAY + timedelta(hours=16)), 0)
        self.assertEqual(send_daily_digests(NEXT_DAY + timedelta(minutes=5)), 1)

        [digest] = self.digests()
        self.assertEqual(digest.to, ["bob@example.org"])
        self.assertEqual(digest.agency, self.agency_a)
        self.assertEqual(digest.subject, "Your daily digest: 2 updates from Alice & Co")
        self.assertEqual(digest.text.count("Jane Doe completed their link"), 2)
        self.assertIn(f"http://127.0.0.1:8000/links/{self.link.public_id}/", digest.text)
        self.assertIn("http://127.0.0.1:8000/account/notifications/", digest.text)
        self.assertIn("Jane Doe completed their link</a>", digest.html)
        self.assertFalse(DigestItem.objects.exists())
        self.assertEqual(Digest.objects.get().events, 2)

    def test_at_most_one_digest_a_day(self):
        self.note(DAY + timedelta(hours=9))
        self.assertEqual(send_daily_digests(NEXT_DAY + timedelta(minutes=5)), 1)
        self.note(NEXT_DAY + timedelta(hours=1))
        self.assertEqual(send_daily_digests(NEXT_DAY + timedelta(hours=23)), 0)
        self.assertEqual(send_daily_digests(NEXT_DAY + timedelta(days=1, minutes=5)), 1)
        self.assertEqual(len(self.digests()), 2)

    def test_a_second_worker_on_the_same_day_sends_nothing(self):
        self.note(DAY + timedelta(hours=9))
        Digest.objects.create(user=self.bob, day=NEXT_DAY.date(), events=1)
        self.assertFalse(send_digest(self.bob, NEXT_DAY.date()))
        self.assertEqual(self.digests(), [])
        self.assertEqual(DigestItem.objects.count(), 1)

    def test_nothing_is_sent_when_there_is_nothing_to_tell(self):
        self.assertEqual(send_daily_digests(NEXT_DAY), 0)
        self.assertFalse(send_digest(self.bob, NEXT_DAY.date()))
        self.assertFalse(Digest.objects.exists())

    def test_one_digest_for_a_teammate_of_two_agencies(self):
        in_b = Membership.objects.create(user=self.bob, agency=self.agency_b, role=Role.MEMBER)
        set_own_choices(in_b, {"link_completed": "digest"})
        self.note(DAY + timedelta(hours=9))
        self.completed(link=self.charlies_link)
        notify_teammates()
        DigestItem.objects.update(created=DAY)
        self.assertEqual(send_daily_digests(NEXT_DAY), 1)
        [digest] = self.digests()
        self.assertEqual(digest.subject, "Your daily digest: 2 updates")
        self.assertIsNone(digest.agency)
        self.assertIn("Alice & Co\n", digest.text)
        self.assertIn("Charlie Ltd\n", digest.text)

    def test_each_user_gets_their_own_digest_only(self):
        self.choose(self.alice, link_completed="digest")
        self.note(DAY)
        self.assertEqual(send_daily_digests(NEXT_DAY), 2)
        self.assertEqual(
            sorted(email.to[0] for email in self.digests()),
            ["alice@example.org", "bob@example.org"],
        )

    def test_an_event_needing_action_is_marked_in_the_digest(self):
        self.choose(self.bob, needs_action="digest")
        self.granted("pending_agency")
        notify_teammates()
        DigestItem.objects.update(created=DAY)
        send_daily_digests(NEXT_DAY)
        [digest] = self.digests()
        self.assertIn(
            "Jane Doe granted Google Ads (action needed: accept the invitation or request)",
            digest.text,
        )
