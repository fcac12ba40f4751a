"""The Requested Accounts Builder as the agency sees it: the platforms it uses first and open,
the others closed after them, a filter box, and levels named as people read them."""

import re

from agencyaccess.links.builder import builder_for
from agencyaccess.links.models import Link, RequestedService
from agencyaccess.test import BaseTestCase


class BuilderPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def platforms_shown(self) -> list[tuple[str, bool]]:
        """(platform, open) in the order the new-link page shows them."""
        page = self.client.get(f"/links/new/?client={self.jane.public_id}").content.decode()
        return [
            (name, bool(is_open))
            for is_open, name in re.findall(
                r'<details class="platform" data-search="[^"]*"( open)?>\s*<summary>([^<]+)', page
            )
        ]

    def test_platforms_with_accounts_or_recent_links_come_first_open(self):
        Link.objects.create(agency=self.agency_a, client=self.jane)
        RequestedService.objects.create(
            link=Link.objects.create(agency=self.agency_a, client=self.jane),
            platform="tiktok",
            service_key="tiktok_ads",
            access_level="ANALYST",
        )
        shown = self.platforms_shown()
        self.assertEqual(len(shown), 24)
        self.assertEqual(
            shown[:3], [("Google", True), ("Meta", True), ("TikTok", True)]
        )  # Alice's accounts, then her links', in the catalogue's order
        self.assertFalse(any(is_open for _, is_open in shown[3:]))

    def test_charlies_links_do_not_change_alices_order(self):
        RequestedService.objects.create(
            link=self.charlies_link,
            platform="tiktok",
            service_key="tiktok_ads",
            access_level="ANALYST",
        )
        self.assertEqual(
            [name for name, is_open in self.platforms_shown() if is_open], ["Google", "Meta"]
        )

    def test_the_filter_box_and_what_it_matches(self):
        page = self.client.get(f"/links/new/?client={self.jane.public_id}")
        self.assertContains(page, 'id="platform-filter"')
        google = next(
            c
            for c in builder_for(self.agency_a.pk, {}, prospect=False)
            if c.platform.key == "google"
        )
        self.assertIn("google analytics", google.search_text)

    def test_levels_read_as_words_and_read_only_is_said_once(self):
        page = self.client.get(f"/links/new/?client={self.jane.public_id}").content.decode()
        self.assertIn(">Read only</option>", page)
        self.assertIn(">Viewer (read-only)</option>", page)
        self.assertNotIn("Read only (read-only)", page)
        self.assertNotIn(">READ_ONLY<", page)

    def test_the_link_page_names_levels_as_words(self):
        page = self.client.get(f"/links/{self.link.public_id}/")
        self.assertContains(page, "<td>Standard</td>")
        self.assertNotContains(page, "STANDARD")

    def test_the_order_costs_a_fixed_number_of_queries(self):
        def more_links():
            for _ in range(5):
                link = Link.objects.create(agency=self.agency_a, client=self.jane)
                RequestedService.objects.create(
                    link=link, platform="tiktok", service_key="tiktok_ads", access_level="ANALYST"
                )

        self.assertQueriesDoNotGrow(f"/links/new/?client={self.jane.public_id}", more_links)
