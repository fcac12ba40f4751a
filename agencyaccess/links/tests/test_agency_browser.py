"""The agency's pages in a real browser (the system's Chromium, through Playwright): the clients
list sorted by clicking its headers, and the builder's filter box."""

import re

from playwright.sync_api import Page, expect

from agencyaccess.clients.models import Client
from agencyaccess.test import LiveServerBaseTestCase
from agencyaccess.tests.browser import BrowserTestCase, Screenshots


class AgencyPagesBrowserTests(BrowserTestCase, LiveServerBaseTestCase):
    def log_in(self, page: Page) -> None:
        page.goto(f"{self.live_server_url}/account/login/")
        page.get_by_label("E-mail address").fill("alice@example.org")
        page.get_by_label("Password").fill("password")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.live_server_url}/links/")

    def test_alice_sorts_her_clients_by_clicking_the_headers(self):
        for name, company in (("Anna", "Zeta"), ("Zoe", "Alpha")):
            Client.objects.create(
                agency=self.agency_a,
                name=name,
                email=f"{name.lower()}@example.com",
                company=company,
            )
        snap = Screenshots("dashboard/sorting")
        with self.chromium() as browser:
            page = self.desktop(browser)
            self.log_in(page)
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()

            page.get_by_role("link", name="Name").click()
            page.wait_for_url(f"{self.live_server_url}/clients/?sort=name")
            expect(page.get_by_role("columnheader", name="Name")).to_have_attribute(
                "aria-sort", "ascending"
            )
            first_column = page.locator("table tbody tr > :first-child")
            expect(first_column.first).to_contain_text("Anna")
            snap(page, "by-name")

            page.get_by_role("link", name="Name").click()
            page.wait_for_url(f"{self.live_server_url}/clients/?sort=-name")
            expect(first_column.first).to_contain_text("Zoe")

            page.get_by_role("link", name="Company").click()
            page.wait_for_url(f"{self.live_server_url}/clients/?sort=company")
            expect(first_column.first).to_contain_text("Zoe")  # Alpha
            snap(page, "by-company")

    def test_alice_filters_the_builders_platforms(self):
        with self.chromium() as browser:
            page = self.desktop(browser)
            self.log_in(page)
            page.goto(f"{self.live_server_url}/links/new/?client={self.jane.public_id}")
            platforms = page.locator("details.platform")
            expect(platforms).to_have_count(24)
            # Alice's platforms first, open.
            expect(platforms.nth(0)).to_have_attribute("open", "")
            expect(platforms.nth(0).locator("summary")).to_contain_text("Google")

            page.get_by_label("Filter the platforms").fill("tik")
            expect(page.locator("details.platform:visible")).to_have_count(1)
            expect(page.locator("details.platform:visible summary")).to_contain_text("TikTok")
            expect(page.get_by_role("status").filter(has_text="platforms match")).to_have_text(
                "1 of 24 platforms match."
            )
            page.get_by_label("Filter the platforms").fill("analytics")
            expect(page.locator("details.platform:visible summary")).to_have_text(
                re.compile("Google")
            )
            page.get_by_label("Filter the platforms").fill("")
            expect(page.locator("details.platform:visible")).to_have_count(24)
