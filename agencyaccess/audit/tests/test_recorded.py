"""Every action the audit log covers leaves one entry, through the pages, the API, the command
line, the client's grants and the worker's checks; an action refused leaves none."""

from unittest import mock

from django.core import mail
from django.utils import timezone

from agencyaccess.accounts.models import Invitation, Membership, Role, User
from agencyaccess.accounts.tests.pages import emailed_path
from agencyaccess.audit.models import AuditEntry
from agencyaccess.lib import http
from agencyaccess.links.actions import grant_service, store_client_token
from agencyaccess.links.jobs import recheck_pending_grants
from agencyaccess.links.models import Grant
from agencyaccess.links.tests.test_jobs import FakeGoogleAds
from agencyaccess.notify.jobs import send_queued_emails
from agencyaccess.notify.models import WebhookEndpoint
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRequest,
    GrantState,
    TokenSet,
)
from agencyaccess.test import BaseTestCase, run_command

# Requests from the test client come from here (REMOTE_ADDR).
HERE = "127.0.0.1"


class AuditedTestCase(BaseTestCase):
    def entries(self) -> list[tuple[str, str, str, str]]:
        """(action, actor kind, actor name, target name), oldest first."""
        return list(
            AuditEntry.objects.order_by("id").values_list(
                "action", "actor_kind", "actor_name", "target_name"
            )
        )

    def last(self) -> AuditEntry:
        return AuditEntry.objects.latest("id")


class ApiKeyTests(AuditedTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_creating_rolling_and_revoking_a_key_on_the_dashboard(self):
        self.client.post("/api-keys/new/", {"name": "Zapier", "capabilities": ["links:retrieve"]})
        lookup = self.alice_key_row.lookup
        self.client.post(f"/api-keys/{lookup}/roll/")
        self.client.post(f"/api-keys/{self.alice_key_row.lookup}/roll/")  # the old lookup: 404
        self.client.post(f"/api-keys/{lookup}/revoke/")  # also gone
        self.alice_key_row.refresh_from_db()
        self.client.post(f"/api-keys/{self.alice_key_row.lookup}/revoke/")
        who = ("teammate", "alice@example.org")
        self.assertEqual(
            self.entries(),
            [
                ("api_key.created", *who, "Zapier"),
                ("api_key.rolled", *who, "Alice's key"),
                ("api_key.revoked", *who, "Alice's key"),
            ],
        )
        self.assertEqual(self.last().address, HERE)
        self.assertEqual(self.last().target_id, str(self.alice_key_row.pk))

    def test_a_key_refused_leaves_nothing(self):
        self.client.post(
            "/api-keys/new/", {"name": "Alice's key", "capabilities": ["links:create"]}
        )
        self.assertEqual(self.entries(), [])

    def test_the_command_line(self):
        result = run_command(
            "create_api_key",
            "--agency",
            self.agency_a.public_id,
            "--name",
            "CLI",
            "--capabilities",
            "all",
        )
        self.assertEqual(result.code, 0, result.stderr)
        result = run_command("roll_api_key", "--agency", self.agency_a.public_id, "--name", "CLI")
        self.assertEqual(result.code, 0, result.stderr)
        self.assertEqual(
            self.entries(),
            [
                ("api_key.created", "command_line", "command line", "CLI"),
                ("api_key.rolled", "command_line", "command line", "CLI"),
            ],
        )
        self.assertIsNone(self.last().address)


class TeamTests(AuditedTestCase):
    def test_invite_join_transfer_remove_and_revoke(self):
        self.client.force_login(self.alice)
        mail.outbox.clear()
        self.client.post("/account/team/", {"email": "dana@example.org"})
        send_queued_emails()
        link = emailed_path(mail.outbox[0], "/account/invitations/")
        self.client.logout()
        self.client.post(link, {"name": "Dana", "password": "correct horse battery"})
        dana = User.objects.get(email="dana@example.org")

        self.client.force_login(self.alice)
        self.client.post("/account/team/", {"email": "erin@example.org"})
        erin = Invitation.objects.get(email="erin@example.org")
        self.client.post(f"/account/team/invitations/{erin.public_id}/revoke/")
        dana_member = Membership.objects.get(user=dana, agency=self.agency_a)
        self.client.post(f"/account/team/members/{dana_member.public_id}/remove/")
        bob = Membership.objects.get(user=self.bob, agency=self.agency_a)
        self.client.post(f"/account/team/members/{bob.public_id}/make-owner/")

        alice = ("teammate", "alice@example.org")
        self.assertEqual(
            self.entries(),
            [
                ("team.invited", *alice, "dana@example.org"),
                ("team.joined", "teammate", "dana@example.org", "dana@example.org"),
                ("team.invited", *alice, "erin@example.org"),
                ("team.invitation_revoked", *alice, "erin@example.org"),
                ("team.removed", *alice, "dana@example.org"),
                ("team.owner_changed", *alice, "bob@example.org"),
            ],
        )
        self.assertEqual(Membership.objects.get(pk=bob.pk).role, Role.OWNER)
        self.assertEqual(
            AuditEntry.objects.filter(action="team.joined").get().details,
            {"invited_by": "alice@example.org"},
        )

    def test_a_refused_team_action_leaves_nothing(self):
        self.client.force_login(self.alice)
        self.client.post("/account/team/", {"email": "bob@example.org"})  # already in the team
        alice = Membership.objects.get(user=self.alice, agency=self.agency_a)
        self.client.post(f"/account/team/members/{alice.public_id}/remove/")  # the owner
        self.assertEqual(self.entries(), [])


class SettingsTests(AuditedTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def settings_data(self, **changes) -> dict:
        r = self.client.get("/account/settings/")
        data: dict = {}
        for form in (r.context["form"], r.context["notifications"]):
            data |= {field.html_name: field.value() for field in form}
        return {k: v for k, v in (data | changes).items() if v not in (None, False)}

    def test_settings_record_which_fields_changed(self):
        self.client.post("/account/settings/", self.settings_data())  # nothing changed
        self.client.post(
            "/account/settings/",
            self.settings_data(
                name="Alice and Partners", **{"notifications-link_completed": "off"}
            ),
        )
        self.assertEqual(
            self.entries(), [("settings.changed", "teammate", "alice@example.org", "")]
        )
        self.assertEqual(self.last().details, {"fields": ["link_completed", "name"]})

    def test_branding(self):
        self.client.post(
            "/account/branding/",
            {"display_name": "Studio", "brand_color": "#112233", "theme": "dark"},
        )
        self.client.post("/account/branding/logo/remove/")
        self.assertEqual(
            [
                (action, details)
                for action, details in AuditEntry.objects.order_by("id").values_list(
                    "action", "details"
                )
            ],
            [
                ("branding.changed", {"fields": ["brand_color", "display_name", "theme"]}),
                ("branding.changed", {"fields": ["logo"]}),
            ],
        )


class WebhookTests(AuditedTestCase):
    def setUp(self):
        self.enterContext(mock.patch.object(http, "resolve", return_value=["93.184.216.34"]))
        self.client.force_login(self.alice)

    def test_each_change_of_an_endpoint(self):
        self.client.post("/webhooks/new/", {"url": "https://crm.alice.example/in"})
        endpoint = WebhookEndpoint.objects.get()
        url = f"/webhooks/{endpoint.public_id}/"
        self.client.post(
            f"{url}edit/", {"url": "https://crm.alice.example/in", "description": "CRM"}
        )
        self.client.post(f"{url}disable/")
        self.client.post(f"{url}enable/")
        self.client.post(f"{url}rotate/")
        self.client.post(f"{url}delete/")
        self.assertEqual(
            [action for action, *_ in self.entries()],
            [
                "webhook.created",
                "webhook.changed",
                "webhook.disabled",
                "webhook.enabled",
                "webhook.secret_rotated",
                "webhook.deleted",
            ],
        )
        self.assertEqual(
            AuditEntry.objects.get(action="webhook.changed").details, {"fields": ["description"]}
        )
        self.assertEqual(
            {e.target_name for e in AuditEntry.objects.all()}, {"https://crm.alice.example/in"}
        )

    def test_zapier_subscriptions_are_the_api_keys_doing(self):
        body = {
            "event": "access_granted",
            "target_url": "https://hooks.zapier.com/hooks/standard/1/abc/",
        }
        r = self.api_post("/api/hooks/subscribe", body, self.alice_key)
        self.assertEqual(r.status_code, 201, r.content)
        self.api_post("/api/hooks/unsubscribe", {"id": r.json()["data"]["id"]}, self.alice_key)
        self.assertEqual(
            [(a, kind, name) for a, kind, name, _ in self.entries()],
            [
                ("zapier.subscribed", "api_key", "Alice's key"),
                ("zapier.unsubscribed", "api_key", "Alice's key"),
            ],
        )
        self.assertEqual(self.last().address, HERE)


class TokenRevealTests(AuditedTestCase):
    def test_revealing_a_links_tokens(self):
        self.link.retain_tokens = True
        self.link.save(update_fields=["retain_tokens"])
        store_client_token(self.link, "google", TokenSet("ya29.secret"))
        self.client.force_login(self.alice)
        r = self.client.post(f"/links/{self.link.public_id}/tokens/", {"password": "password"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(
            self.entries(),
            [("tokens.revealed", "teammate", "alice@example.org", self.link.public_id)],
        )
        self.assertEqual(self.last().details, {"platforms": ["Google"]})
        self.assertNotIn("ya29.secret", str(AuditEntry.objects.values().get()))


class GrantingConnector(FakeGoogleAds):
    """Grants with the outcome (or error) each asset's id names."""

    def __init__(self, outcomes):
        super().__init__()
        self.outcomes = outcomes

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        answer = self.outcomes[request.asset.external_id]
        if isinstance(answer, Exception):
            raise answer
        return answer


class GrantTests(AuditedTestCase):
    def test_the_clients_grants_as_they_are_made(self):
        connector = GrantingConnector(
            {
                "customers/1": GrantOutcome(GrantState.ACTIVE),
                "customers/2": GrantOutcome(GrantState.PENDING_AGENCY),
                "customers/3": ConnectorError("No rights", permanent=True),
                "customers/4": ConnectorError("Try later", permanent=False),
            }
        )
        assets = [Asset("ad_account", f"customers/{n}", f"Account {n}") for n in range(1, 5)]
        service = self.link.services.get()
        grant_service(self.link, service, connector, TokenSet("t"), assets, address="198.51.100.7")
        self.assertEqual(
            self.entries(),
            [
                ("grant.granted", "client", "Jane Doe", "Google.Google Ads: Account 1"),
                ("grant.granted", "client", "Jane Doe", "Google.Google Ads: Account 2"),
                ("grant.failed", "client", "Jane Doe", "Google.Google Ads: Account 3"),
            ],
        )
        entry = AuditEntry.objects.order_by("id")[1]
        self.assertEqual(entry.details, {"state": "pending_agency", "level": "STANDARD"})
        self.assertEqual(entry.address, "198.51.100.7")
        self.assertEqual(entry.target_id, str(Grant.objects.get(asset_id="customers/2").pk))

    def test_the_workers_checks_log_what_changed_and_only_that(self):
        grant = Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/111",
            asset_name="Bakery Ads",
            access_level="STANDARD",
            state=GrantState.PENDING_AGENCY,
            next_check=timezone.now(),
        )
        answers = [
            GrantOutcome(GrantState.PENDING_AGENCY),  # no change: nothing logged
            GrantOutcome(GrantState.ACTIVE),
        ]
        for answer in answers:
            Grant.objects.filter(pk=grant.pk).update(next_check=timezone.now())
            with mock.patch.dict(registry._CONNECTORS, {"google_ads": FakeGoogleAds(answer)}):
                self.assertEqual(recheck_pending_grants(), 1)
        self.assertEqual(
            self.entries(),
            [("grant.verified", "worker", "worker", "Google.Google Ads: Bakery Ads")],
        )
        self.assertEqual(
            self.last().details,
            {"state": "active", "level": "STANDARD", "previous_state": "pending_agency"},
        )

    def test_a_check_that_finds_the_access_removed_logs_a_revocation(self):
        Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/111",
            access_level="STANDARD",
            state=GrantState.PENDING_CLIENT,
            next_check=timezone.now(),
        )
        with mock.patch.dict(
            registry._CONNECTORS, {"google_ads": FakeGoogleAds(GrantOutcome(GrantState.REVOKED))}
        ):
            recheck_pending_grants()
        self.assertEqual(
            [(a, kind) for a, kind, *_ in self.entries()], [("grant.revoked", "worker")]
        )
