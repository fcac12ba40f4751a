"""Each teammate's own notifications page: per agency and kind, immediately, a daily digest,
off, or the agency's default."""

from agencyaccess.accounts.models import Agency, Membership, Role
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.notify.models import NotificationSetting
from agencyaccess.notify.preferences import set_agency_defaults
from agencyaccess.test import BaseTestCase

PAGE = "/account/notifications/"
KINDS = ["service_granted", "intake_completed", "link_completed", "needs_action"]


class OwnNotificationsTests(PageChecks, BaseTestCase):
    def setUp(self):
        self.client.force_login(self.bob)
        self.bobs = Membership.objects.get(user=self.bob, agency=self.agency_a)

    def field(self, kind: str, membership: Membership | None = None) -> str:
        return f"{(membership or self.bobs).public_id}-{kind}"

    def own_choices(self, membership: Membership | None = None) -> dict[str, str]:
        rows = NotificationSetting.objects.filter(membership=membership or self.bobs)
        return dict(rows.values_list("kind", "frequency"))

    def test_bob_sees_what_he_gets_by_the_agencys_default(self):
        set_agency_defaults(
            self.agency_a,
            {
                "service_granted": "digest",
                "intake_completed": "off",
                "link_completed": "immediately",
                "needs_action": "immediately",
                "access_changed": "immediately",
            },
        )
        r = self.client.get(PAGE)
        self.assertContains(r, "The agency&#x27;s default: In a daily digest")
        self.assertContains(r, "The agency&#x27;s default: Off")
        self.assertContains(r, "Alice &amp; Co")
        self.assertAccessiblePage(r)

    def test_bob_chooses_for_himself_and_can_go_back_to_the_default(self):
        data = {self.field(kind): "" for kind in KINDS}
        data[self.field("service_granted")] = "immediately"
        data[self.field("link_completed")] = "digest"
        self.assertRedirects(self.client.post(PAGE, data), PAGE)
        self.assertEqual(
            self.own_choices(), {"service_granted": "immediately", "link_completed": "digest"}
        )
        self.assertEqual(
            self.client.get(PAGE).context["form"][self.field("link_completed")].value(), "digest"
        )

        data[self.field("service_granted")] = ""
        self.assertRedirects(self.client.post(PAGE, data), PAGE)
        self.assertEqual(self.own_choices(), {"link_completed": "digest"})
        # The agency's defaults are untouched: they are the owners'.
        self.assertFalse(NotificationSetting.objects.filter(membership=None).exists())

    def test_a_choice_that_is_not_one_is_refused(self):
        r = self.client.post(PAGE, {self.field("service_granted"): "hourly"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(NotificationSetting.objects.exists())

    def test_bob_in_two_agencies_chooses_for_each(self):
        other = Agency.objects.create(name="Dave's")
        in_other = Membership.objects.create(user=self.bob, agency=other, role=Role.MEMBER)
        data = {self.field(kind, m): "" for kind in KINDS for m in (self.bobs, in_other)}
        data[self.field("intake_completed", in_other)] = "off"
        r = self.client.get(PAGE)
        self.assertContains(r, "Dave&#x27;s")
        self.assertRedirects(self.client.post(PAGE, data), PAGE)
        self.assertEqual(self.own_choices(in_other), {"intake_completed": "off"})
        self.assertEqual(self.own_choices(), {})

    def test_charlies_membership_cannot_be_reached_through_bobs_page(self):
        charlies = Membership.objects.get(user=self.charlie)
        data = {self.field(kind): "" for kind in KINDS}
        data[self.field("service_granted", charlies)] = "immediately"
        self.assertRedirects(self.client.post(PAGE, data), PAGE)
        self.assertFalse(NotificationSetting.objects.filter(membership=charlies).exists())
        self.assertNotContains(self.client.get(PAGE), "Charlie Ltd")

    def test_the_page_needs_a_login(self):
        self.client.logout()
        r = self.client.get(PAGE)
        self.assertEqual(r.status_code, 302)
        self.assertIn("/account/login/", r["Location"])
