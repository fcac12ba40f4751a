"""A NUL byte anywhere a URL carries a value: never a server error.

PostgreSQL refuses text holding a NUL with an error, so a value that reaches a query unchecked
turns into a 500 there (SQLite stores it quietly: these tests matter on PostgreSQL). Every URL
pattern of the site is tried, each of its values replaced by one holding a NUL, signed in as an
agency owner and signed out, with GET and POST; and the query strings the pages read.
"""

import re

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from agencyaccess.test import BaseTestCase

NUL_VALUE = "a%00b"


def url_patterns(resolver=None, prefix: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        elif isinstance(pattern, URLPattern) and "<" in route:
            yield route


def with_nul_values(route: str) -> str:
    """The route as a path, each <converter:name> (or regex group) holding a NUL."""
    route = re.sub(r"\(\?P<version>[^)]*\)", "v21.0", route)  # a Meta API version: fixed
    route = re.sub(r"\(\?P<\w+>[^)]*\)", NUL_VALUE, route)
    return "/" + re.sub(r"<[^>]+>", NUL_VALUE, route).lstrip("^").rstrip("$")


class NulByteTests(BaseTestCase):
    maxDiff = None

    def setUp(self) -> None:
        super().setUp()
        self.client.raise_request_exception = False  # a 500 is what is looked for

    def server_errors(self, requests: list[tuple[str, str]]) -> list[str]:
        return [
            f"{method.upper()} {path}"
            for method, path in requests
            if getattr(self.client, method)(path).status_code >= 500
        ]

    def test_no_url_answers_a_nul_with_a_server_error(self):
        routes = [route for route in url_patterns() if not route.startswith("admin/")]
        self.assertGreater(len(routes), 40)
        requests = [(method, with_nul_values(r)) for r in routes for method in ("get", "post")]

        self.assertEqual(self.server_errors(requests), [], "signed out")
        self.client.force_login(self.alice)
        self.assertEqual(self.server_errors(requests), [], "signed in")

    def test_no_page_answers_a_nul_in_its_query_string_with_a_server_error(self):
        self.client.force_login(self.alice)
        pages = ["/clients/", "/links/", "/api-keys/", "/connected-accounts/", "/access-pages/"]
        queries = ("q", "type", "sort", "page", "status", "client", "next")
        requests = [("get", f"{page}?{query}={NUL_VALUE}") for page in pages for query in queries]

        self.assertEqual(self.server_errors(requests), [])

    def test_dashboard_urls_take_only_well_formed_ids_on_any_database(self):
        for path in ("/links/a\x00b/", "/clients/short/", "/api-keys/a\x00bcdefghijk/roll/"):
            with self.subTest(path=path), self.assertRaises(Resolver404):
                resolve(path)
        self.assertEqual(resolve(f"/links/{self.link.public_id}/").url_name, "links-detail")
