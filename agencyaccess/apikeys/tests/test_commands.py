import re
from io import StringIO

from django.core.management import CommandError, call_command

from agencyaccess.accounts.actions import create_agency
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.test import BaseTestCase, run_command

KEY = re.compile(r"^aak_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}$")
CAPABILITY_LIST = ",".join(API_CAPABILITIES)


class CreateApiKeyTests(BaseTestCase):
    def test_it_prints_only_the_key_which_opens_the_api(self):
        result = run_command(
            "create_api_key",
            "--agency",
            self.agency_a.public_id,
            "--name",
            "Zapier",
            "--capabilities",
            "all",
        )

        self.assertEqual((result.code, result.stderr), (0, ""))
        key = result.stdout.removesuffix("\n")
        self.assertRegex(key, KEY)
        row = ApiKey.objects.get(agency=self.agency_a, name="Zapier")
        self.assertEqual(row.capabilities, list(API_CAPABILITIES))
        self.assertNotIn(key.rsplit("_", 1)[1], row.digest)
        self.assertOk(self.api_get("/api/clients/retrieve", key, id=self.jane.public_id))

    def test_the_agency_may_be_named_by_its_owners_email_in_any_case(self):
        stdout = StringIO()
        call_command(
            "create_api_key",
            agency="ALICE@example.org",
            name="Zapier",
            capabilities="all",
            stdout=stdout,
        )
        self.assertRegex(stdout.getvalue().strip(), KEY)
        self.assertTrue(ApiKey.objects.filter(agency=self.agency_a, name="Zapier").exists())

    def test_a_teammates_email_does_not_name_the_agency(self):
        result = run_command(
            "create_api_key", "--agency", "bob@example.org", "--name", "K", "--capabilities", "all"
        )
        self.assertEqual(result.code, 1)
        self.assertEqual(
            result.stderr, 'CommandError: no agency has the id or owner e-mail "bob@example.org"\n'
        )
        self.assertFalse(ApiKey.objects.filter(name="K").exists())

    def test_an_owner_of_several_agencies_must_name_the_agency_by_id(self):
        second = create_agency("Alice's Second Shop", "alice@example.org")
        result = run_command(
            "create_api_key",
            "--agency",
            "alice@example.org",
            "--name",
            "K",
            "--capabilities",
            "all",
        )
        self.assertEqual(result.code, 1)
        self.assertEqual(
            result.stderr,
            'CommandError: "alice@example.org" owns several agencies: name the agency by its id\n',
        )
        self.assertFalse(ApiKey.objects.filter(name="K").exists())

        by_id = run_command(
            "create_api_key", "--agency", second.public_id, "--name", "K", "--capabilities", "all"
        )
        self.assertEqual(by_id.code, 0)
        self.assertEqual(ApiKey.objects.get(name="K").agency, second)

    def test_a_list_of_capabilities_in_any_order_is_kept_in_the_guides_order(self):
        run_command(
            "create_api_key",
            "--agency",
            self.agency_a.public_id,
            "--name",
            "Reader",
            "--capabilities",
            " clients:retrieve , links:retrieve,links:retrieve",
        )
        self.assertEqual(
            ApiKey.objects.get(name="Reader").capabilities, ["links:retrieve", "clients:retrieve"]
        )

    def test_an_unknown_capability_is_one_line_on_stderr(self):
        result = run_command(
            "create_api_key",
            "--agency",
            self.agency_a.public_id,
            "--name",
            "K",
            "--capabilities",
            "links:create,links:delete,admin",
        )
        self.assertEqual((result.code, result.stdout), (1, ""))
        self.assertEqual(
            result.stderr,
            f"CommandError: unknown capabilities: links:delete, admin; use 'all' or a "
            f"comma-separated list of {CAPABILITY_LIST}\n",
        )
        self.assertFalse(ApiKey.objects.filter(name="K").exists())

    def test_no_capabilities_at_all_is_refused(self):
        with self.assertRaisesMessage(CommandError, "unknown capabilities: (none given)"):
            call_command(
                "create_api_key", agency=self.agency_a.public_id, name="K", capabilities=" , "
            )
        with self.assertRaisesMessage(CommandError, "unknown capabilities: ALL"):
            call_command(
                "create_api_key", agency=self.agency_a.public_id, name="K", capabilities="ALL"
            )

    def test_a_duplicate_name_is_refused(self):
        result = run_command(
            "create_api_key",
            "--agency",
            self.agency_a.public_id,
            "--name",
            "Alice's key",
            "--capabilities",
            "all",
        )
        self.assertEqual(result.code, 1)
        self.assertEqual(
            result.stderr,
            'CommandError: the agency already has a key named "Alice\'s key": roll it or pick another name\n',
        )
        self.assertEqual(ApiKey.objects.filter(agency=self.agency_a).count(), 1)

    def test_the_name_of_a_revoked_key_may_be_used_again(self):
        self.alice_key_row.revoke()
        result = run_command(
            "create_api_key",
            "--agency",
            self.agency_a.public_id,
            "--name",
            "Alice's key",
            "--capabilities",
            "all",
        )
        self.assertEqual(result.code, 0)

    def test_another_agency_may_use_the_same_name(self):
        result = run_command(
            "create_api_key",
            "--agency",
            self.agency_b.public_id,
            "--name",
            "Alice's key",
            "--capabilities",
            "all",
        )
        self.assertEqual(result.code, 0)

    def test_an_empty_name_is_refused(self):
        with self.assertRaisesMessage(CommandError, "the key name must not be empty"):
            call_command(
                "create_api_key", agency=self.agency_a.public_id, name=" ", capabilities="all"
            )

    def test_an_unknown_agency_is_one_line_on_stderr(self):
        result = run_command(
            "create_api_key", "--agency", "NoSuchAgency", "--name", "K", "--capabilities", "all"
        )
        self.assertEqual((result.code, result.stdout), (1, ""))
        self.assertEqual(
            result.stderr, 'CommandError: no agency has the id or owner e-mail "NoSuchAgency"\n'
        )

    def test_a_missing_argument_is_one_line_on_stderr(self):
        result = run_command("create_api_key", "--agency", self.agency_a.public_id, "--name", "K")
        self.assertEqual((result.code, result.stdout), (1, ""))
        self.assertEqual(
            result.stderr, "CommandError: the following arguments are required: --capabilities\n"
        )


class RollApiKeyTests(BaseTestCase):
    def test_it_prints_only_the_new_key_and_the_old_one_dies_at_once(self):
        result = run_command(
            "roll_api_key", "--agency", "alice@example.org", "--name", "Alice's key"
        )

        self.assertEqual((result.code, result.stderr), (0, ""))
        new_key = result.stdout.removesuffix("\n")
        self.assertRegex(new_key, KEY)
        self.assertError(
            self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id), 401
        )
        self.assertOk(self.api_get("/api/clients/retrieve", new_key, id=self.jane.public_id))

    def test_the_key_keeps_its_name_capabilities_and_row(self):
        self.alice_key_row.capabilities = ["clients:retrieve"]
        self.alice_key_row.rate_limit_per_minute = 10
        self.alice_key_row.save()

        call_command(
            "roll_api_key", agency=self.agency_a.public_id, name="Alice's key", stdout=StringIO()
        )

        rolled = ApiKey.objects.get(agency=self.agency_a)
        self.assertEqual(rolled.pk, self.alice_key_row.pk)
        self.assertEqual(
            (rolled.name, rolled.capabilities, rolled.rate_limit_per_minute),
            ("Alice's key", ["clients:retrieve"], 10),
        )
        self.assertNotEqual(rolled.lookup, self.alice_key_row.lookup)

    def test_an_unknown_key_name_is_one_line_on_stderr(self):
        result = run_command("roll_api_key", "--agency", self.agency_a.public_id, "--name", "Nope")
        self.assertEqual((result.code, result.stdout), (1, ""))
        self.assertEqual(result.stderr, 'CommandError: the agency has no key named "Nope"\n')

    def test_another_agencys_key_cannot_be_rolled(self):
        result = run_command(
            "roll_api_key", "--agency", self.agency_a.public_id, "--name", "Charlie's key"
        )
        self.assertEqual(result.code, 1)
        self.assertOk(
            self.api_get(
                "/api/clients/retrieve", self.charlie_key, id=self.charlies_client.public_id
            )
        )

    def test_a_revoked_key_cannot_be_rolled(self):
        self.alice_key_row.revoke()
        with self.assertRaisesMessage(CommandError, 'the agency has no key named "Alice\'s key"'):
            call_command("roll_api_key", agency=self.agency_a.public_id, name="Alice's key")

    def test_an_unknown_agency_is_one_line_on_stderr(self):
        result = run_command(
            "roll_api_key", "--agency", "nobody@example.org", "--name", "Alice's key"
        )
        self.assertEqual(result.code, 1)
        self.assertEqual(
            result.stderr,
            'CommandError: no agency has the id or owner e-mail "nobody@example.org"\n',
        )
