from django.test import override_settings

from agencyaccess.accounts import throttle
from agencyaccess.accounts.access import SESSION_AGENCY
from agencyaccess.accounts.models import Agency, Membership, Role, User
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.accounts.tests.test_dashboard_team import TeamTestCase
from agencyaccess.test import BaseTestCase, rate_limit_clock

SIGN_UP = "/account/signup/"


def sign_up_data(**changes: str) -> dict[str, str]:
    return {
        "agency_name": "Dana Digital",
        "name": "Dana",
        "email": "Dana@Example.org",
        "password": "correct horse battery",
    } | changes


class SignUpTests(PageChecks, BaseTestCase):
    def test_the_page_has_a_labelled_form(self):
        r = self.client.get(SIGN_UP)
        self.assertEqual(r.status_code, 200)
        self.assertAccessiblePage(r)

    def test_signing_up_creates_an_agency_owned_by_the_new_user_who_is_logged_in(self):
        r = self.client.post(SIGN_UP, sign_up_data())
        self.assertRedirects(r, "/", fetch_redirect_response=False)

        dana = User.objects.get(email="dana@example.org")
        self.assertEqual(dana.name, "Dana")
        self.assertTrue(dana.check_password("correct horse battery"))
        agency = Agency.objects.get(name="Dana Digital")
        self.assertEqual(agency.support_email, "dana@example.org")
        self.assertTrue(
            Membership.objects.filter(user=dana, agency=agency, role=Role.OWNER).exists()
        )
        self.assertEqual(self.client.session["_auth_user_id"], str(dana.pk))

    def test_an_address_that_has_an_account_is_refused(self):
        r = self.client.post(SIGN_UP, sign_up_data(email="ALICE@example.org"))
        self.assertContains(r, "There is already an account with this address")
        self.assertFalse(Agency.objects.filter(name="Dana Digital").exists())

    def test_weak_passwords_are_refused_with_djangos_validators(self):
        for password, reason in [
            ("short1", "too short"),
            ("password123", "too common"),
            ("8264019375", "entirely numeric"),
            ("dana@example.org", "too similar"),
        ]:
            with self.subTest(password):
                r = self.client.post(SIGN_UP, sign_up_data(password=password))
                self.assertContains(r, reason)
        self.assertFalse(User.objects.filter(email="dana@example.org").exists())

    def test_every_field_is_required(self):
        r = self.client.post(SIGN_UP, {"agency_name": ""})
        self.assertEqual(r.context["form"].errors.keys(), sign_up_data().keys())


class NoAgencyTests(PageChecks, BaseTestCase):
    def test_a_user_in_no_agency_is_sent_to_the_page_that_offers_to_start_one(self):
        loner = User.objects.create_user("loner@example.org", "password")
        self.client.force_login(loner)
        r = self.client.get("/account/security/")
        self.assertRedirects(r, "/account/no-agency/")
        r = self.client.get("/account/no-agency/")
        self.assertContains(r, "You are not in an agency")
        self.assertAccessiblePage(r)

        r = self.client.post("/account/no-agency/", {"name": "Loner Ltd"})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        agency = Agency.objects.get(name="Loner Ltd")
        self.assertEqual(agency.memberships.get().user, loner)
        self.assertEqual(self.client.session[SESSION_AGENCY], agency.public_id)

    def test_a_user_with_an_agency_is_sent_home(self):
        self.client.force_login(self.bob)
        r = self.client.post("/account/no-agency/", {"name": "Bob's own"})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertFalse(Agency.objects.filter(name="Bob's own").exists())


class SignUpThrottlingTests(BaseTestCase):
    def sign_up(self, n: int, address: str = "192.0.2.1"):
        data = sign_up_data(email=f"dana{n}@example.org", agency_name=f"Dana {n}")
        response = self.client.post(SIGN_UP, data, REMOTE_ADDR=address)
        self.client.logout()
        return response

    def test_one_address_signs_up_ten_times_in_fifteen_minutes_then_waits(self):
        with rate_limit_clock():
            for n in range(throttle.SIGN_UPS_PER_ADDRESS):
                self.assertEqual(self.sign_up(n).status_code, 302)
            r = self.sign_up(99)
            self.assertContains(r, "too many attempts from your network", status_code=429)
            self.assertContains(r, "try again in 15 minutes", status_code=429)
            self.assertEqual(r["Retry-After"], str(15 * 60 - 30))
            self.assertFalse(Agency.objects.filter(name="Dana 99").exists())
            # Another address is not held back.
            self.assertEqual(self.sign_up(99, address="198.51.100.7").status_code, 302)

    def test_refused_submissions_count_too(self):
        # Each answer says whether an address has an account: asking is what is limited.
        with rate_limit_clock():
            for _ in range(throttle.SIGN_UPS_PER_ADDRESS):
                self.client.post(SIGN_UP, sign_up_data(email="alice@example.org"))
            r = self.client.post(SIGN_UP, sign_up_data(email="alice@example.org"))
        self.assertNotContains(r, "There is already an account", status_code=429)


@override_settings(SIGNUP_ENABLED=False)
class ClosedSignUpTests(TeamTestCase):
    def test_nobody_signs_up_and_the_login_page_does_not_offer_it(self):
        self.assertContains(self.client.get(SIGN_UP), "Sign-up is closed", status_code=403)
        r = self.client.post(SIGN_UP, sign_up_data())
        self.assertEqual(r.status_code, 403)
        self.assertFalse(User.objects.filter(email="dana@example.org").exists())
        self.assertFalse(Agency.objects.filter(name="Dana Digital").exists())
        self.assertNotContains(self.client.get("/account/login/"), SIGN_UP)

    def test_an_invitation_still_makes_an_account(self):
        link = self.invite("dana@example.org")
        r = self.client.post(link, {"name": "Dana", "password": "correct horse battery"})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.membership(User.objects.get(email="dana@example.org")).role, "member")


class SignUpOpenTests(BaseTestCase):
    def test_the_login_page_offers_sign_up_by_default(self):
        self.assertContains(self.client.get("/account/login/"), f'href="{SIGN_UP}"')
