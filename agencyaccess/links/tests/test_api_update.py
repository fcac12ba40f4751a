from typing import Any

from django.utils import timezone

from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService, ServiceStatus
from agencyaccess.test import MCC_ID, BaseTestCase


class LinkUpdateTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        Link.objects.filter(pk=self.link.pk).update(
            thank_you_message="Thanks!", redirect="alice.example/done", send_email=True
        )

    def update(self, requested_accounts: Any = None, **fields: Any):
        body = {"id": self.link.public_id, **fields}
        if requested_accounts is not None:
            body["requestedAccounts"] = requested_accounts
        return self.api_post("/api/links/update", body, self.alice_key)

    def google_ads(self, level: str = "ADMIN", **link: Any) -> dict[str, Any]:
        account_link = {"internalAccountID": self.google_a.public_id, **link}
        return {
            "Google": {
                "Google Ads": {"accessLevel": level, "requestedAccountLinks": [account_link]}
            }
        }

    def meta_ads(self) -> dict[str, Any]:
        return {
            "Meta": {
                "Meta Ads": {
                    "accessLevel": "MANAGE",
                    "requested": True,
                    "requestedAccountLinks": [{"internalAccountID": self.meta_a.public_id}],
                }
            }
        }

    def services(self) -> list[tuple[str, str, str]]:
        return list(
            RequestedService.objects.filter(link=self.link)
            .order_by("position")
            .values_list("service_key", "access_level", "status")
        )

    def assertLinkUnchanged(self) -> None:
        self.assertEqual(self.services(), [("google_ads", "STANDARD", "pending")])
        link = Link.objects.get(pk=self.link.pk)
        self.assertEqual(
            (link.thank_you_message, link.redirect, link.send_email, link.client_id),
            ("Thanks!", "alice.example/done", True, self.jane.pk),
        )

    def test_alice_replaces_the_requested_accounts_with_the_guides_body(self):
        r = self.update(self.google_ads("ADMIN"))

        self.assertEqual(self.assertOk(r), self.link.public_id)
        self.assertEqual(self.services(), [("google_ads", "ADMIN", "pending")])

    def test_the_new_set_replaces_the_old_one_entirely(self):
        self.assertOk(self.update(self.meta_ads()))

        self.assertEqual(self.services(), [("meta_ads", "MANAGE", "pending")])
        self.assertFalse(
            RequestedAccountLink.objects.filter(
                requested_service__link=self.link, connected_account=self.google_a
            ).exists()
        )

    def test_nothing_else_about_the_link_changes(self):
        before = Link.objects.get(pk=self.link.pk)
        self.assertOk(self.update(self.meta_ads()))
        after = Link.objects.get(pk=self.link.pk)
        for field in [
            "public_id",
            "client_id",
            "thank_you_message",
            "redirect",
            "send_email",
            "retain_tokens",
            "cc",
            "created",
            "last_reminder",
            "intake_form_requested",
        ]:
            self.assertEqual(getattr(after, field), getattr(before, field), field)

    def test_a_granted_service_sent_again_is_asked_again(self):
        RequestedService.objects.filter(link=self.link).update(status=ServiceStatus.GRANTED)
        Link.objects.filter(pk=self.link.pk).update(completed=timezone.now())

        self.assertOk(self.update(self.google_ads("STANDARD")))

        self.assertEqual(self.services(), [("google_ads", "STANDARD", "pending")])
        self.assertIsNone(Link.objects.get(pk=self.link.pk).completed)
        data = self.assertOk(
            self.api_get("/api/links/retrieve", self.alice_key, id=self.link.public_id)
        )
        self.assertFalse(data["requestedAccounts"]["Google"]["Google Ads"]["granted"])

    def test_a_skipped_service_sent_again_is_asked_again(self):
        RequestedService.objects.filter(link=self.link).update(status=ServiceStatus.SKIPPED)
        self.assertOk(self.update(self.google_ads("STANDARD")))
        self.assertEqual(self.services(), [("google_ads", "STANDARD", "pending")])

    def test_a_changed_level_or_account_link_is_asked_again(self):
        RequestedService.objects.filter(link=self.link).update(status=ServiceStatus.GRANTED)
        self.assertOk(self.update(self.google_ads("READ_ONLY", googleAdsMCCAccountID=MCC_ID)))
        self.assertEqual(self.services(), [("google_ads", "READ_ONLY", "pending")])
        self.assertEqual(
            RequestedAccountLink.objects.get(requested_service__link=self.link).mcc_id, MCC_ID
        )

    def test_the_alias_requested_services_is_accepted(self):
        r = self.api_post(
            "/api/links/update",
            {"id": self.link.public_id, "requestedServices": self.meta_ads()},
            self.alice_key,
        )
        self.assertOk(r)
        self.assertEqual(self.services(), [("meta_ads", "MANAGE", "pending")])

    def test_a_prospects_link_is_updated_to_read_only_levels(self):
        Client.objects.filter(pk=self.jane.pk).update(type="Prospect")
        self.assertOk(self.update({**self.google_ads("ADMIN"), **self.meta_ads()}))
        self.assertEqual(
            self.services(),
            [("google_ads", "READ_ONLY", "pending"), ("meta_ads", "ANALYZE", "pending")],
        )

    def test_fields_fixed_at_creation_are_refused(self):
        for field, value in [
            ("thankYouMessage", "New thanks"),
            ("redirect", "elsewhere.example"),
            ("redirectURL", "elsewhere.example"),
            ("intakeForm", True),
            ("sendEmail", False),
            ("retainTokens", True),
            ("cc", [{"name": "X", "email": "x@example.com"}]),
            ("clientID", self.jane.public_id),
        ]:
            with self.subTest(field):
                self.assertError(
                    self.update(self.meta_ads(), **{field: value}),
                    400,
                    f"{field} cannot be changed after the link is created: "
                    "only requestedAccounts can be updated.",
                )
        self.assertLinkUnchanged()

    def test_a_fixed_field_is_refused_even_as_null(self):
        self.assertError(
            self.update(self.meta_ads(), thankYouMessage=None),
            400,
            "thankYouMessage cannot be changed after the link is created: "
            "only requestedAccounts can be updated.",
        )
        self.assertLinkUnchanged()

    def test_send_update_email_is_only_in_the_dashboard(self):
        for value in [True, False]:
            with self.subTest(value):
                self.assertError(
                    self.update(self.meta_ads(), sendUpdateEmail=value),
                    400,
                    "sendUpdateEmail is not supported by the API: it is only available in the dashboard.",
                )
        self.assertLinkUnchanged()

    def test_requested_accounts_is_required(self):
        self.assertError(self.update(), 400, "requestedAccounts is required.")
        self.assertLinkUnchanged()

    def test_a_link_must_keep_asking_for_something(self):
        self.assertError(
            self.update({}), 400, "A link must request at least one service (requestedAccounts)."
        )
        self.assertLinkUnchanged()

    def test_a_link_with_the_intake_form_may_drop_every_service(self):
        Link.objects.filter(pk=self.link.pk).update(intake_form_requested=True)
        self.assertOk(self.update({}))
        self.assertEqual(self.services(), [])

    def test_an_invalid_requested_accounts_leaves_the_link_as_it_was(self):
        self.assertError(
            self.update({**self.meta_ads(), "Google": {"Google Ads": {"accessLevel": "OWNER"}}}),
            400,
        )
        self.assertLinkUnchanged()

    def test_the_id_is_required_and_must_be_a_string(self):
        body = {"requestedAccounts": self.meta_ads()}
        self.assertError(
            self.api_post("/api/links/update", body, self.alice_key), 400, "id is required."
        )
        self.assertError(
            self.api_post("/api/links/update", {**body, "id": 5}, self.alice_key),
            400,
            "id must be a string.",
        )
        self.assertLinkUnchanged()

    def test_an_unknown_id_is_not_found(self):
        r = self.api_post(
            "/api/links/update",
            {"id": "NoSuchLinkAtAll00000", "requestedAccounts": self.meta_ads()},
            self.alice_key,
        )
        self.assertError(r, 404, 'No link of your agency has the id "NoSuchLinkAtAll00000".')
        self.assertLinkUnchanged()
