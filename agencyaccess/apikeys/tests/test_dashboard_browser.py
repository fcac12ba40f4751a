"""The new key's Copy button in a real browser (the system's Chromium, through Playwright): the
page's script file, allowed by the Content-Security-Policy, puts the key on the clipboard."""

from agencyaccess.test import LiveServerBaseTestCase
from agencyaccess.tests.browser import BrowserTestCase


class CopyButtonTests(BrowserTestCase, LiveServerBaseTestCase):
    def test_alice_copies_her_new_key(self):
        with self.chromium() as browser:
            page = self.desktop(browser)
            page.context.grant_permissions(["clipboard-read", "clipboard-write"])
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
