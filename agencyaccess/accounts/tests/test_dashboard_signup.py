from agencyaccess.accounts.access import SESSION_AGENCY
from agencyaccess.accounts.models import Agency, Membership, Role, User
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.test import BaseTestCase

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
