"""The dashboard's link pages and the Requested Accounts Builder, through HTTP, with the named
cast (agencyaccess/test.py). The builder must accept and refuse what the API does, with the
same messages, and show JSON that the API takes as it is."""

import json
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencyaccess.clients.models import Client
from agencyaccess.links.api import retrieve_link
from agencyaccess.links.models import (
    Grant,
    IntakeForm,
    IntakeQuestion,
    Link,
    RequestedService,
    ServiceStatus,
)
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.test import MCC_ID, BaseTestCase

HTMX = {"HX-Request": "true"}


class BuilderTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    @property
    def create_url(self) -> str:
        return f"/links/new/?client={self.jane.public_id}"

    def builder(self, services: dict[str, Any] | None = None, /, **options: Any) -> dict:
        """The builder's form: services maps a service key to (level, [(account, mcc), …])."""
        services = (
            {"google_ads": ("ADMIN", [(self.google_a, MCC_ID)])} if services is None else services
        )
        data: dict = {"cc-TOTAL_FORMS": "10", "cc-INITIAL_FORMS": "0"}
        for key, (level, accounts) in services.items():
            data[f"service-{key}"] = "1"
            data[f"level-{key}"] = level
            data[f"account-{key}"] = [account.public_id for account, _ in accounts]
            for account, mcc in accounts:
                data[f"mcc-{key}-{account.public_id}"] = mcc
        return data | options

    def json_of(self, response) -> dict:
        """The API JSON the builder shows."""
        return json.loads(response.context["body"])

    def new_links(self):
        """Alice's links but the cast's one."""
        return Link.objects.filter(agency=self.agency_a).exclude(pk=self.link.pk)

    def new_link(self) -> Link:
        return self.new_links().get()

    def without_identity(self, link: Link) -> dict:
        data = retrieve_link(link.agency_id, link.public_id)
        for key in ("id", "url", "created", "lastReminderTimestamp"):
            del data[key]
        return data


class LinkCreateTests(BuilderTestCase):
    def test_without_a_client_alice_chooses_one(self):
        Client.objects.create(agency=self.agency_a, name="Zed", email="zed@example.com")
        r = self.client.get("/links/new/", {"q": "jane"})
        self.assertContains(r, f"/links/new/?client={self.jane.public_id}")
        self.assertNotContains(r, "Zed")
        self.assertNotContains(self.client.get("/links/new/?q=carl"), "Carl")

    def test_the_builder_offers_the_catalogue_and_alices_accounts(self):
        ConnectedAccount.objects.create(
            agency=self.agency_a,
            platform="google",
            name="Old Google",
            email="old@alice.example",
            disconnected=timezone.now(),
        )
        r = self.client.get(self.create_url)
        self.assertContains(r, "<title>New link for Jane Doe · AgencyAccess</title>", html=True)
        for text in ("Google Ads MCC", "Meta Pixels", "Webflow Site", "ads@alice.example"):
            self.assertContains(r, text)
        self.assertContains(r, f'name="account-google_ads" value="{self.google_a.public_id}"')
        self.assertContains(r, f'<option value="{MCC_ID}"')
        self.assertNotContains(r, "Old Google", msg_prefix="disconnected accounts are not offered")
        self.assertNotContains(r, self.google_b.public_id)
        # No TikTok account: the page says so and points to the connected accounts page.
        self.assertContains(r, "You have no connected TikTok account")
        self.assertContains(r, 'href="/connected-accounts/"')
        self.assertContains(
            r, 'id="service-tiktok_ads" name="service-tiktok_ads" value="1" disabled'
        )

    def test_the_json_is_the_api_guides_create_body(self):
        r = self.client.post(
            self.create_url,
            self.builder(
                send_email="on",
                thank_you_message="Thanks!",
                redirect="jane.example/done",
                **{"cc-0-name": "Bob", "cc-0-email": "bob@jane.example"},
            ),
            headers=HTMX,
        )
        self.assertTemplateUsed(r, "links/_api_json.html")
        self.assertEqual(
            self.json_of(r),
            {
                "clientID": self.jane.public_id,
                "requestedAccounts": {
                    "Google": {
                        "Google Ads": {
                            "accessLevel": "ADMIN",
                            "requested": True,
                            "requestedAccountLinks": [
                                {
                                    "internalAccountID": self.google_a.public_id,
                                    "googleAdsMCCAccountID": MCC_ID,
                                }
                            ],
                        }
                    }
                },
                "intakeForm": False,
                "sendEmail": True,
                "thankYouMessage": "Thanks!",
                "redirect": "jane.example/done",
                "retainTokens": False,
                "cc": [{"name": "Bob", "email": "bob@jane.example"}],
            },
        )
        self.assertFalse(self.new_links().exists(), "a preview saves nothing")

    def test_an_unsubmitted_builder_shows_the_defaults(self):
        body = self.json_of(self.client.get(self.create_url))
        self.assertEqual(body["requestedAccounts"], {})
        self.assertIs(body["sendEmail"], True)

    def test_the_builder_creates_the_link_the_api_creates_from_its_json(self):
        data = self.builder(
            {
                "google_ads": ("STANDARD", [(self.google_a, MCC_ID)]),
                "meta_ads": ("ANALYZE", [(self.meta_a, "")]),
            },
            send_email="on",
            retain_tokens="on",
            thank_you_message="Thank you, Jane",
            redirect="https://jane.example/done",
            **{"cc-0-name": "Bob", "cc-0-email": "bob@jane.example"},
        )
        body = self.json_of(self.client.post(self.create_url, data, headers=HTMX))
        r = self.client.post(self.create_url, data)
        from_builder = self.new_link()
        self.assertRedirects(r, f"/links/{from_builder.public_id}/")

        from_api = Link.objects.get(
            public_id=self.assertOk(self.api_post("/api/links/create", body, self.alice_key))
        )
        self.assertEqual(self.without_identity(from_builder), self.without_identity(from_api))
        self.assertEqual(from_builder.redirect, "jane.example/done")
        self.assertEqual(from_builder.cc, [{"name": "Bob", "email": "bob@jane.example"}])

    def test_line_breaks_in_a_cc_name_become_spaces(self):
        data = self.builder(**{"cc-0-name": "Bob\rBuilder", "cc-0-email": "bob@jane.example"})
        self.client.post(self.create_url, data)
        self.assertEqual(self.new_link().cc, [{"name": "Bob Builder", "email": "bob@jane.example"}])

    def test_a_prospect_is_asked_read_only_whatever_is_chosen(self):
        self.jane.type = "Prospect"
        self.jane.save()
        self.assertContains(
            self.client.get(self.create_url), "Viewer (read-only)</strong>, as for every prospect"
        )
        data = self.builder({"google_analytics": ("ADMIN", [(self.google_a, "")])})
        preview = self.json_of(self.client.post(self.create_url, data, headers=HTMX))
        self.assertEqual(
            preview["requestedAccounts"]["Google"]["Google Analytics"]["accessLevel"], "VIEWER"
        )
        self.client.post(self.create_url, data)
        self.assertEqual(self.new_link().services.get().access_level, "VIEWER")

    def test_refused_as_the_api_refuses_with_its_message(self):
        self.google_a.fields = {}  # no manager ids
        old_google = ConnectedAccount.objects.create(
            agency=self.agency_a,
            platform="google",
            email="old@alice.example",
            disconnected=timezone.now(),
        )
        meta_without_business = ConnectedAccount.objects.create(
            agency=self.agency_a, platform="meta", email="x@alice.example"
        )
        cases: dict[str, tuple[dict[str, Any], str]] = {
            "no account": (
                {"google_ads": ("ADMIN", [])},
                "requestedAccounts.Google.Google Ads.requestedAccountLinks must name at least one connected account",
            ),
            "a disconnected account": (
                {"google_ads": ("ADMIN", [(old_google, "")])},
                f"requestedAccounts.Google.Google Ads.requestedAccountLinks[0].internalAccountID: connected account &quot;{old_google.public_id}&quot; was disconnected",
            ),
            "charlie's account": (
                {"google_ads": ("ADMIN", [(self.google_b, "")])},
                f"&quot;{self.google_b.public_id}&quot; is not a connected Google account of your agency",
            ),
            "an account of another platform": (
                {"google_ads": ("ADMIN", [(self.meta_a, "")])},
                "is not a connected Google account of your agency",
            ),
            "an unknown level": (
                {"google_ads": ("OVERLORD", [(self.google_a, "")])},
                "accessLevel: &quot;OVERLORD&quot; is not a level of Google Ads. Levels: ADMIN, STANDARD, READ_ONLY, EMAIL_ONLY.",
            ),
            "an MCC link without manager": (
                {"google_ads_mcc": ("MANAGER", [(self.google_a, "")])},
                "googleAdsMCCAccountID is required for Google Ads MCC",
            ),
            "a manager id the account does not hold": (
                {"google_ads": ("ADMIN", [(self.google_a, "999-999-9999")])},
                "9999999999 is not a manager account of connected account",
            ),
            "an account missing what the service needs": (
                {"meta_ads": ("MANAGE", [(meta_without_business, "")])},
                "has no Business Manager ID, which Meta Ads needs",
            ),
            "nothing at all": ({}, "A link must request at least one service"),
        }
        self.google_a.save()
        for label, (services, message) in cases.items():
            with self.subTest(label):
                r = self.client.post(self.create_url, self.builder(services))
                self.assertContains(r, message, status_code=400)
                self.assertContains(r, 'role="alert" id="builder-error"', status_code=400)
                preview = self.client.post(self.create_url, self.builder(services), headers=HTMX)
                if services:
                    self.assertContains(preview, "The API would refuse this")
        self.assertFalse(self.new_links().exists())

    def test_bad_options_are_shown_beside_their_field(self):
        cases = {
            "a redirect with a port": (
                {"redirect": "jane.example:8080/x"},
                "The redirect must be a website address",
            ),
            "a javascript: redirect": ({"redirect": "javascript:alert(1)"}, "The redirect must be"),
            "a long thank-you": (
                {"thank_you_message": "x" * 2001},
                "at most 2000 characters",
            ),
            "a bad cc address": (
                {"cc-0-name": "Bob", "cc-0-email": "bob@"},
                "The e-mail address must be a valid e-mail address",
            ),
            "a cc name alone": (
                {"cc-0-name": "Bob"},
                "Add their e-mail address, or clear the name.",
            ),
            "too many cc rows": ({"cc-TOTAL_FORMS": "50"}, "Please submit at most 10 forms."),
        }
        for label, (options, message) in cases.items():
            with self.subTest(label):
                r = self.client.post(self.create_url, self.builder(**options))
                self.assertContains(r, message, status_code=400)
        self.assertFalse(self.new_links().exists())

    def test_the_intake_form_only_when_the_agency_has_one(self):
        r = self.client.get(self.create_url)
        self.assertContains(r, 'name="intake_form" disabled')
        self.assertContains(r, 'href="/intake-form/"')
        r = self.client.post(self.create_url, self.builder(intake_form="on"))
        self.assertContains(
            r, "intakeForm: your agency&#x27;s intake form is disabled", status_code=409
        )
        self.assertFalse(self.new_links().exists())

        form = IntakeForm.objects.create(agency=self.agency_a)
        IntakeQuestion.objects.create(
            form=form, key="budget", type="short_text", labels={"en": "Budget"}
        )
        self.assertNotContains(self.client.get(self.create_url), 'name="intake_form" disabled')
        self.client.post(self.create_url, self.builder(intake_form="on"))
        self.assertTrue(self.new_link().intake_form_requested)

    def test_the_monthly_limit_says_so(self):
        self.agency_a.monthly_link_limit = 1  # Jane's link is this month's
        self.agency_a.save()
        r = self.client.post(self.create_url, self.builder())
        self.assertContains(
            r, "Your agency has reached its limit of 1 links a month.", status_code=409
        )

    def test_wrong_types_and_huge_values_are_refused_not_crashed(self):
        cases: dict[str, dict[str, Any]] = {
            "a list as a level": {"level-google_ads": ["ADMIN", "STANDARD"]},
            "a huge level": {"level-google_ads": "A" * 100_000},
            "eleven accounts": {"account-google_ads": [self.google_a.public_id] * 11},
            "a huge account id": {"account-google_ads": "x" * 10_000},
            "a NUL byte in an account id": {"account-google_ads": "\x00"},
            "an unknown service": {"service-myspace": "1"},
        }
        for label, changes in cases.items():
            with self.subTest(label):
                r = self.client.post(self.create_url, self.builder() | changes)
                self.assertIn(r.status_code, (302, 400), label)
        # Only the list (whose last level counts) and the unknown service (ignored) are links.
        self.assertEqual(self.new_links().count(), 2)

    def test_unknown_and_other_agencies_clients_are_not_found(self):
        for client_id in ("nope", self.charlies_client.public_id, "x" * 500):
            with self.subTest(client_id=client_id):
                r = self.client.post(f"/links/new/?client={client_id}", self.builder())
                self.assertEqual(r.status_code, 404)
        self.assertFalse(self.new_links().exists())

    def test_csrf_is_enforced(self):
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(self.alice)
        self.assertEqual(browser.post(self.create_url, self.builder()).status_code, 403)
        self.assertEqual(
            browser.post(self.create_url, self.builder(), headers=HTMX).status_code, 403
        )


class LinkEditTests(BuilderTestCase):
    @property
    def edit_url(self) -> str:
        return f"/links/{self.link.public_id}/edit/"

    def test_the_builder_shows_what_the_link_asks(self):
        r = self.client.get(self.edit_url)
        self.assertContains(
            r, 'id="service-google_ads" name="service-google_ads" value="1" checked'
        )
        self.assertContains(r, '<option value="STANDARD" selected>')
        self.assertEqual(
            self.json_of(r),
            {
                "id": self.link.public_id,
                "requestedAccounts": {
                    "Google": {
                        "Google Ads": {
                            "accessLevel": "STANDARD",
                            "requested": True,
                            "requestedAccountLinks": [
                                {"internalAccountID": self.google_a.public_id}
                            ],
                        }
                    }
                },
            },
        )

    def test_saving_replaces_the_services_as_the_api_update_does(self):
        self.link.services.update(status=ServiceStatus.GRANTED)
        self.link.completed = timezone.now()
        self.link.save()
        data = self.builder(
            {
                "google_ads": ("ADMIN", [(self.google_a, "")]),
                "facebook_pages": ("MANAGE", [(self.meta_a, "")]),
            }
        )
        body = self.json_of(self.client.post(self.edit_url, data, headers=HTMX))
        self.assertEqual(set(body), {"id", "requestedAccounts"})
        r = self.client.post(self.edit_url, data)
        self.assertRedirects(r, f"/links/{self.link.public_id}/")
        self.link.refresh_from_db()
        self.assertIsNone(self.link.completed, "asked again: no longer complete")
        self.assertEqual(
            list(self.link.services.values_list("service_key", "access_level", "status")),
            [("google_ads", "ADMIN", "pending"), ("facebook_pages", "MANAGE", "pending")],
        )
        from_dashboard = self.without_identity(self.link)
        self.assertOk(self.api_post("/api/links/update", body, self.alice_key))
        self.assertEqual(self.without_identity(self.link), from_dashboard)
        self.assertFalse(OutgoingEmail.objects.filter(kind="link_updated").exists())

    def test_the_client_can_be_told_of_the_change(self):
        self.client.post(self.edit_url, self.builder(send_update_email="on"))
        email = OutgoingEmail.objects.get(kind="link_updated")
        self.assertEqual(email.to, ["Jane Doe <jane@example.com>"])
        self.assertIn(self.link.url, email.text)

    def test_refused_as_the_api_refuses(self):
        r = self.client.post(self.edit_url, self.builder({}))
        self.assertContains(r, "A link must request at least one service", status_code=400)
        r = self.client.post(
            self.edit_url, self.builder({"google_ads": ("ADMIN", [(self.google_b, "")])})
        )
        self.assertContains(r, "is not a connected Google account of your agency", status_code=400)
        self.assertEqual(self.link.services.get().access_level, "STANDARD")

    def test_a_prospects_link_stays_read_only(self):
        self.jane.type = "Prospect"
        self.jane.save()
        self.client.post(
            self.edit_url, self.builder({"google_ads": ("ADMIN", [(self.google_a, "")])})
        )
        self.assertEqual(self.link.services.get().access_level, "READ_ONLY")

    def test_as_charlie_alices_link_is_not_found_and_stays(self):
        self.client.force_login(self.charlie)
        data = self.builder({"google_ads": ("ADMIN", [(self.google_b, "")])})
        for method, url, headers in (
            ("get", self.edit_url, {}),
            ("post", self.edit_url, {}),
            ("post", self.edit_url, HTMX),
            ("get", f"/links/{self.link.public_id}/", {}),
            ("post", f"/links/{self.link.public_id}/remind/", {}),
            ("get", f"/links/{self.link.public_id}/delete/", {}),
            ("post", f"/links/{self.link.public_id}/delete/", {}),
        ):
            with self.subTest(method=method, url=url, headers=headers):
                r = getattr(self.client, method)(
                    url, data if method == "post" else None, headers=headers
                )
                self.assertEqual(r.status_code, 404)
        self.assertTrue(Link.objects.filter(pk=self.link.pk).exists())
        self.assertEqual(self.link.services.get().access_level, "STANDARD")
        self.assertFalse(OutgoingEmail.objects.exists())


class LinkDetailTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.bob)

    @property
    def url(self) -> str:
        return f"/links/{self.link.public_id}/"

    def test_the_link_page(self):
        self.link.cc = [{"name": "Ann", "email": "ann@jane.example"}]
        self.link.save()
        r = self.client.get(self.url)
        self.assertContains(r, "<title>Link for Jane Doe · AgencyAccess</title>", html=True)
        self.assertContains(r, f'value="{self.link.url}" readonly')
        self.assertContains(r, 'data-copy="#link-url"')
        self.assertContains(r, f'href="{self.link.url}" target="_blank" rel="noopener"')
        self.assertContains(r, "Preview as the client")
        self.assertContains(r, "Send reminder now")
        self.assertContains(r, "Ann &lt;ann@jane.example&gt;")
        self.assertContains(r, "None yet")  # no reminder so far
        self.assertContains(r, "Pending")

    def test_each_service_with_its_status_and_grants(self):
        RequestedService.objects.create(
            link=self.link,
            platform="meta",
            service_key="meta_ads",
            access_level="ANALYZE",
            status=ServiceStatus.SKIPPED,
            position=1,
        )
        self.link.services.filter(service_key="google_ads").update(status=ServiceStatus.GRANTED)
        Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/1112223333",
            asset_name="Bakery Ads",
            access_level="STANDARD",
            state="pending_agency",
            message_id="Accept the invitation in Google Ads.",
        )
        r = self.client.get(self.url)
        for text in (
            "Granted",
            "Skipped",
            "Bakery Ads",
            "Waiting for you to accept",
            "Accept the invitation in Google Ads.",
            "Not verified yet",
            "In progress",
            "1 of 2 granted",
        ):
            self.assertContains(r, text)

    def test_a_complete_link_offers_no_reminder(self):
        self.link.completed = timezone.now()
        self.link.save()
        r = self.client.get(self.url)
        self.assertContains(r, "Complete")
        self.assertNotContains(r, "Send reminder now")

    def test_intake_answers_with_their_questions(self):
        form = IntakeForm.objects.create(agency=self.agency_a)
        IntakeQuestion.objects.create(
            form=form, key="site_live", type="yes_no", labels={"en": "Is the site live?"}
        )
        self.link.intake_form_requested = True
        self.link.intake_answers = {"site_live": "yes"}
        self.link.save()
        r = self.client.get(self.url)
        self.assertContains(r, "Is the site live?")
        self.assertContains(r, "<dd>Yes</dd>", html=True)
        self.assertContains(r, "Not completed yet")

    def test_queries_do_not_grow_with_services_and_grants(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url)
        for n, key in enumerate(("meta_ads", "facebook_pages", "instagram"), start=1):
            service = RequestedService.objects.create(
                link=self.link, platform="meta", service_key=key, access_level="ANALYZE", position=n
            )
            service.account_links.create(connected_account=self.meta_a)
            Grant.objects.create(
                link=self.link,
                service_key=key,
                connected_account=self.meta_a,
                asset_id=f"act_{n}",
                access_level="ANALYZE",
                state="active",
            )
        with self.assertNumQueries(len(few)):
            self.client.get(self.url)

    def test_unknown_links_are_not_found(self):
        for link_id in ("nope", "x" * 1000, "%00"):
            self.assertEqual(self.client.get(f"/links/{link_id}/").status_code, 404)


class LinkReminderNowTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.url = f"/links/{self.link.public_id}/remind/"
        self.link.created = self.link.last_reminder = timezone.now() - timedelta(hours=1)
        self.link.cc = [{"name": "Ann", "email": "ann@jane.example"}]
        self.link.save()

    def test_alice_reminds_jane(self):
        self.jane.language = "es"
        self.jane.save()
        r = self.client.post(self.url)
        self.assertRedirects(r, f"/links/{self.link.public_id}/")
        email = OutgoingEmail.objects.get(kind="reminder")
        self.assertEqual(email.to, ["Jane Doe <jane@example.com>"])
        self.assertEqual(email.cc, ["Ann <ann@jane.example>"])
        self.assertEqual(email.reply_to, ["alice@example.org"])
        self.assertEqual(email.link, self.link)
        self.assertIn("Alice & Co", email.subject)
        self.assertIn(self.link.url, email.text)
        self.assertIn("Google Ads", email.text)
        self.assertIn('<html lang="es">', email.html)
        self.link.refresh_from_db()
        self.assertEqual(self.link.reminders_sent, 1)
        self.assertGreater(self.link.last_reminder, self.link.created + timedelta(minutes=59))
        self.assertContains(self.client.get(f"/links/{self.link.public_id}/"), "(1 sent)")

    def test_not_for_a_complete_link(self):
        self.link.completed = timezone.now()
        self.link.save()
        r = self.client.post(self.url, follow=True)
        self.assertContains(r, "This link is complete")
        self.assertFalse(OutgoingEmail.objects.exists())

    def test_only_by_post_with_csrf(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(self.alice)
        self.assertEqual(browser.post(self.url).status_code, 403)
        self.assertFalse(OutgoingEmail.objects.exists())


class LinkDeleteTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.url = f"/links/{self.link.public_id}/delete/"

    def test_delete_asks_then_removes_the_link_and_what_hangs_on_it(self):
        Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/1",
            access_level="STANDARD",
            state="active",
        )
        self.assertContains(self.client.get(self.url), "Delete the link for Jane Doe?")
        self.assertRedirects(self.client.post(self.url), "/links/")
        self.assertFalse(Link.objects.filter(pk=self.link.pk).exists())
        self.assertFalse(Grant.objects.filter(link_id=self.link.pk).exists())
        self.assertFalse(RequestedService.objects.filter(link_id=self.link.pk).exists())
        self.assertTrue(Client.objects.filter(pk=self.jane.pk).exists(), "the client stays")
        self.assertTrue(ConnectedAccount.objects.filter(pk=self.google_a.pk).exists())


class LinksListTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def links(self, response) -> list[Link]:
        return list(response.context["page"].items)

    def test_the_dashboard_home_is_the_links_list(self):
        self.assertRedirects(self.client.get("/"), "/links/")
        r = self.client.get("/links/")
        self.assertEqual(self.links(r), [self.link])
        self.assertContains(r, "Jane Doe")
        self.assertContains(r, "Google Ads")
        self.assertContains(r, "Not started")
        self.assertNotContains(r, "Carl")

    def test_filter_by_status_and_client(self):
        maria = Client.objects.create(agency=self.agency_a, name="Maria", email="m@example.com")
        done = Link.objects.create(agency=self.agency_a, client=maria, completed=timezone.now())
        started = Link.objects.create(agency=self.agency_a, client=maria)
        RequestedService.objects.create(
            link=started,
            platform="google",
            service_key="google_ads",
            access_level="ADMIN",
            status=ServiceStatus.SKIPPED,
        )
        expected = {
            "complete": [done],
            "in_progress": [started],
            "not_started": [self.link],
            "": [started, done, self.link],
            "bogus": [started, done, self.link],
        }
        for status, links in expected.items():
            with self.subTest(status=status):
                self.assertEqual(self.links(self.client.get("/links/", {"status": status})), links)
        r = self.client.get("/links/", {"client": maria.public_id})
        self.assertEqual(self.links(r), [started, done])
        self.assertContains(r, "Links for Maria")

    def test_queries_do_not_grow_with_the_rows(self):
        with CaptureQueriesContext(connection) as few:
            self.client.get("/links/")
        for _ in range(30):
            link = Link.objects.create(agency=self.agency_a, client=self.jane)
            RequestedService.objects.create(
                link=link, platform="google", service_key="google_ads", access_level="ADMIN"
            )
            RequestedService.objects.create(
                link=link, platform="meta", service_key="meta_ads", access_level="ADMIN", position=1
            )
        with self.assertNumQueries(len(few)):
            r = self.client.get("/links/")
        self.assertEqual(len(self.links(r)), 31)
        with CaptureQueriesContext(connection) as filtered:
            self.client.get(f"/links/?status=not_started&client={self.jane.public_id}")
        Link.objects.filter(agency=self.agency_a).exclude(pk=self.link.pk).delete()
        with self.assertNumQueries(len(filtered)):
            self.client.get(f"/links/?status=not_started&client={self.jane.public_id}")
