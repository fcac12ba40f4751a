"""`agencyaccess check_platform meta` against the sandbox: what it prints and its exit code."""

from collections.abc import Iterable
from unittest import mock

from agencyaccess.accounts.models import Agency
from agencyaccess.platforms.meta import config
from agencyaccess.platforms.meta.sandbox import world
from agencyaccess.platforms.meta.tests.cast import SandboxTestCase
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken
from agencyaccess.test import CommandResult, run_command


class CheckPlatformTests(SandboxTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency = Agency.objects.create(name="Demo Agency", support_email="ops@demo.example")

    def _fixture_teardown(self) -> None:
        Agency.objects.filter(pk=self.agency.pk).delete()  # its accounts and tokens with it
        super()._fixture_teardown()

    def connect(self, person: str = world.AGENCY_PERSON, *, declined: Iterable[str] = ()) -> None:
        account = ConnectedAccount.objects.create(
            agency=self.agency, platform="meta", method=ConnectionMethod.OAUTH
        )
        token = PlatformToken(connected_account=account, platform="meta")
        token.store(self.tokens(person, declined=declined))
        token.save()

    def check(self) -> CommandResult:
        return run_command("check_platform", "meta", "--agency", self.agency.public_id)

    def test_a_good_setup_passes_every_check(self):
        self.connect()

        result = self.check()

        self.assertEqual((result.code, result.stderr), (0, ""))
        lines = result.stdout.splitlines()
        self.assertIn("  ok       App credentials: the configured app refreshed the sign-in", lines)
        self.assertIn(
            "  ok       Permissions (/me/permissions): all 6 needed permissions granted", lines
        )
        self.assertIn(
            f"  ok       Business Managers: Demo Agency ({world.AGENCY_BUSINESS_ID})", lines
        )
        self.assertNotIn("MISSING", result.stdout)

    def test_a_declined_permission_is_named_and_fails(self):
        self.connect(declined=["ads_management"])

        result = self.check()

        self.assertEqual(result.code, 1)
        self.assertEqual(result.stderr, "CommandError: 3 check(s) failed\n")
        lines = result.stdout.splitlines()
        self.assertIn(
            "  MISSING  Permissions (/me/permissions): declined by the person: ads_management "
            "(reconnect, allow them)",
            lines,
        )
        self.assertIn("  MISSING  Scopes for meta_ads: missing ads_management", lines)

    def test_bad_app_credentials_stop_the_checks(self):
        self.connect()

        with mock.patch.object(config, "SANDBOX_APP_SECRET", "not-the-secret"):
            result = self.check()

        self.assertEqual(result.code, 1)
        [*_, last] = result.stdout.splitlines()
        self.assertTrue(
            last.startswith(
                "  MISSING  App credentials: the configured app could not refresh the sign-in (1, "
            ),
            result.stdout,
        )
