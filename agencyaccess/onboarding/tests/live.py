"""What the tests that run a live server share: every platform in its sandbox, reached over
HTTP at the live server's address (the connectors call SITE_URL, as on a fresh install), and
the system's Chromium driven by Playwright."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import LiveServerTestCase, override_settings
from playwright.sync_api import Browser, sync_playwright

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
