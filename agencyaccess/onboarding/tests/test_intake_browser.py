"""The intake form in a real browser: what Jane types is saved by intake.js, and survives a
reload. Drives the system's Chromium with Playwright."""

from django.urls import reverse

from agencyaccess.accounts.models import Agency
from agencyaccess.clients.models import Client
from agencyaccess.links.models import IntakeForm, IntakeQuestion, Link
from agencyaccess.tests.browser import BrowserTestCase


class IntakeAutosaveTests(BrowserTestCase):
    def setUp(self):
        agency = Agency.objects.create(name="Alice & Co")
        form = IntakeForm.objects.create(agency=agency)
        IntakeQuestion.objects.create(
            form=form, key="about", type="long_text", labels={"en": "About you"}
        )
        IntakeQuestion.objects.create(
            form=form,
            key="goal",
            type="single_choice",
            labels={"en": "Main goal"},
            choices=[{"key": "sales", "labels": {"en": "Sales"}}],
        )
        jane = Client.objects.create(agency=agency, name="Jane", email="jane@example.com")
        self.link = Link.objects.create(agency=agency, client=jane, intake_form_requested=True)

    def test_answers_are_saved_as_jane_types_and_survive_a_reload(self):
        url = self.live_server_url + reverse("onboarding-intake", args=[self.link.public_id])
        save_url = reverse("onboarding-intake-save", args=[self.link.public_id])
        with self.chromium() as browser:
            page = browser.new_page()
            page.goto(url)

            # One pause in typing, one save of the whole form.
            with page.expect_response(lambda r: r.url.endswith(save_url)) as saved:
                page.fill("#q-about", "We bake bread.")
                page.check("input[name=goal][value=sales]")
            self.assertEqual(saved.value.status, 200)
            page.locator("[data-save-status]").filter(has_text="Saved").wait_for()

            page.reload()
            self.assertEqual(page.input_value("#q-about"), "We bake bread.")
            self.assertTrue(page.is_checked("input[name=goal][value=sales]"))
        self.link.refresh_from_db()
        self.assertEqual(self.link.intake_answers, {"about": "We bake bread.", "goal": "sales"})
