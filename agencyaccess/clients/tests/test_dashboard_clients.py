"""The dashboard's client pages, through HTTP, with the named cast (agencyaccess/test.py)."""

import html
import re
from datetime import timedelta

from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencyaccess.clients.models import Client
from agencyaccess.links.models import (
    Grant,
    IntakeForm,
    IntakeQuestion,
    Link,
    RequestedService,
    ServiceStatus,
)
from agencyaccess.test import BaseTestCase


def client_form(**fields) -> dict:
    """A valid client form, changed by `fields`; metadata as metadata=[(key, value), …]."""
    rows = fields.pop("metadata", [])
    data = {
        "name": "Maria Lopez",
        "email": "maria@lopez.example",
        "company": "Lopez Optics",
        "website": "lopez.example",
        "language": "es",
        "type": "Client",
        "metadata-TOTAL_FORMS": str(max(len(rows), 3)),
        "metadata-INITIAL_FORMS": "0",
    }
    for n, (key, value) in enumerate(rows):
        data[f"metadata-{n}-key"] = key
        data[f"metadata-{n}-value"] = value
    return data | fields


class ClientsListTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def names(self, response) -> list[str]:
        return [client.name for client, _ in response.context["rows"]]

    def test_alice_sees_her_clients_and_not_charlies(self):
        r = self.client.get("/clients/")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "<title>Clients · AgencyAccess</title>", html=True)
        self.assertEqual(self.names(r), ["Jane Doe"])
        self.assertNotContains(r, "Carl")

    def test_each_client_shows_its_latest_link_status(self):
        newer = Link.objects.create(
            agency=self.agency_a, client=self.jane, completed=timezone.now()
        )
        r = self.client.get("/clients/")
        (_, latest), *_ = r.context["rows"]
        self.assertEqual(latest, newer)
        self.assertContains(r, "Complete")
        self.assertContains(r, f"/links/{newer.public_id}/")

    def test_search_by_name_email_company_and_exact_id(self):
        Client.objects.create(agency=self.agency_a, name="Bram Visser", email="bram@visser.example")
        for text in ("jane d", "JANE@EXAMPLE", "bakery", self.jane.public_id, "ja"):
            with self.subTest(text=text):
                r = self.client.get("/clients/", {"q": text})
                self.assertEqual(self.names(r), ["Jane Doe"])
        r = self.client.get("/clients/", {"q": self.jane.public_id[:10]})
        self.assertEqual(self.names(r), [], "an id is matched whole, not in part")

    def test_search_sees_clients_as_they_are_added_renamed_and_deleted(self):
        """The SQLite trigram index is kept by triggers (clients migration 0003): a schema change
        that drops them would fail here."""
        self.client.post("/clients/new/", client_form(name="Quincy Zephyr"))
        self.assertEqual(self.names(self.client.get("/clients/?q=zephyr")), ["Quincy Zephyr"])
        quincy = Client.objects.get(name="Quincy Zephyr")
        self.client.post(f"/clients/{quincy.public_id}/edit/", client_form(name="Quincy Yarrow"))
        self.assertEqual(self.names(self.client.get("/clients/?q=zephyr")), [])
        self.assertEqual(self.names(self.client.get("/clients/?q=yarrow")), ["Quincy Yarrow"])
        self.client.post(f"/clients/{quincy.public_id}/delete/")
        self.assertEqual(self.names(self.client.get("/clients/?q=yarrow")), [])

    def test_search_does_not_find_charlies_clients(self):
        self.assertEqual(self.names(self.client.get("/clients/?q=carl")), [])

    def test_search_with_quotes_and_symbols_is_just_text(self):
        for text in ('"', 'a"b', "%", "_", "OR", "*", "x' OR 1=1 --", "é" * 200, "ab\x00c"):
            with self.subTest(text=text):
                r = self.client.get("/clients/", {"q": text})
                self.assertEqual(r.status_code, 200)
                self.assertEqual(self.names(r), [])
        # A NUL byte cannot be in any client's details: it is dropped, here leaving no search.
        self.assertEqual(self.names(self.client.get("/clients/", {"q": "\x00"})), ["Jane Doe"])

    def test_filter_by_type(self):
        Client.objects.create(
            agency=self.agency_a, name="Pat Prospect", email="pat@example.com", type="Prospect"
        )
        self.assertEqual(self.names(self.client.get("/clients/?type=Prospect")), ["Pat Prospect"])
        self.assertEqual(self.names(self.client.get("/clients/?type=Client")), ["Jane Doe"])
        self.assertEqual(len(self.names(self.client.get("/clients/?type=nonsense"))), 2)

    def test_sort_by_each_column_both_ways(self):
        now = timezone.now()
        Client.objects.create(
            agency=self.agency_a,
            name="Anna",
            email="anna@example.com",
            company="Zeta",
            created=now - timedelta(days=1),
        )
        Client.objects.create(
            agency=self.agency_a,
            name="Zoe",
            email="zoe@example.com",
            company="Alpha",
            created=now + timedelta(days=1),
        )
        expected = {
            "name": ["Anna", "Jane Doe", "Zoe"],
            "-name": ["Zoe", "Jane Doe", "Anna"],
            "company": ["Zoe", "Jane Doe", "Anna"],
            "-company": ["Anna", "Jane Doe", "Zoe"],
            "created": ["Anna", "Jane Doe", "Zoe"],
            "-created": ["Zoe", "Jane Doe", "Anna"],
            "password": ["Zoe", "Jane Doe", "Anna"],  # not a column: newest first
        }
        for sort, names in expected.items():
            with self.subTest(sort=sort):
                self.assertEqual(self.names(self.client.get("/clients/", {"sort": sort})), names)
        r = self.client.get("/clients/?sort=name")
        self.assertContains(r, 'aria-sort="ascending"')
        self.assertContains(r, "?sort=-name")

    def test_the_headers_and_page_links_lead_to_the_sorted_pages(self):
        """Followed as a browser follows them: each href is a query string of its own (Django's
        querystring tag writes the "?"), keeping the search and dropping the page number."""
        Client.objects.bulk_create(
            Client(agency=self.agency_a, name=f"Client {n:03}", email=f"c{n}@example.com")
            for n in range(60)
        )
        first = self.client.get("/clients/?q=example&sort=-name&page=2")
        hrefs = re.findall(r'<a href="(\?[^"]*)"', first.content.decode())
        self.assertTrue(hrefs)
        for href in hrefs:
            self.assertFalse(href.startswith("??"), href)
        name_header = next(h for h in hrefs if "sort=name" in h)
        self.assertEqual(name_header, "?q=example&amp;sort=name")
        r = self.client.get("/clients/" + html.unescape(name_header))
        self.assertEqual(self.names(r)[:2], ["Client 000", "Client 001"])
        next_page = re.search(r'<a href="([^"]*)" rel="next"', r.content.decode())
        assert next_page is not None
        r = self.client.get("/clients/" + html.unescape(next_page.group(1)))
        self.assertEqual(self.names(r)[0], "Client 050")

    def test_pages_of_fifty(self):
        Client.objects.bulk_create(
            Client(agency=self.agency_a, name=f"Client {n:03}", email=f"c{n}@example.com")
            for n in range(60)
        )
        first = self.client.get("/clients/?sort=name")
        self.assertEqual(len(first.context["rows"]), 50)
        self.assertContains(first, 'rel="next"')
        second = self.client.get("/clients/?sort=name&page=2")
        self.assertEqual(len(second.context["rows"]), 11)
        self.assertContains(second, 'rel="prev"')
        self.assertNotContains(second, 'rel="next"')
        self.assertFalse(set(self.names(first)) & set(self.names(second)))

    def test_odd_page_numbers(self):
        for page in ("abc", "-1", "0", ""):
            with self.subTest(page=page):
                self.assertEqual(
                    self.names(self.client.get("/clients/", {"page": page})), ["Jane Doe"]
                )
        r = self.client.get("/clients/", {"page": "9" * 40})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "There are no more clients")

    def test_an_empty_agency_says_how_to_start(self):
        self.client.force_login(self.charlie)
        Client.objects.filter(agency=self.agency_b).delete()
        self.assertContains(self.client.get("/clients/"), "No clients yet")

    def test_queries_do_not_grow_with_the_rows(self):
        for url in ("/clients/", "/clients/?q=example", "/clients/?q=ex&type=Client&sort=name"):
            with self.subTest(url=url):
                with CaptureQueriesContext(connection) as few:
                    self.client.get(url)
                for n in range(30):
                    client = Client.objects.create(
                        agency=self.agency_a, name=f"Client {n}", email=f"c{n}@example.com"
                    )
                    link = Link.objects.create(agency=self.agency_a, client=client)
                    RequestedService.objects.create(
                        link=link, platform="google", service_key="google_ads", access_level="ADMIN"
                    )
                with self.assertNumQueries(len(few)):
                    r = self.client.get(url)
                self.assertGreater(len(r.context["rows"]), 10)
                Client.objects.exclude(pk=self.jane.pk).filter(agency=self.agency_a).delete()

    def test_login_required(self):
        self.client.logout()
        r = self.client.get("/clients/")
        self.assertEqual(r.status_code, 302)
        self.assertIn("/account/login/", r["Location"])


class ClientCreateTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.bob)  # a member, not the owner

    def test_bob_adds_a_client(self):
        self.assertContains(self.client.get("/clients/new/"), '<label for="id_name">Name</label>')
        r = self.client.post(
            "/clients/new/", client_form(metadata=[("crm_id", "42"), ("source", "")])
        )
        maria = Client.objects.get(email="maria@lopez.example")
        self.assertRedirects(r, f"/clients/{maria.public_id}/")
        self.assertEqual(maria.agency, self.agency_a)
        self.assertEqual(
            (maria.name, maria.company, maria.website, maria.language, maria.type),
            ("Maria Lopez", "Lopez Optics", "lopez.example", "es", "Client"),
        )
        self.assertEqual(maria.metadata, {"crm_id": "42", "source": ""})

    def test_line_breaks_in_the_name_become_spaces(self):
        self.client.post("/clients/new/", client_form(name="Maria\rLopez"))
        self.assertEqual(Client.objects.get(email="maria@lopez.example").name, "Maria Lopez")

    def test_a_prospect(self):
        self.client.post("/clients/new/", client_form(type="Prospect"))
        self.assertTrue(Client.objects.get(email="maria@lopez.example").is_prospect)

    def test_mistakes_are_shown_and_nothing_is_created(self):
        cases = {
            "missing name": (client_form(name=""), "This field is required."),
            "long name": (client_form(name="x" * 201), "at most 200 characters"),
            "bad e-mail": (
                client_form(email="maria@"),
                "Email must be a valid e-mail address, such as jane@example.com.",
            ),
            "bad website": (
                client_form(website="not a site"),
                "Website must be a web address, such as https://example.com.",
            ),
            "unknown language": (client_form(language="sv"), "Select a valid choice."),
            "unknown type": (client_form(type="Partner"), "Select a valid choice."),
            "value without key": (
                client_form(metadata=[("", "orphan")]),
                "The value “orphan” needs a key.",
            ),
            "key twice": (
                client_form(metadata=[("a", "1"), ("a", "2")]),
                "The key “a” is there twice.",
            ),
            "long key": (client_form(metadata=[("k" * 41, "v")]), "at most 40 characters"),
            "long value": (client_form(metadata=[("k", "v" * 501)]), "at most 500 characters"),
            "too many rows": (
                client_form(**{"metadata-TOTAL_FORMS": "1000"}),
                "Please submit at most 50 forms.",
            ),
            "no management form": (
                {k: v for k, v in client_form().items() if "TOTAL" not in k},
                "ManagementForm data is missing",
            ),
        }
        for label, (data, message) in cases.items():
            with self.subTest(label):
                r = self.client.post("/clients/new/", data)
                self.assertContains(
                    r, message.replace("“", "&quot;").replace("”", "&quot;"), status_code=400
                )
        self.assertFalse(Client.objects.filter(email="maria@lopez.example").exists())

    def test_csrf_is_enforced(self):
        browser = HttpClient(enforce_csrf_checks=True)
        browser.force_login(self.bob)
        self.assertEqual(browser.post("/clients/new/", client_form()).status_code, 403)
        self.assertFalse(Client.objects.filter(email="maria@lopez.example").exists())


class ClientEditDeleteTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.jane.metadata = {"crm_id": "7", "tier": "gold"}
        self.jane.save()

    def test_the_form_shows_the_client(self):
        r = self.client.get(f"/clients/{self.jane.public_id}/edit/")
        self.assertContains(r, 'value="Jane Doe"')
        self.assertContains(r, 'value="crm_id"')
        self.assertContains(r, 'value="gold"')

    def test_alice_edits_jane(self):
        data = client_form(
            name="Jane Smith",
            email="jane@smith.example",
            type="Prospect",
            metadata=[("crm_id", "8"), ("", ""), ("note", "call on Monday")],
        )
        r = self.client.post(f"/clients/{self.jane.public_id}/edit/", data)
        self.assertRedirects(r, f"/clients/{self.jane.public_id}/")
        self.jane.refresh_from_db()
        self.assertEqual(
            (self.jane.name, self.jane.email, self.jane.type),
            ("Jane Smith", "jane@smith.example", "Prospect"),
        )
        # "tier" was cleared in the form: removed; the others set.
        self.assertEqual(self.jane.metadata, {"crm_id": "8", "note": "call on Monday"})

    def test_a_bad_edit_changes_nothing(self):
        r = self.client.post(f"/clients/{self.jane.public_id}/edit/", client_form(email="nope"))
        self.assertEqual(r.status_code, 400)
        self.jane.refresh_from_db()
        self.assertEqual(self.jane.email, "jane@example.com")

    def test_delete_asks_then_removes_the_client_and_its_links(self):
        r = self.client.get(f"/clients/{self.jane.public_id}/delete/")
        self.assertContains(r, "Delete Jane Doe?")
        self.assertContains(r, "1 link")
        self.assertTrue(Client.objects.filter(pk=self.jane.pk).exists())
        r = self.client.post(f"/clients/{self.jane.public_id}/delete/")
        self.assertRedirects(r, "/clients/")
        self.assertFalse(Client.objects.filter(pk=self.jane.pk).exists())
        self.assertFalse(Link.objects.filter(pk=self.link.pk).exists())
        self.assertFalse(RequestedService.objects.filter(link_id=self.link.pk).exists())

    def test_as_charlie_alices_client_is_not_found_and_stays(self):
        self.client.force_login(self.charlie)
        jane = self.jane.public_id
        for method, url in (
            ("get", f"/clients/{jane}/"),
            ("get", f"/clients/{jane}/edit/"),
            ("post", f"/clients/{jane}/edit/"),
            ("get", f"/clients/{jane}/delete/"),
            ("post", f"/clients/{jane}/delete/"),
            ("get", f"/links/?client={jane}"),
            ("get", f"/links/new/?client={jane}"),
        ):
            with self.subTest(method=method, url=url):
                data = client_form(name="Hacked") if method == "post" else None
                self.assertEqual(getattr(self.client, method)(url, data).status_code, 404)
        self.jane.refresh_from_db()
        self.assertEqual(self.jane.name, "Jane Doe")

    def test_unknown_ids_are_not_found(self):
        for url in ("/clients/nope/", "/clients/" + "x" * 300 + "/edit/", "/clients/%00/delete/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)


class ClientDetailTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)

    def test_contact_details_and_metadata(self):
        self.jane.metadata = {"crm_id": "7"}
        self.jane.save()
        r = self.client.get(f"/clients/{self.jane.public_id}/")
        self.assertContains(r, "<title>Jane Doe · Clients · AgencyAccess</title>", html=True)
        for text in (
            "jane@example.com",
            "Jane&#x27;s Bakery",
            "English",
            "crm_id",
            self.jane.public_id,
        ):
            self.assertContains(r, text)

    def test_links_with_what_was_granted_and_the_intake_answers(self):
        form = IntakeForm.objects.create(agency=self.agency_a)
        IntakeQuestion.objects.create(
            form=form, key="budget", type="short_text", labels={"en": "Monthly budget"}
        )
        IntakeQuestion.objects.create(
            form=form,
            key="goal",
            type="single_choice",
            labels={"en": "Main goal"},
            choices=[{"key": "leads", "labels": {"en": "More leads"}}],
        )
        self.link.intake_form_requested = True
        self.link.intake_answers = {"budget": "5000", "goal": "leads", "old_question": "kept"}
        self.link.intake_completed = timezone.now()
        self.link.save()
        self.link.services.update(status=ServiceStatus.GRANTED)
        Grant.objects.create(
            link=self.link,
            service_key="google_ads",
            connected_account=self.google_a,
            asset_id="customers/1112223333",
            asset_name="Jane's Bakery Ads",
            access_level="STANDARD",
            state="active",
            last_verified=timezone.now(),
        )
        r = self.client.get(f"/clients/{self.jane.public_id}/")
        for text in (
            "Google Ads",
            "Granted",
            "Jane&#x27;s Bakery Ads",
            "customers/1112223333",
            "Active",
            "Last verified",
            "Monthly budget",
            "5000",
            "More leads",
            "old_question",
        ):
            self.assertContains(r, text)

    def test_queries_do_not_grow_with_links(self):
        url = f"/clients/{self.jane.public_id}/"
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        for _ in range(5):
            link = Link.objects.create(agency=self.agency_a, client=self.jane)
            service = RequestedService.objects.create(
                link=link, platform="google", service_key="google_ads", access_level="ADMIN"
            )
            service.account_links.create(connected_account=self.google_a)
            Grant.objects.create(
                link=link,
                service_key="google_ads",
                connected_account=self.google_a,
                asset_id=f"customers/{link.pk}",
                access_level="ADMIN",
                state="active",
            )
        with self.assertNumQueries(len(few)):
            self.client.get(url)
