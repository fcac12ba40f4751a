"""Grant messages stored worded in the client's language become msgids and values (links 0008),
each traced through its client's language."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import translation

from agencyaccess.platforms.google.connectors import invited

BEFORE = [("links", "0007_grant_drift_and_access_until")]
AFTER = [("links", "0008_grant_message_in_each_readers_language")]
PLATFORMS_OWN = "(#200) Requires business_management permission"


class TraceMessagesTests(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return MigrationExecutor(connection).loader.project_state(targets).apps

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    def test_spanish_and_dutch_messages_are_traced_and_others_kept(self):
        apps = self.migrate(BEFORE)
        agency = apps.get_model("accounts", "Agency").objects.create(name="Alice & Co")
        account = apps.get_model("platforms", "ConnectedAccount").objects.create(
            agency=agency, platform="google", email="ops@alice.example"
        )
        Client = apps.get_model("clients", "Client")
        Link = apps.get_model("links", "Link")
        Grant = apps.get_model("links", "Grant")
        grants = {}
        for language in ("es", "nl"):
            client = Client.objects.create(
                agency=agency, name=language, email=f"{language}@example.com", language=language
            )
            link = Link.objects.create(agency=agency, client=client)
            with translation.override(language):
                worded = invited("ref", "viewer", "ops@alice.example").message
            grants[language] = Grant.objects.create(
                link=link, service_key="google_ads", connected_account=account, message=worded
            )
        grants["own"] = Grant.objects.create(
            link=link,
            service_key="google_ads",
            connected_account=account,
            asset_id="2",
            message=PLATFORMS_OWN,
        )

        apps = self.migrate(AFTER)
        rows = dict(apps.get_model("links", "Grant").objects.values_list("pk", "message_id"))
        params = dict(apps.get_model("links", "Grant").objects.values_list("pk", "message_params"))
        for language in ("es", "nl"):
            with self.subTest(language=language):
                pk = grants[language].pk
                self.assertTrue(rows[pk].startswith("Google sent the invitation to %(email)s."))
                self.assertEqual(params[pk], {"email": "ops@alice.example"})
        self.assertEqual((rows[grants["own"].pk], params[grants["own"].pk]), (PLATFORMS_OWN, {}))
