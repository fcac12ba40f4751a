"""What the tests that run a live server share: every platform in its sandbox, reached over
HTTP at the live server's address (the connectors call SITE_URL, as on a fresh install), the
system's Chromium driven by Playwright, and screenshots kept for CI.

Any app's tests import it from here; pytest does not collect it (no test_ prefix).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import LiveServerTestCase, override_settings
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from agencyaccess.lib import http

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that reaches the network by itself (updates, sync, safe browsing).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# How long a step may wait for a page or an element before the test fails (milliseconds).
STEP_TIMEOUT = 20_000

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}

# CI keeps this folder as the run's artefacts (it is ignored by git).
ARTIFACTS = Path(settings.BASE_DIR).parent / "artifacts"

# axe-core, installed by `make test` from agencyaccess/tests/axe (package-lock.json pins it).
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# What fails a test; "moderate" and "minor" findings are left to review.
AXE_FAILING_IMPACTS = ("serious", "critical")


def use_sandboxes(test: LiveServerTestCase) -> None:
    """Google and Meta in sandbox mode for this test, their sandboxes served by its live
    server; the connectors' HTTP goes there over one transport."""
    test.enterContext(
        override_settings(
            SITE_URL=test.live_server_url,
            GOOGLE_CLIENT_ID="",
            GOOGLE_URLS={},
            META_APP_ID="",
            META_CONFIG_ID="",
            META_URLS={},
        )
    )
    # One transport for the test: without it httpx builds a TLS context for every call.
    transport = test.enterContext(httpx.HTTPTransport())
    http.set_transport_for_tests(transport)
    test.addCleanup(http.set_transport_for_tests, None)


class Screenshots:
    """Full-page screenshots of one test, in artifacts/<suite>/ as NN-<step>.png, numbered in
    the order taken. The suite's screenshots of an earlier run are removed first, so give each
    test its own suite: tests run in parallel."""

    def __init__(self, suite: str) -> None:
        self.folder = ARTIFACTS / suite
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.taken = 0

    def __call__(self, page: Page, step: str) -> Path:
        self.taken += 1
        path = self.folder / f"{self.taken:02d}-{step}.png"
        page.screenshot(path=path, full_page=True, scale="css")
        return path


class BrowserTestCase(StaticLiveServerTestCase):
    """A live server (static files included) and the system's Chromium; skipped on a machine
    without it."""

    @classmethod
    def setUpClass(cls) -> None:
        if not Path(CHROMIUM).exists():
            pytest.skip(f"browser tests drive the system's Chromium, and {CHROMIUM} is absent")
        super().setUpClass()

    @contextmanager
    def chromium(self) -> Iterator[Browser]:
        """Chromium, headless. Read and write the database before and after, not while it is
        open: Playwright's sync API marks an event loop running in this thread, so Django
        refuses (where it would otherwise open a second connection, never closed)."""
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield browser
            finally:
                browser.close()

    def assertAccessible(self, page: Page) -> None:
        """axe-core's WCAG 2.x A and AA rules on the page as it is now: no serious or critical
        violation (https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md)."""
        if not AXE.exists():
            self.fail(f"{AXE} is missing: `make test` installs it (npm ci in {AXE.parent.parent})")
        # Evaluated, not added as a <script>: the app's Content-Security-Policy refuses
        # scripts it did not serve, and an evaluation through the DevTools protocol is not one.
        page.evaluate(AXE.read_text() + "\n;undefined")
        violations = page.evaluate(
            """async () => (await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                resultTypes: ["violations"],
            })).violations"""
        )
        failing = [
            f"{v['impact']} {v['id']}: {v['help']} at "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            for v in violations
            if v["impact"] in AXE_FAILING_IMPACTS
        ]
        self.assertEqual(failing, [], f"accessibility of {page.url}")

    def desktop(self, browser: Browser, **options: Any) -> Page:
        """A page in a new browser context (its own cookies) on a laptop-sized screen."""
        return self._page(browser.new_context(**DESKTOP, **options))

    def phone(self, browser: Browser, **options: Any) -> Page:
        """A page in a new browser context (its own cookies) on a phone."""
        return self._page(browser.new_context(**PHONE, **options))

    @staticmethod
    def _page(context: BrowserContext) -> Page:
        context.set_default_timeout(STEP_TIMEOUT)
        return context.new_page()
