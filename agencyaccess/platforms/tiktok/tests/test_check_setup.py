"""`agencyaccess check_platform tiktok` against the sandbox: the app's credentials, the agency's
Business Centers and the one set on the connected account, line by line."""

from dataclasses import replace
from unittest import mock

from agencyaccess.accounts.models import Agency
from agencyaccess.platforms.testing import connect
from agencyaccess.platforms.tiktok import checks
from agencyaccess.platforms.tiktok.config import tiktok_settings
from agencyaccess.platforms.tiktok.sandbox import world
from agencyaccess.platforms.tiktok.tests.cast import SandboxTestCase
from agencyaccess.test import CommandResult, run_command

AGENCY_BC = f"Sandbox Agency BC ({world.AGENCY_BC_ID}"


class CheckPlatformTests(SandboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency = Agency.objects.create(name="Demo Agency", support_email="ops@demo.example")

    def _fixture_teardown(self) -> None:
        Agency.objects.filter(pk=self.agency.pk).delete()  # its accounts and tokens with it
        super()._fixture_teardown()

    def check(self, person: str = "ada", **fields: str) -> CommandResult:
        connect(self.agency, "tiktok", self.tokens(person), **fields)
        return run_command("check_platform", "tiktok", "--agency", self.agency.public_id)

    def test_an_admin_of_the_agency_business_center_passes_every_check(self):
        result = self.check(business_center_id=world.AGENCY_BC_ID)

        self.assertEqual((result.code, result.stderr), (0, ""), result.stdout)
        lines = result.stdout.splitlines()
        self.assertIn(
            "  ok       App credentials and authorized advertisers (/oauth2/advertiser/get/): "
            "0 advertiser(s) authorized the app",
            lines,
        )
        self.assertIn(f"  ok       Business Centers (/bc/get/): {AGENCY_BC}, ADMIN)", lines)
        self.assertIn(
            f"  ok       Agency Business Center: {AGENCY_BC}): admin, receives clients' "
            "partner shares",
            lines,
        )

    def test_a_standard_member_cannot_receive_for_the_agency(self):
        result = self.check("sol", business_center_id=world.AGENCY_BC_ID)

        self.assertEqual(result.code, 1)
        self.assertIn(
            f"  MISSING  Agency Business Center: {AGENCY_BC}): this sign-in is STANDARD member, "
            "not an admin, so it cannot accept partner requests nor read what clients share: "
            "sign in with an admin",
            result.stdout.splitlines(),
        )

    def test_a_business_center_the_sign_in_does_not_belong_to(self):
        result = self.check("jane", business_center_id=world.AGENCY_BC_ID)

        self.assertEqual(result.code, 1)
        self.assertIn(
            f"  MISSING  Agency Business Center: {world.AGENCY_BC_ID} is not among this sign-in's "
            "Business Centers: sign in with a member of it or correct business_center_id",
            result.stdout.splitlines(),
        )
        self.assertIn("3 advertiser(s) authorized the app", result.stdout)

    def test_no_business_center_set(self):
        result = self.check()

        self.assertEqual(result.code, 1)
        self.assertIn(
            "  MISSING  Agency Business Center: none set: set business_center_id on the "
            "connected account",
            result.stdout.splitlines(),
        )

    def test_a_wrong_app_secret_is_named(self):
        # The app's secret alone is wrong (the sandbox keeps the right one).
        wrong = replace(tiktok_settings(), secret="not-the-secret")
        with mock.patch.object(checks, "tiktok_settings", return_value=wrong):
            result = self.check(business_center_id=world.AGENCY_BC_ID)

        self.assertEqual(result.code, 1)
        self.assertIn(
            "  MISSING  App credentials and authorized advertisers (/oauth2/advertiser/get/): "
            "refused (40002, HTTP 200): check the app's id and secret in the settings",
            result.stdout.splitlines(),
        )

    def test_a_revoked_sign_in_is_named(self):
        result = self.check("rex", business_center_id=world.AGENCY_BC_ID)

        self.assertEqual(result.code, 1)
        self.assertIn(
            "  MISSING  Business Centers (/bc/get/): refused (40105, HTTP 200)", result.stdout
        )
