from io import StringIO

from django.core.management import CommandError, call_command

from agencyaccess.accounts.models import Agency, Membership, Role, User
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.test import BaseTestCase, run_command


class CreateAgencyTests(BaseTestCase):
    def test_it_prints_only_the_new_agencys_id(self):
        result = run_command(
            "create_agency", "--name", "Dana Digital", "--email", "dana@example.org"
        )

        self.assertEqual((result.code, result.stderr), (0, ""))
        public_id = result.stdout.removesuffix("\n")
        self.assertTrue(looks_like_public_id(public_id), result.stdout)
        agency = Agency.objects.get(public_id=public_id)
        self.assertEqual((agency.name, agency.support_email), ("Dana Digital", "dana@example.org"))
        owner = agency.owner
        assert owner is not None
        self.assertEqual(owner.email, "dana@example.org")
        self.assertFalse(owner.has_usable_password())

    def test_a_password_lets_the_new_owner_log_in(self):
        stdout = StringIO()
        call_command(
            "create_agency",
            name="Dana Digital",
            email="Dana@Example.org",
            password="s3cret-pass",
            stdout=stdout,
        )
        dana = User.objects.get(email="dana@example.org")
        self.assertTrue(dana.check_password("s3cret-pass"))
        self.assertTrue(looks_like_public_id(stdout.getvalue().strip()))

    def test_an_existing_user_becomes_the_owner_without_a_second_account(self):
        users = User.objects.count()
        result = run_command(
            "create_agency", "--name", "Bob's Side Gig", "--email", "BOB@example.org"
        )

        agency = Agency.objects.get(public_id=result.stdout.strip())
        self.assertEqual(User.objects.count(), users)
        self.assertEqual(agency.owner, self.bob)
        self.assertTrue(
            Membership.objects.filter(
                user=self.bob, agency=self.agency_a, role=Role.MEMBER
            ).exists()
        )
        self.assertTrue(self.bob.check_password("password"))

    def test_an_existing_users_password_is_never_set_by_the_command(self):
        result = run_command(
            "create_agency",
            "--name",
            "Takeover",
            "--email",
            "bob@example.org",
            "--password",
            "hijacked-pass",
        )

        self.assertEqual(result.code, 1)
        self.assertEqual(result.stdout, "")
        self.assertIn("already exists", result.stderr)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password("password"))
        self.assertFalse(Agency.objects.filter(name="Takeover").exists())

    def test_an_invalid_email_is_one_line_on_stderr(self):
        result = run_command("create_agency", "--name", "Dana Digital", "--email", "dana")

        self.assertEqual(result.code, 1)
        self.assertEqual(result.stdout, "")
        self.assertEqual(
            result.stderr,
            "CommandError: The owner's e-mail address must be a valid e-mail address, such as jane@example.com.\n",
        )
        self.assertFalse(Agency.objects.filter(name="Dana Digital").exists())

    def test_line_breaks_in_the_name_become_spaces(self):
        call_command(
            "create_agency", name="Dana\rDigital", email="d@example.org", stdout=StringIO()
        )
        self.assertTrue(Agency.objects.filter(name="Dana Digital").exists())

    def test_an_empty_name_is_refused(self):
        with self.assertRaisesMessage(CommandError, "The agency name must not be empty."):
            call_command("create_agency", name="  ", email="dana@example.org", stdout=StringIO())
        self.assertFalse(User.objects.filter(email="dana@example.org").exists())

    def test_missing_arguments_are_one_line_on_stderr(self):
        result = run_command("create_agency", "--name", "Dana Digital")
        self.assertEqual(result.code, 1)
        self.assertEqual(result.stdout, "")
        self.assertEqual(
            result.stderr, "CommandError: the following arguments are required: --email\n"
        )

    def test_an_unknown_argument_is_one_line_on_stderr(self):
        result = run_command(
            "create_agency", "--name", "X", "--email", "x@example.org", "--colour", "red"
        )
        self.assertEqual(result.code, 1)
        self.assertEqual(result.stderr.count("\n"), 1)
        self.assertIn("unrecognized arguments: --colour red", result.stderr)
        self.assertFalse(Agency.objects.filter(name="X").exists())
