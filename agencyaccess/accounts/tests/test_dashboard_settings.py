from agencyaccess.accounts.models import Agency
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.notify.models import NotificationSetting
from agencyaccess.test import BaseTestCase

SETTINGS = "/account/settings/"


class SettingsTests(PageChecks, BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def settings_data(self, **changes) -> dict:
        """The form as the page shows it, with changes."""
        r = self.client.get(SETTINGS)
        data: dict[str, object] = {}
        for form in (r.context["form"], r.context["notifications"]):
            data |= {field.html_name: field.value() for field in form}
        return {k: v for k, v in (data | changes).items() if v not in (None, False)}

    def test_the_page_shows_every_setting_with_a_label(self):
        r = self.client.get(SETTINGS)
        self.assertContains(r, 'value="2, 5, 10"')
        self.assertContains(r, "A client grants a service")
        self.assertAccessiblePage(r)

    def test_alice_changes_the_agency_details_limit_and_reminders(self):
        r = self.client.post(
            SETTINGS,
            self.settings_data(
                name="Alice and Partners",
                website="alice.example",
                support_email="help@alice.example",
                monthly_link_limit="25",
                reminder_days="10; 3 ,3",
            ),
        )
        self.assertRedirects(r, SETTINGS)
        agency = Agency.objects.get(pk=self.agency_a.pk)
        self.assertEqual(agency.name, "Alice and Partners")
        self.assertEqual(agency.website, "https://alice.example")
        self.assertEqual(agency.support_email, "help@alice.example")
        self.assertEqual(agency.monthly_link_limit, 25)
        self.assertEqual(agency.reminder_days, [3, 10])
        self.assertTrue(agency.reminders_enabled)

    def test_line_breaks_in_the_agency_name_become_spaces(self):
        # The name is the sender's name on every e-mail, where a line break cannot be.
        r = self.client.post(SETTINGS, self.settings_data(name="Alice\r\nand Partners"))
        self.assertRedirects(r, SETTINGS)
        self.assertEqual(Agency.objects.get(pk=self.agency_a.pk).name, "Alice and Partners")

    def test_an_empty_limit_means_none_and_reminders_can_be_off(self):
        self.agency_a.monthly_link_limit = 5
        self.agency_a.save()
        data = self.settings_data(monthly_link_limit="", reminder_days="")
        del data["reminders_enabled"]
        self.assertRedirects(self.client.post(SETTINGS, data), SETTINGS)
        agency = Agency.objects.get(pk=self.agency_a.pk)
        self.assertIsNone(agency.monthly_link_limit)
        self.assertFalse(agency.reminders_enabled)

    def test_reminder_days_are_checked(self):
        for days, message in [
            ("2, five", "whole numbers"),
            ("0, 3", "between 1 and 60"),
            ("90", "between 1 and 60"),
            ("3, " + "9" * 5000, "between 1 and 60"),  # int() refuses over 4,300 digits
            ("0" * 5000 + "7, 90", "between 1 and 60"),
            ("2, ²", "whole numbers"),  # a digit to str.isdigit(), no number to int()
            (", ".join(str(d) for d in range(1, 12)), "At most 10"),
            ("", "at least one day"),
        ]:
            with self.subTest(days):
                r = self.client.post(SETTINGS, self.settings_data(reminder_days=days))
                self.assertContains(r, message, status_code=400)
        self.assertEqual(Agency.objects.get(pk=self.agency_a.pk).reminder_days, [2, 5, 10])

    def test_other_fields_are_checked(self):
        r = self.client.post(
            SETTINGS,
            self.settings_data(name="", support_email="not an address", monthly_link_limit="0"),
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(
            set(r.context["form"].errors), {"name", "support_email", "monthly_link_limit"}
        )

    def test_alice_sets_the_agencys_default_notifications(self):
        data = self.settings_data(
            **{
                "notifications-service_granted": "digest",
                "notifications-link_completed": "off",
            }
        )
        self.assertRedirects(self.client.post(SETTINGS, data), SETTINGS)
        defaults = NotificationSetting.objects.filter(agency=self.agency_a, membership=None)
        self.assertEqual(
            dict(defaults.values_list("kind", "frequency")),
            {
                "service_granted": "digest",
                "intake_completed": "immediately",
                "link_completed": "off",
                "needs_action": "immediately",
                "access_changed": "immediately",
            },
        )
        r = self.client.get(SETTINGS)
        self.assertEqual(r.context["notifications"]["service_granted"].value(), "digest")

    def test_a_default_that_is_not_a_choice_is_refused(self):
        data = self.settings_data(**{"notifications-service_granted": "hourly"})
        r = self.client.post(SETTINGS, data)
        self.assertEqual(r.status_code, 400)
        self.assertFalse(NotificationSetting.objects.exists())

    def test_the_agency_defaults_are_alices_agencys_only(self):
        self.client.post(SETTINGS, self.settings_data(**{"notifications-service_granted": "off"}))
        self.assertFalse(NotificationSetting.objects.filter(agency=self.agency_b).exists())

    def test_bob_a_member_cannot_set_the_defaults(self):
        self.client.force_login(self.bob)
        data = {"notifications-service_granted": "immediately"}
        self.assertEqual(self.client.post(SETTINGS, data).status_code, 403)
        self.assertFalse(NotificationSetting.objects.exists())
