from agencyaccess.accounts.access import SESSION_AGENCY
from agencyaccess.accounts.models import Agency, Membership
from agencyaccess.test import BaseTestCase

SWITCH = "/account/switch/"


class SwitcherTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Bob also works for Charlie.
        Membership.objects.create(user=cls.bob, agency=cls.agency_b)

    def working_in(self) -> Agency:
        """The agency the dashboard shows now."""
        return self.client.get("/account/security/").context["request"].agency

    def test_a_user_in_one_agency_sees_no_switcher(self):
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get("/account/security/"), "Switch agency")

    def test_bob_works_in_his_first_agency_until_he_switches(self):
        self.client.force_login(self.bob)
        self.assertContains(self.client.get("/account/security/"), "Switch agency")
        self.assertEqual(self.working_in(), self.agency_a)

        r = self.client.post(SWITCH, {"agency": self.agency_b.public_id})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.session[SESSION_AGENCY], self.agency_b.public_id)
        self.assertEqual(self.working_in(), self.agency_b)
        r = self.client.get("/account/security/")
        self.assertContains(r, f'value="{self.agency_b.public_id}" selected')

    def test_alice_cannot_switch_to_an_agency_she_is_not_in(self):
        self.client.force_login(self.alice)
        r = self.client.post(SWITCH, {"agency": self.agency_b.public_id})
        self.assertEqual(r.status_code, 404)
        self.assertNotIn(SESSION_AGENCY, self.client.session)
        self.assertEqual(self.working_in(), self.agency_a)

    def test_switching_takes_a_post(self):
        self.client.force_login(self.bob)
        r = self.client.get(SWITCH, {"agency": self.agency_b.public_id})
        self.assertEqual(r.status_code, 405)

    def test_after_removal_from_the_chosen_agency_bob_falls_back_to_his_other_one(self):
        self.client.force_login(self.bob)
        self.client.post(SWITCH, {"agency": self.agency_b.public_id})
        Membership.objects.filter(user=self.bob, agency=self.agency_b).delete()
        self.assertEqual(self.working_in(), self.agency_a)
