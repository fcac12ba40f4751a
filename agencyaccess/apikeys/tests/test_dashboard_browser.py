"""The new key's Copy button in a real browser (the system's Chromium, through Playwright): the
page's script file, allowed by the Content-Security-Policy, puts the key on the clipboard."""

import os
from unittest import mock

from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import sync_playwright

from agencyaccess.test import BaseTestCase

CHROMIUM = "/usr/bin/chromium"


class CopyButtonTests(StaticLiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        BaseTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]
        # Playwright's sync API keeps an event loop in this thread; the test's own database
        # reads happen while no browser call runs.
        patcher = mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"})
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_alice_copies_her_new_key(self):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            context = browser.new_context()
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            blocked: list[str] = []
            page.on("console", lambda message: blocked.append(message.text))
            page.goto(self.live_server_url + "/account/login/?next=/api-keys/new/")
            page.fill("input[name=email]", "alice@example.org")
            page.fill("input[name=password]", "password")
            page.click("button:has-text('Log in')")
            page.fill("input[name=name]", "Zapier")
            page.check("input[value='links:create']")
            page.click("button:has-text('Create the key')")

            page.click("button[data-copy]")
            page.locator("#copy-status").filter(has_text="Copied").wait_for()
            copied = page.evaluate("navigator.clipboard.readText()")
            self.assertEqual(copied, page.input_value("#new-key"))
            self.assertTrue(copied.startswith("aak_"))
            self.assertEqual([m for m in blocked if "Content Security Policy" in m], [])
            browser.close()
