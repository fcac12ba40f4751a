"""A NUL byte anywhere a request carries a value: never a server error.

PostgreSQL refuses text holding a NUL with an error, so a value that reaches a query unchecked
turns into a 500 there (SQLite stores it quietly: these tests matter on PostgreSQL). Every URL
pattern of the site is tried with each of its values in turn holding a NUL, the others real
(Alice's link, her client, a service the link asks for...: a check on the first value must not
hide the second), signed in as an agency owner and signed out, with GET and POST. Then every
form the site's pages show is sent back with a NUL in each of its fields, and the query strings
the pages read get one too.
"""

import copy
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from agencyaccess.accounts.models import Invitation, Membership, Role
from agencyaccess.links.models import (
    AccessPage,
    IntakeForm,
    IntakeQuestion,
    Link,
    RequestedAccountLink,
    RequestedService,
)
from agencyaccess.platforms import contracts
from agencyaccess.test import MCC_ID, BaseTestCase

NUL_VALUE = "a\x00b"
NUL_IN_URL = "a%00b"
# A URL's <converter:name> or (?P<name>regex) part.
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def url_patterns(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route.replace("^", "").replace("$", "")


def paths(route: str, values: dict[str, str]) -> list[str]:
    """The route with every value real, then once for each value holding a NUL instead."""
    names = [a or b for a, b in PARAMETER.findall(route)]

    def fill(nul_at: int | None) -> str:
        position = iter(range(len(names)))
        return "/" + PARAMETER.sub(
            lambda m: NUL_IN_URL if next(position) == nul_at else values.get(m[1] or m[2], "x"),
            route,
        )

    return [fill(None), *(fill(i) for i in range(len(names)))]


class Forms(HTMLParser):
    """The forms of a page: (method, action, field names)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append((method, attributes.get("action") or "", []))
        elif tag in ("input", "select", "textarea", "button") and self.forms:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                self.forms[-1][2].append(name)


class NulByteTests(BaseTestCase):
    maxDiff = None
    access_page: AccessPage
    invitation: Invitation
    invitation_token: str

    @classmethod
    def setUpTestData(cls) -> None:
        """Every page with its forms: Alice in two agencies (the switcher), a link asking for
        the intake, a service with guided steps and one on each sandbox, an access page, an
        invitation."""
        super().setUpTestData()
        Membership.objects.create(user=cls.alice, agency=cls.agency_b, role=Role.MEMBER)
        form = IntakeForm.objects.create(agency=cls.agency_a)
        for key, kind in [("budget", "number"), ("about", "short_text"), ("pixel", "yes_no")]:
            IntakeQuestion.objects.create(form=form, key=key, type=kind, labels={"en": key})
        Link.objects.filter(pk=cls.link.pk).update(intake_form_requested=True)
        for platform, service_key, account in [
            ("google", "youtube_studio", cls.google_a),
            ("meta", "meta_ads", cls.meta_a),
        ]:
            service = RequestedService.objects.create(
                link=cls.link, platform=platform, service_key=service_key, access_level="MANAGE"
            )
            RequestedAccountLink.objects.create(
                requested_service=service, connected_account=account
            )
        cls.access_page = AccessPage.objects.create(
            agency=cls.agency_a,
            name="Bakeries",
            requested_accounts={"google": {"google_ads": {"access_level": "STANDARD"}}},
        )
        cls.invitation = Invitation(agency=cls.agency_a, email="dave@example.org")
        cls.invitation_token = cls.invitation.renew()
        cls.invitation.save()

    def setUp(self) -> None:
        super().setUp()
        self.client.raise_request_exception = False  # a 500 is what is looked for
        # Junk sent to the sandboxes on purpose: the vendors' contracts refuse it (a 4xx).
        self.enterContext(contracts.expected())
        self.values = {
            "link_id": self.link.public_id,
            "client_id": self.jane.public_id,
            "agency_id": self.agency_a.public_id,
            "page_id": self.access_page.public_id,
            "account_id": self.google_a.public_id,
            "token": self.invitation_token,
            "lookup": self.alice_key_row.lookup,
            "platform": "google",
            "service": "google_ads",
            "version": "v21.0",
            "customer_id": MCC_ID,
            "business_id": "100000000000001",
            "node": "me",
            "edge": "adaccounts",
        }

    def answer(self, client: Client, method: str, path: str, data=None) -> int:
        """The status of one request, whose changes are then undone (the session cookie too): a
        form that deletes the link, or signs out, must not hide what the next one would do."""
        cookies = copy.deepcopy(client.cookies)
        with transaction.atomic():
            status = getattr(client, method)(path, data).status_code
            transaction.set_rollback(True)
        client.cookies = cookies
        return status

    def clients(self) -> dict[str, Client]:
        signed_in = Client(raise_request_exception=False)
        signed_in.force_login(self.alice)
        return {"signed out": Client(raise_request_exception=False), "signed in": signed_in}

    def routes(self) -> list[str]:
        routes = [route for route in url_patterns() if not route.startswith("admin/")]
        self.assertGreater(len(routes), 80)
        return routes

    def test_no_url_answers_a_nul_in_any_of_its_values_with_a_server_error(self):
        requests = [
            (method, path)
            for route in self.routes()
            if PARAMETER.search(route)
            for path in paths(route, self.values)[1:]
            for method in ("get", "post")
        ]
        for who, client in self.clients().items():
            with self.subTest(who):
                errors = [
                    f"{m.upper()} {p}" for m, p in requests if self.answer(client, m, p) >= 500
                ]
                self.assertEqual(errors, [])

    def pages(self, client: Client) -> list[str]:
        """Every route with real values, and the sandboxes' sign-in pages a client is sent to."""
        pages = [paths(route, self.values)[0] for route in self.routes()]
        pages.append(f"/l/{self.link.public_id}/steps/youtube_studio/")
        for platform in ("google", "meta"):
            sign_in = client.post(f"/l/{self.link.public_id}/connect/{platform}/")
            self.assertEqual(sign_in.status_code, 302)
            pages.append(urlsplit(sign_in["Location"])._replace(scheme="", netloc="").geturl())
        return pages

    def test_no_form_answers_a_nul_in_its_fields_with_a_server_error(self):
        for who, client in self.clients().items():
            forms = set()
            for page in self.pages(client):
                response = client.get(page)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                parser = Forms()
                parser.feed(response.content.decode())
                for method, action, names in parser.forms:
                    target = urljoin(page, action) if action else page
                    if urlsplit(target).netloc:  # a form sent to another site
                        continue
                    forms.add((method, target, tuple(sorted(set(names)))))
            with self.subTest(who):
                self.assertGreater(len(forms), 20 if who == "signed in" else 3)
                errors = [
                    f"{method.upper()} {target} {names}"
                    for method, target, names in sorted(forms)
                    if self.answer(client, method, target, dict.fromkeys(names, NUL_VALUE)) >= 500
                ]
                self.assertEqual(errors, [])

    def test_no_page_answers_a_nul_in_its_query_string_with_a_server_error(self):
        self.client.force_login(self.alice)
        pages = ["/clients/", "/links/", "/api-keys/", "/connected-accounts/", "/access-pages/"]
        queries = ("q", "type", "sort", "page", "status", "client", "next")
        requests = [f"{page}?{query}={NUL_IN_URL}" for page in pages for query in queries]

        self.assertEqual([p for p in requests if self.answer(self.client, "get", p) >= 500], [])

    def test_dashboard_urls_take_only_well_formed_ids_on_any_database(self):
        for path in ("/links/a\x00b/", "/clients/short/", "/api-keys/a\x00bcdefghijk/roll/"):
            with self.subTest(path=path), self.assertRaises(Resolver404):
                resolve(path)
        self.assertEqual(resolve(f"/links/{self.link.public_id}/").url_name, "links-detail")
