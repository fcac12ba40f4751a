"""Templates: Alice (or Bob) saves sets of requested services in the dashboard, starts links and
access pages from them, and names one as the API's templateID. Charlie never reaches them."""

from typing import Any

from django.utils import timezone

from agencyaccess.links.models import AccessPage, Link, LinkTemplate
from agencyaccess.test import BaseTestCase


class TemplatesTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def seo(self, agency=None, account=None, name: str = "SEO package") -> LinkTemplate:
        """Search Console and Analytics, received by Alice's Google account."""
        account_link = [{"internalAccountID": (account or self.google_a).public_id}]
        return LinkTemplate.objects.create(
            agency=agency or self.agency_a,
            name=name,
            requested_accounts={
                "Google": {
                    "Google Search Console": {
                        "accessLevel": "FULL",
                        "requested": True,
                        "requestedAccountLinks": account_link,
                    },
                    "Google Analytics": {
                        "accessLevel": "VIEWER",
                        "requested": True,
                        "requestedAccountLinks": account_link,
                    },
                }
            },
        )

    def builder(self, services: dict[str, str], **fields: str) -> dict[str, Any]:
        """The builder's fields: each service key at a level, received by Alice's Google."""
        data: dict[str, Any] = dict(fields)
        for key, level in services.items():
            data |= {f"service-{key}": "1", f"level-{key}": level}
            data[f"account-{key}"] = [self.google_a.public_id]
        return data


class DashboardTests(TemplatesTestCase):
    def test_alice_creates_a_template_with_the_builder(self):
        r = self.client.post(
            "/templates/new/",
            self.builder({"google_analytics": "VIEWER", "google_ads": "STANDARD"}, name="Paid"),
        )
        self.assertRedirects(r, "/templates/")
        template = LinkTemplate.objects.get(agency=self.agency_a)
        self.assertEqual(template.name, "Paid")
        self.assertEqual(
            set(template.requested_accounts["Google"]), {"Google Ads", "Google Analytics"}
        )
        listed = self.client.get("/templates/")
        self.assertContains(listed, "Google Ads (Standard)")
        self.assertContains(listed, template.public_id)

    def test_a_template_is_checked_as_a_link_is(self):
        empty = self.client.post("/templates/new/", {"name": "Nothing"})
        self.assertEqual(empty.status_code, 400)
        self.assertContains(empty, "Please correct the mistakes below.", status_code=400)
        charlies_account = self.builder({"google_ads": "STANDARD"}, name="Stolen")
        charlies_account["account-google_ads"] = [self.google_b.public_id]
        r = self.client.post("/templates/new/", charlies_account)
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, self.google_b.public_id, status_code=400)
        self.assertFalse(LinkTemplate.objects.exists())

    def test_names_are_unique_in_an_agency_only(self):
        self.seo()
        self.seo(agency=self.agency_b, account=self.google_b)
        r = self.client.post(
            "/templates/new/", self.builder({"google_ads": "STANDARD"}, name="SEO package")
        )
        self.assertContains(
            r, "Your agency already has a template named SEO package.", status_code=400
        )
        mine = LinkTemplate.objects.get(agency=self.agency_a)
        renamed = self.client.post(
            f"/templates/{mine.public_id}/", self.builder({"google_ads": "STANDARD"}, name="SEO")
        )
        self.assertRedirects(renamed, "/templates/")
        mine.refresh_from_db()
        self.assertEqual(
            (mine.name, list(mine.requested_accounts["Google"])), ("SEO", ["Google Ads"])
        )

    def test_bob_a_member_manages_templates_too(self):
        self.client.force_login(self.bob)
        template = self.seo()
        self.assertContains(self.client.get("/templates/"), "SEO package")
        r = self.client.post(f"/templates/{template.public_id}/delete/")
        self.assertRedirects(r, "/templates/")
        self.assertFalse(LinkTemplate.objects.exists())

    def test_charlie_reaches_none_of_alices_templates(self):
        template = self.seo()
        self.client.force_login(self.charlie)
        self.assertContains(self.client.get("/templates/"), "No template yet.")
        for url in (
            f"/templates/{template.public_id}/",
            f"/templates/{template.public_id}/delete/",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"name": "Mine"}).status_code, 404)
        self.assertEqual(
            self.client.get(
                f"/links/new/?client={self.charlies_client.public_id}&template={template.public_id}"
            ).status_code,
            404,
        )
        self.assertTrue(LinkTemplate.objects.filter(name="SEO package").exists())

    def test_deleting_needs_a_post(self):
        template = self.seo()
        self.assertContains(self.client.get(f"/templates/{template.public_id}/delete/"), "Delete")
        self.assertTrue(LinkTemplate.objects.exists())

    def test_the_list_costs_the_same_with_more_templates(self):
        def more():
            for n in range(10):
                self.seo(name=f"Package {n}")

        self.assertContains(self.assertQueriesDoNotGrow("/templates/", more), "Package 9")


class BuilderTests(TemplatesTestCase):
    def test_a_new_link_starts_from_a_template(self):
        template = self.seo()
        r = self.client.get(
            f"/links/new/?client={self.jane.public_id}&template={template.public_id}"
        )
        self.assertContains(
            r,
            'id="service-google_search_console" name="service-google_search_console" value="1" checked',
        )
        self.assertContains(
            r, 'id="service-google_analytics" name="service-google_analytics" value="1" checked'
        )
        self.assertNotContains(r, 'name="service-google_ads" value="1" checked')
        self.assertContains(
            r, f'<option value="{template.public_id}" selected>SEO package</option>'
        )
        self.assertContains(r, "&quot;Google Search Console&quot;")  # in the API JSON

    def test_an_unknown_template_is_a_404(self):
        for value in ("nonsense", "x" * 30):
            with self.subTest(value=value):
                r = self.client.get(f"/links/new/?client={self.jane.public_id}&template={value}")
                self.assertEqual(r.status_code, 404)

    def test_a_links_edit_page_and_an_access_page_start_from_a_template(self):
        template = self.seo()
        checked = 'name="service-google_search_console" value="1" checked'
        edit = self.client.get(f"/links/{self.link.public_id}/edit/?template={template.public_id}")
        self.assertContains(edit, checked)
        self.assertContains(
            self.client.get(f"/access-pages/new/?template={template.public_id}"), checked
        )
        page = AccessPage.objects.create(agency=self.agency_a, name="Webinar")
        self.assertContains(
            self.client.get(f"/access-pages/{page.public_id}/?template={template.public_id}"),
            checked,
        )


class ApiTests(TemplatesTestCase):
    def create(self, key: str | None = None, **body: Any):
        return self.api_post(
            "/api/links/create",
            {"clientID": self.jane.public_id, **body},
            key or self.alice_key,
        )

    def services_of(self, response) -> dict[str, str]:
        link = Link.objects.get(public_id=self.assertOk(response))
        return {s.service_key: s.access_level for s in link.services.all()}

    def test_a_template_alone(self):
        template = self.seo()
        r = self.create(templateID=template.public_id, requestedAccounts={})
        self.assertEqual(
            self.services_of(r), {"google_search_console": "FULL", "google_analytics": "VIEWER"}
        )

    def test_requested_accounts_lie_over_the_template(self):
        """The same service, named in another case, takes the request's level; another
        service is added."""
        template = self.seo()
        account_link = [{"internalAccountID": self.google_a.public_id}]
        r = self.create(
            templateID=template.public_id,
            requestedAccounts={
                "google": {
                    "google analytics": {
                        "accessLevel": "ADMIN",
                        "requestedAccountLinks": account_link,
                    },
                    "Google Ads": {
                        "accessLevel": "STANDARD",
                        "requestedAccountLinks": account_link,
                    },
                }
            },
        )
        self.assertEqual(
            self.services_of(r),
            {
                "google_search_console": "FULL",
                "google_analytics": "ADMIN",
                "google_ads": "STANDARD",
            },
        )

    def test_charlies_template_or_an_unknown_id_is_the_envelopes_error(self):
        charlies = self.seo(agency=self.agency_b, account=self.google_b)
        for value in (charlies.public_id, "nonsense", ""):
            with self.subTest(value=value):
                body = self.assertError(self.create(templateID=value, requestedAccounts={}), 400)
                # With every other problem of the body, as always: here, nothing is asked.
                self.assertEqual(
                    body["msg"],
                    f'templateID "{value}" is not the id of one of your agency\'s templates. '
                    "A link must request at least one service (requestedAccounts) or the "
                    "intake form.",
                )
        self.assertEqual(Link.objects.count(), 2)  # the cast's

    def test_a_template_id_of_the_wrong_type_is_refused(self):
        body = self.assertError(self.create(templateID=12, requestedAccounts={}), 400)
        self.assertTrue(body["msg"].startswith("templateID must be a string."), body["msg"])

    def test_requested_accounts_is_still_required(self):
        template = self.seo()
        self.assertError(
            self.create(templateID=template.public_id), 400, "requestedAccounts is required."
        )

    def test_a_template_whose_account_was_disconnected_is_refused_as_a_link_would_be(self):
        template = self.seo()
        type(self.google_a).objects.filter(pk=self.google_a.pk).update(disconnected=timezone.now())
        body = self.assertError(
            self.create(templateID=template.public_id, requestedAccounts={}), 400
        )
        self.assertIn(self.google_a.public_id, body["msg"])
