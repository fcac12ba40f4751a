"""The client's flow on a phone, scripted: taps, seconds and each page's weight (not part of the
test suite).

Starts the demo in a throwaway data directory (bench/demo.py: migrate, seed_demo, serve with
gunicorn and the worker) and walks its English link, five services (Google Ads through the
agency's manager account, Google Analytics, Meta Ads, Facebook Pages, the Shopify steps) and
the intake form, to the thank-you page, in the system's Chromium on a phone-sized screen, as a
client who shares one account of each service does. The sandboxes' consent pages stand in for
Google's and Meta's and their taps count.

Counted: a tap is a click or a tick; typing into a text field is counted apart (on a phone it
takes one more tap, to focus the field). Seconds run from opening the link to the thank-you
page, with the browser's cache off so that every page's weight is its whole weight: HTML, CSS
and JS as transferred (headers included), per page the client reaches.

    .venv/bin/python bench/client_flow.py [--runs N]
"""

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from demo import Demo, running_demo
from playwright.sync_api import Locator, Page, Request, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
ADS_ACCOUNT = "customers/1111111111"
AD_ACCOUNT = "act_400000000000004"
COLLABORATOR_CODE = "4821"


@dataclass
class Walk:
    taps: int = 0
    fields: int = 0
    seconds: float = 0.0
    # (page path, bytes) in the order reached; the sandboxes' pages are left out.
    pages: list[tuple[str, int]] = field(default_factory=list)


class Client:
    """One walk of the link in a fresh browser context."""

    def __init__(self, demo: Demo, page: Page, link: str) -> None:
        self.demo, self.page, self.link = demo, page, link
        self.path = urlsplit(link).path
        self.walk = Walk()
        page.on("requestfinished", self._finished)

    def _finished(self, request: Request) -> None:
        """A page is its document (a GET answered 200) and what loads after it; the POSTs
        and redirects between pages are the client's actions, not a page's weight."""
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        if request.is_navigation_request():
            response = request.response()
            if request.method == "GET" and response is not None and response.status == 200:
                self.walk.pages.append((urlsplit(request.url).path, size))
        elif self.walk.pages:
            path, weight = self.walk.pages[-1]
            self.walk.pages[-1] = (path, weight + size)

    def tap(self, target: Locator) -> None:
        self.walk.taps += 1
        target.click()

    def type(self, target: Locator, text: str) -> None:
        self.walk.fields += 1
        target.fill(text)

    def run(self) -> Walk:
        page, path = self.page, self.path
        began = time.monotonic()
        page.goto(self.link)
        # Google: connect, the consent (Jane is chosen already), one Ads account (the one
        # Analytics property comes ticked), share.
        self.connect("google", "button[name=decision][value=allow]")
        self.tap(page.locator(f'input[name=google_ads][value="{ADS_ACCOUNT}"]'))
        self.tap(page.locator("main form button[type=submit]"))
        # Meta, by itself next: the same, one ad account (the one Page comes ticked).
        page.wait_for_url(self.link)
        self.connect("meta", "button[name=action][value=continue]")
        self.tap(page.locator(f'input[name=meta_ads][value="{AD_ACCOUNT}"]'))
        self.tap(page.locator("main form button[type=submit]"))
        # Shopify's steps open by themselves.
        page.wait_for_url(f"{self.link}steps/shopify_collaborator/")
        self.type(page.locator("input[name=code]"), COLLABORATOR_CODE)
        self.tap(page.locator("main form.card button[type=submit]"))
        # Then the questions.
        page.wait_for_url(f"{self.link}intake/")
        self.tap(page.locator("input[name=website_platform][value=shopify]"))
        self.type(page.locator("#q-monthly_budget"), "1500.50")
        self.type(page.locator("#q-goals"), "More cake orders.")
        self.tap(page.locator("form[data-save-url] button[type=submit]"))
        # The finish, on screen without scrolling.
        page.wait_for_url(self.link)
        finish = page.locator(f'main a[href="{path}done/"]')
        expect(finish).to_be_in_viewport()
        self.tap(finish)
        page.wait_for_url(f"{self.link}done/")
        self.walk.seconds = time.monotonic() - began
        self.walk.pages = [(p, w) for p, w in self.walk.pages if not p.startswith("/sandbox/")]
        return self.walk

    def connect(self, platform: str, consent: str) -> None:
        page = self.page
        self.tap(page.locator(f'form[action="{self.path}connect/{platform}/"] button'))
        page.wait_for_url(f"{self.demo.url}/sandbox/{platform}/**")
        self.tap(page.locator(consent))
        page.wait_for_url(f"{self.link}platform/{platform}/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="walks, each on a fresh demo")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is absent: the walk drives the system's Chromium.")
    walks = []
    for _ in range(args.runs):
        with running_demo() as demo, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            context = browser.new_context(**PHONE)
            context.set_default_timeout(20_000)
            page = context.new_page()
            context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
            walks.append(Client(demo, page, demo.links["English"]).run())
            browser.close()
    last = walks[-1]
    print(f"taps: {last.taps} (and {last.fields} text fields typed into)")
    seconds = [walk.seconds for walk in walks]
    print(f"seconds: median {statistics.median(seconds):.1f} of {len(seconds)} run(s) {seconds}")
    print("page weight (HTML + CSS + JS as transferred, cache off):")
    for path, weight in last.pages:
        print(f"  {weight / 1024:6.1f} KB  {path}")


if __name__ == "__main__":
    main()
