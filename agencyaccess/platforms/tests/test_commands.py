from io import StringIO

from django.core.management import CommandError, call_command

from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod
from agencyaccess.test import BaseTestCase, run_command


class AddConnectedAccountTests(BaseTestCase):
    def add(self, *argv: str):
        return run_command("add_connected_account", "--agency", self.agency_a.public_id, *argv)

    def assertOneLineError(self, result, message: str) -> None:
        self.assertEqual((result.code, result.stdout), (1, ""), result.stderr)
        self.assertEqual(result.stderr, f"CommandError: {message}\n")

    def assertNothingAdded(self) -> None:
        self.assertEqual(ConnectedAccount.objects.filter(agency=self.agency_a).count(), 2)

    def test_it_prints_only_the_internal_account_id(self):
        result = self.add(
            "--platform",
            "Google",
            "--email",
            "Ads2@Alice.example",
            "--name",
            "Second Google login",
            "--field",
            "google_ads_manager_ids=123-456-7890, 0987654321",
        )

        self.assertEqual((result.code, result.stderr), (0, ""))
        public_id = result.stdout.removesuffix("\n")
        self.assertTrue(looks_like_public_id(public_id), result.stdout)
        account = ConnectedAccount.objects.get(public_id=public_id)
        self.assertEqual((account.agency, account.platform), (self.agency_a, "google"))
        self.assertEqual(
            (account.email, account.name), ("ads2@alice.example", "Second Google login")
        )
        self.assertEqual(account.fields, {"google_ads_manager_ids": ["1234567890", "0987654321"]})
        self.assertEqual(account.method, ConnectionMethod.MANUAL)

    def test_the_new_account_can_receive_access_through_the_api(self):
        public_id = self.add("--platform", "meta", "--field", "business_id=1234").stdout.strip()
        r = self.api_post(
            "/api/links/create",
            {
                "clientID": self.jane.public_id,
                "requestedAccounts": {
                    "Meta": {
                        "Meta Ads": {"requestedAccountLinks": [{"internalAccountID": public_id}]}
                    }
                },
            },
            self.alice_key,
        )
        self.assertOk(r)

    def test_the_platform_is_named_in_any_case(self):
        for platform, key, fields in [
            ("google", "google", []),
            ("META", "meta", ["business_id=1"]),
            (" TikTok ", "tiktok", ["business_center_id=42"]),
            ("hubspot", "hubspot", []),
        ]:
            with self.subTest(platform):
                stdout = StringIO()
                call_command(
                    "add_connected_account",
                    agency="alice@example.org",
                    platform=platform,
                    email="ops@alice.example",
                    field=fields,
                    stdout=stdout,
                )
                self.assertEqual(
                    ConnectedAccount.objects.get(public_id=stdout.getvalue().strip()).platform, key
                )

    def test_the_name_defaults_to_the_email(self):
        public_id = self.add("--platform", "Reddit", "--email", "ops@alice.example").stdout.strip()
        self.assertEqual(
            ConnectedAccount.objects.get(public_id=public_id).name, "ops@alice.example"
        )

    def test_the_email_may_come_as_a_field(self):
        public_id = self.add(
            "--platform", "Klaviyo", "--field", "email=ops@alice.example"
        ).stdout.strip()
        account = ConnectedAccount.objects.get(public_id=public_id)
        self.assertEqual((account.email, account.fields), ("ops@alice.example", {}))

    def test_an_unknown_platform_is_one_line_on_stderr(self):
        result = self.add("--platform", "Myspace", "--email", "ops@alice.example")
        self.assertEqual(result.code, 1)
        self.assertTrue(
            result.stderr.startswith(
                'CommandError: unknown platform "Myspace"; platforms: Google, Meta, '
            )
        )
        self.assertEqual(result.stderr.count("\n"), 1)
        self.assertNothingAdded()

    def test_a_field_without_a_value_is_refused(self):
        self.assertOneLineError(
            self.add("--platform", "Meta", "--field", "business_id"),
            '--field takes KEY=VALUE, got "business_id"',
        )
        self.assertOneLineError(
            self.add("--platform", "Meta", "--field", "=1234"),
            '--field takes KEY=VALUE, got "=1234"',
        )
        self.assertNothingAdded()

    def test_an_unknown_field_is_refused_with_the_platforms_fields(self):
        self.assertOneLineError(
            self.add("--platform", "Meta", "--field", "business_id=1", "--field", "colour=red"),
            "Meta accounts have no field colour; their fields are: business_id, email.",
        )
        self.assertNothingAdded()

    def test_a_required_field_is_required(self):
        self.assertOneLineError(
            self.add("--platform", "Meta", "--email", "ops@alice.example"),
            "Meta accounts need business manager id (business_id).",
        )
        self.assertOneLineError(
            self.add("--platform", "Google"), "Google accounts need email address (email)."
        )
        self.assertOneLineError(
            self.add("--platform", "Shopify", "--field", "partner_organization=  "),
            "Shopify accounts need shopify partner organization (partner_organization).",
        )
        self.assertNothingAdded()

    def test_field_values_are_checked_by_kind(self):
        self.assertOneLineError(
            self.add("--platform", "Meta", "--field", "business_id=12ab"),
            "business_id must be digits only.",
        )
        self.assertOneLineError(
            self.add("--platform", "Google", "--email", "not-an-email"),
            "email must be a valid e-mail address, such as jane@example.com.",
        )
        self.assertOneLineError(
            self.add("--platform", "Shopify", "--field", "partner_organization=" + "x" * 501),
            "partner_organization must be at most 500 characters.",
        )
        self.assertNothingAdded()

    def test_google_ads_manager_ids_must_be_customer_ids(self):
        for value in ["12345", "123-456-7890,nope", ",", "123 456 7890"]:
            with self.subTest(value):
                self.assertOneLineError(
                    self.add(
                        "--platform",
                        "Google",
                        "--email",
                        "a@alice.example",
                        "--field",
                        f"google_ads_manager_ids={value}",
                    ),
                    "google_ads_manager_ids must be 10-digit Google Ads customer ids separated by commas, "
                    "such as 123-456-7890.",
                )
        self.assertNothingAdded()

    def test_an_unknown_agency_is_refused(self):
        with self.assertRaisesMessage(
            CommandError, 'no agency has the id or owner e-mail "nobody"'
        ):
            call_command(
                "add_connected_account", agency="nobody", platform="Google", email="a@b.example"
            )

    def test_missing_arguments_are_one_line_on_stderr(self):
        result = run_command("add_connected_account", "--agency", self.agency_a.public_id)
        self.assertOneLineError(result, "the following arguments are required: --platform")
