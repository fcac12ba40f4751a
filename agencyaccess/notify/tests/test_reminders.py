"""Automatic reminders (notify/reminders.py): on the agency's schedule, once each, stopping when
the link is complete. The job is called directly, at chosen moments; no sleeping."""

from datetime import timedelta

from django.utils import timezone

from agencyaccess.links.models import Link, RequestedService, ServiceStatus
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.notify.reminders import remind, send_due_reminders
from agencyaccess.test import BaseTestCase
from agencyaccess.worker import JOBS

DAY = timedelta(days=1)


class ReminderJobTests(BaseTestCase):
    def setUp(self):
        self.created = timezone.now() - 30 * DAY
        Link.objects.filter(pk__in=[self.link.pk, self.charlies_link.pk]).update(
            created=self.created, last_reminder=self.created
        )
        self.link.refresh_from_db()
        # Charlie's link asks for nothing yet: give it a service, so only schedules differ.
        RequestedService.objects.create(
            link=self.charlies_link,
            platform="google",
            service_key="google_ads",
            access_level="ADMIN",
        )

    def run_on_day(self, day: float) -> int:
        return send_due_reminders(now=self.created + day * DAY)

    def reminders(self, link: Link | None = None):
        return OutgoingEmail.objects.filter(kind="reminder", link=link or self.link)

    def test_the_default_schedule_is_two_five_and_ten_days(self):
        sent_on = []
        for day in (1, 2, 2.5, 4.9, 5, 6, 10, 11, 30):
            before = self.reminders().count()
            self.run_on_day(day)
            if self.reminders().count() > before:
                sent_on.append(day)
        self.assertEqual(sent_on, [2, 5, 10])
        self.link.refresh_from_db()
        self.assertEqual(self.link.reminders_sent, 3)
        self.assertEqual(self.link.last_reminder, self.created + 10 * DAY)

    def test_a_due_reminder_is_an_email_to_the_client_and_cc(self):
        self.link.cc = [{"name": "", "email": "ann@jane.example"}]
        self.link.save()
        self.assertEqual(self.run_on_day(2), 2)  # Jane's, and Charlie's client's
        email = self.reminders().get()
        self.assertEqual(email.to, ["Jane Doe <jane@example.com>"])
        self.assertEqual(email.cc, ["ann@jane.example"])
        self.assertEqual(
            email.subject, "Reminder: Alice & Co is still waiting for access to your accounts"
        )
        self.assertIn("Google Ads", email.text)
        self.assertIn(self.link.url, email.html)
        self.assertEqual(email.status, OutgoingEmail.Status.QUEUED)

    def test_the_email_lists_only_what_is_still_missing(self):
        RequestedService.objects.create(
            link=self.link,
            platform="meta",
            service_key="meta_ads",
            access_level="ANALYZE",
            position=1,
        )
        self.link.services.filter(service_key="google_ads").update(status=ServiceStatus.GRANTED)
        self.link.intake_form_requested = True
        self.link.save()
        self.run_on_day(2)
        text = self.reminders().get().text
        self.assertIn("- Meta Ads", text)
        self.assertNotIn("Google Ads", text)
        self.assertIn("a few questions about your business", text)

    def test_not_due_yet(self):
        self.assertEqual(self.run_on_day(1.9), 0)
        self.assertFalse(OutgoingEmail.objects.exists())

    def test_a_complete_link_is_not_reminded(self):
        Link.objects.filter(pk=self.link.pk).update(completed=self.created + DAY)
        self.run_on_day(3)
        self.assertFalse(self.reminders().exists())

    def test_an_agency_that_turned_reminders_off(self):
        self.agency_a.reminders_enabled = False
        self.agency_a.save()
        self.run_on_day(3)
        self.assertFalse(self.reminders().exists())
        self.assertTrue(
            self.reminders(self.charlies_link).exists(), "Charlie's agency still reminds"
        )

    def test_each_agency_its_own_schedule(self):
        self.agency_b.reminder_days = [1, 20]
        self.agency_b.save()
        self.run_on_day(1)
        self.assertFalse(self.reminders().exists())
        self.assertTrue(self.reminders(self.charlies_link).exists())
        self.run_on_day(12)
        self.assertEqual(self.reminders(self.charlies_link).count(), 1)
        self.agency_a.reminder_days = []
        self.agency_a.save()
        Link.objects.filter(pk=self.link.pk).update(reminders_sent=0)
        self.run_on_day(25)
        self.assertEqual(self.reminders().count(), 1, "no schedule, no more reminders")

    def test_a_worker_that_was_down_sends_one_reminder_not_all_it_missed(self):
        self.assertEqual(self.run_on_day(12), 2)
        self.assertEqual(self.reminders().count(), 1)
        self.link.refresh_from_db()
        self.assertEqual(self.link.reminders_sent, 3)
        self.assertEqual(self.run_on_day(13), 0)

    def test_two_workers_send_once(self):
        stale = Link.objects.select_related("agency", "client").get(pk=self.link.pk)
        other = Link.objects.select_related("agency", "client").get(pk=self.link.pk)
        now = self.created + 3 * DAY
        self.assertTrue(remind(stale, now))
        self.assertFalse(remind(other, now))
        self.assertEqual(self.reminders().count(), 1)

    def test_a_link_completed_after_it_was_read_is_not_reminded(self):
        read = Link.objects.select_related("agency", "client").get(pk=self.link.pk)
        Link.objects.filter(pk=self.link.pk).update(completed=timezone.now())
        self.assertFalse(remind(read, self.created + 3 * DAY))
        self.assertFalse(self.reminders().exists())

    def test_a_reminder_sent_by_hand_counts(self):
        self.client.force_login(self.alice)
        Link.objects.filter(pk=self.link.pk).update(created=timezone.now() - DAY)
        self.client.post(f"/links/{self.link.public_id}/remind/")
        self.link.refresh_from_db()
        self.assertEqual(self.link.reminders_sent, 1)
        # Day 2 is covered by the reminder just sent; the next one is on day 5.
        self.assertEqual(send_due_reminders(now=self.link.created + 3 * DAY), 1)  # Charlie's
        self.assertEqual(self.reminders().count(), 1)
        send_due_reminders(now=self.link.created + 5 * DAY)
        self.assertEqual(self.reminders().count(), 2)

    def test_the_worker_runs_the_job(self):
        self.assertIn(send_due_reminders, [job.func for job in JOBS])
