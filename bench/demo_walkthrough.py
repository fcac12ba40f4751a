"""Smoke test of the demo as a new user meets it (not part of the test suite).

Starts the demo in a throwaway data directory (bench/demo.py: migrate, seed_demo, serve with
gunicorn and the worker), then drives each of the three printed links (English, Spanish,
Dutch) to the end in the system's Chromium on a phone-sized screen: Google (Jane signs in to
the sandbox, shares a Google Ads account through the agency's manager account and her
Analytics property), Meta (an ad account and her Page), the Shopify steps, the intake form,
Finish and the thank-you page. Then the API (with the printed key) must say every service
was granted and the intake completed, and the server's log must hold no error.

    .venv/bin/python bench/demo_walkthrough.py [--screenshots DIR]

Exits non-zero at the first problem; prints what each link shows on the way.
"""

import argparse
import json
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from demo import Demo, running_demo
from playwright.sync_api import Browser, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
JANE_AT_GOOGLE = "jane@janes-bakery.example"


@dataclass(frozen=True)
class Walk:
    """One client's link, what they read and what they pick. Each link shares other assets of
    Jane's sandbox worlds where there are several, so the three see different outcomes."""

    language: str  # as seed_demo prints it
    code: str
    hello: str
    thank_you: str  # the seed's message for this client
    ads_account: str
    ad_account: str
    budget: str  # typed as a client of this language types a number
    goals: str


WALKS = (
    Walk(
        "English",
        "en",
        "Hello Jane Doe",
        "Thank you! We will start on your campaigns this week.",
        "customers/1111111111",  # linked to the agency's manager account now
        "act_400000000000004",  # shared at once
        "1500.50",
        "More cake orders.",
    ),
    Walk(
        "Spanish",
        "es",
        "Hola, María García",
        "¡Gracias! Empezamos con tus campañas esta semana.",
        "customers/5555555555/customerClients/5555555501",  # reached through her manager account
        "act_400000000000002",  # shared at once
        "1500,50",
        "Más pedidos de tartas.",
    ),
    Walk(
        "Dutch",
        "nl",
        "Hallo Daan de Vries",
        "Bedankt! We gaan deze week aan de slag met je campagnes.",
        "customers/4444444444",  # already under the agency's manager account
        "act_400000000000001",  # already shared with the agency
        "1500,50",
        "Meer taartbestellingen.",
    ),
)
PROPERTY = "properties/2001"
PAGE = "500000000000001"
COLLABORATOR_CODE = "4821"
AGENCY_SIDE = 'a[href*="/sandbox/google/inbox/"]'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshots", type=Path, help="write a screenshot of every step here")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is absent: the walkthrough drives the system's Chromium.")
    began = time.monotonic()
    with running_demo() as demo:
        print(f"demo served at {demo.url} (data in {demo.data_dir})")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            for walk in WALKS:
                Walker(demo, browser, walk, args.screenshots).run()
            browser.close()
        for walk in WALKS:
            check_api(demo, walk)
        check_agency_side(demo)
        errors = demo.server_errors()
        if errors:
            sys.exit("the server's log has errors:\n" + "\n".join(errors))
        print("server log: no errors")
    print(f"\nall three demo links done in {time.monotonic() - began:.0f} s")


class Walker:
    def __init__(self, demo: Demo, browser: Browser, walk: Walk, screenshots: Path | None):
        self.demo = demo
        self.walk = walk
        self.link = demo.links[walk.language]
        self.path = urlsplit(self.link).path
        self.screenshots = screenshots
        self.shots = 0
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(20_000)
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        self.page.on("response", self._check_response)
        self.page.on("request", self._check_request)

    def _check_response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status} for {response.url}")

    def _check_request(self, request) -> None:
        if not request.url.startswith(self.demo.url):
            self.problems.append(f"off-site request: {request.url}")

    def run(self) -> None:
        walk, page = self.walk, self.page
        print(f"\n== {walk.language}: {self.link}")
        began = time.monotonic()
        page.goto(self.link)
        expect(page.locator("html")).to_have_attribute("lang", walk.code)
        expect(page.locator("h1")).to_have_text(walk.hello)
        self.step("link")
        if walk.code != "en":
            # The switcher, at the top: English for a moment, then back to the client's language.
            page.locator("details.languages > summary").click()
            page.locator("button[name=language][value=en]").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            page.locator("details.languages > summary").click()
            page.locator(f"button[name=language][value={walk.code}]").click()
            expect(page.locator("html")).to_have_attribute("lang", walk.code)
            expect(page.locator("h1")).to_have_text(walk.hello)

        self.connect("google", f'input[name=user][value="{JANE_AT_GOOGLE}"]', "decision")
        self.share({"google_ads": walk.ads_account, "google_analytics": PROPERTY}, self.link)
        self.connect("meta", "input[name=person][value=jane]", "action")
        # After Meta the flow moves on by itself to the Shopify steps, then the questions.
        self.share(
            {"meta_ads": walk.ad_account, "facebook_pages": PAGE},
            f"{self.link}steps/shopify_collaborator/",
        )
        page.locator("input[name=code]").fill(COLLABORATOR_CODE)
        self.step("shopify")
        page.locator("main form.card button[type=submit]").click()
        page.wait_for_url(f"{self.link}intake/")

        page.locator("input[name=website_platform][value=shopify]").check()
        page.locator("#q-monthly_budget").fill(walk.budget)
        page.locator("#q-goals").fill(walk.goals)
        self.step("intake")
        page.locator("form[data-save-url] button[type=submit]").click()
        page.wait_for_url(self.link)
        # Everything granted and answered: the finish, then every step folded to its result.
        expect(page.locator(".state-pending")).to_have_count(0)
        expect(page.locator(f'main a[href="{self.path}done/"]')).to_be_in_viewport()
        self.step("summary")

        page.locator(f'main a[href="{self.path}done/"]').click()
        expect(page.locator("main h1 + p")).to_have_text(walk.thank_you)
        self.step("thank-you")
        print(f"  done page: {page.locator('h1').inner_text()!r} / {walk.thank_you!r}")
        print(f"  {time.monotonic() - began:.1f} s in the browser")
        if self.problems:
            sys.exit(f"{walk.language}: " + "; ".join(self.problems))
        page.context.close()

    def connect(self, platform: str, person: str, submit: str) -> None:
        page = self.page
        page.locator(f'form[action="{self.path}connect/{platform}/"] button').click()
        page.wait_for_url(f"{self.demo.url}/sandbox/{platform}/**")
        page.locator(person).check()
        self.step(f"{platform}-consent")
        page.locator(
            f"button[name={submit}][value={'allow' if submit == 'decision' else 'continue'}]"
        ).click()
        page.wait_for_url(f"{self.link}platform/{platform}/")

    def share(self, picks: dict[str, str], next_page: str) -> None:
        """Tick and share; the flow moves on to next_page, which shows what was shared."""
        page = self.page
        for service, asset in picks.items():
            page.locator(f'input[name={service}][value="{asset}"]').check()
        self.step("assets")
        page.locator("form:has(input[type=checkbox]) button[type=submit]").click()
        page.wait_for_url(next_page)
        results = page.locator(".just-shared ul.results > li")
        expect(results).to_have_count(len(picks))
        for item in results.all():
            name = item.locator(".service-head strong").inner_text()
            state = item.locator(".grant-state").inner_text()
            print(f"  {name}: {state}")
        self.step("results")
        # Where the agency accepts or approves is no place to send the client.
        expect(page.locator(AGENCY_SIDE)).to_have_count(0)

    def step(self, name: str) -> None:
        if self.screenshots is None:
            return
        self.shots += 1
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{self.walk.code}-{self.shots:02d}-{name}.png"
        self.page.screenshot(path=path, full_page=True)


def check_api(demo: Demo, walk: Walk) -> None:
    """The agency's view of the link: every service granted, the intake completed."""
    link_id = urlsplit(demo.links[walk.language]).path.strip("/").split("/")[-1]
    request = urllib.request.Request(
        f"{demo.url}/api/links/retrieve?id={link_id}", headers={"X-Auth": demo.api_key}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        data = json.load(response)["data"]
    states = {
        service: (config["granted"], config["skipped"])
        for services in data["requestedAccounts"].values()
        for service, config in services.items()
    }
    if set(states.values()) != {(True, False)} or data["intakeForm"] != {
        "requested": True,
        "complete": True,
    }:
        sys.exit(f"{walk.language}: the API says {json.dumps(data, indent=2)}")
    print(f"API, {walk.language}: {len(states)} services granted, intake complete")


def check_agency_side(demo: Demo) -> None:
    """The sandbox page seed_demo prints for the agency answers."""
    path = "/sandbox/google/inbox/?email=ads@demo-agency.example"
    with urllib.request.urlopen(demo.url + path, timeout=10) as response:
        print(f"agency side {path}: HTTP {response.status}")


if __name__ == "__main__":
    main()
