"""The intake form: Jane answers Alice's questions, saved as she types, then sends them.

Alice's agency asks one question of each type; Alice's link asks Jane for the intake.
"""

from unittest import mock

from django.test import Client
from django.urls import reverse

from agencyaccess.links.models import IntakeForm, IntakeQuestion, Link, ServiceStatus
from agencyaccess.notify.models import Event, EventType
from agencyaccess.test import BaseTestCase

CHOICES = [
    {"key": "ads", "labels": {"en": "Ads", "es": "Anuncios"}},
    {"key": "seo", "labels": {"en": "SEO"}},
    {"key": "email", "labels": {"en": "E-mail", "nl": "E-mail"}},
]
QUESTIONS = [
    ("company_size", "short_text", True, {"en": "Company size", "es": "Tamaño de la empresa"}),
    ("about", "long_text", False, {"en": "About your business"}),
    ("contact", "email", False, {"en": "Contact e-mail"}),
    ("shop", "url", False, {"en": "Your shop"}),
    ("budget", "number", True, {"en": "Monthly budget", "nl": "Maandbudget"}),
    ("has_pixel", "yes_no", False, {"en": "Is the Meta pixel installed?"}),
    ("goal", "single_choice", True, {"en": "Main goal"}),
    ("channels", "multiple_choice", False, {"en": "Channels"}),
]


class IntakeTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        form = IntakeForm.objects.create(agency=cls.agency_a)
        # Created last to first: the page orders them by position, not by creation.
        for position, (key, kind, required, labels) in reversed(list(enumerate(QUESTIONS))):
            IntakeQuestion.objects.create(
                form=form,
                key=key,
                type=kind,
                required=required,
                labels=labels,
                position=position,
                choices=CHOICES if "choice" in kind else [],
            )
        Link.objects.filter(pk=cls.link.pk).update(intake_form_requested=True)
        cls.link.intake_form_requested = True

    def form_url(self, link=None):
        return reverse("onboarding-intake", args=[(link or self.link).public_id])

    def save_url(self, link=None):
        return reverse("onboarding-intake-save", args=[(link or self.link).public_id])

    def answers(self):
        self.link.refresh_from_db()
        return self.link.intake_answers

    def valid(self, **changes):
        data = {
            "company_size": "12 people",
            "about": "We bake bread.",
            "contact": "jane@example.com",
            "shop": "janes-bakery.example",
            "budget": "1500.50",
            "has_pixel": "yes",
            "goal": "ads",
            "channels": ["seo", "ads"],
        }
        return data | changes


class FormPageTests(IntakeTestCase):
    def test_jane_sees_the_questions_in_order_with_required_marks(self):
        r = self.client.get(self.form_url())
        body = r.content.decode()
        labels = [labels["en"] for _, _, _, labels in QUESTIONS]
        self.assertEqual(sorted(labels, key=body.index), labels)
        self.assertContains(r, 'name="company_size"')
        self.assertEqual(body.count('class="required"'), 3)
        self.assertContains(r, 'type="checkbox" name="channels" value="seo"')
        self.assertContains(r, 'type="radio" name="goal" value="ads"')
        self.assertContains(r, 'type="radio" name="has_pixel" value="yes"')
        self.assertContains(r, f'data-save-url="{self.save_url()}"')
        self.assertContains(r, "/static/onboarding/intake.js")
        self.assertContains(r, 'name="csrfmiddlewaretoken"')

    def test_labels_are_in_janes_language_or_else_in_english(self):
        self.jane.language = "es"
        self.jane.save()
        r = self.client.get(self.form_url())
        self.assertContains(r, "Tamaño de la empresa")
        self.assertContains(r, "Anuncios")
        self.assertContains(r, "Monthly budget", msg_prefix="no Spanish label: the English one")

    def test_saved_answers_are_filled_in(self):
        Link.objects.filter(pk=self.link.pk).update(
            intake_answers={"company_size": "12", "channels": ["seo"], "has_pixel": "no"}
        )
        r = self.client.get(self.form_url())
        self.assertContains(r, 'value="12"')
        self.assertContains(r, 'name="channels" value="seo" checked')
        self.assertContains(r, 'name="has_pixel" value="no" checked')
        self.assertNotContains(r, 'name="channels" value="ads" checked')

    def test_a_stored_number_that_is_no_number_is_shown_as_typed(self):
        # Drafts kept before NaN and Infinity were refused, or typed and not sent yet.
        for answer in ("NaN", "-Infinity", "sNaN", "1e99999999999999999999", "12 euros"):
            with self.subTest(answer):
                Link.objects.filter(pk=self.link.pk).update(intake_answers={"budget": answer})
                r = self.client.get(self.form_url())
                self.assertContains(r, f'value="{answer}"')

    def test_a_number_is_shown_the_way_janes_language_writes_it(self):
        self.jane.language = "nl"
        self.jane.save()
        Link.objects.filter(pk=self.link.pk).update(intake_answers={"budget": "1500.5"})
        r = self.client.get(self.form_url())
        self.assertContains(r, 'value="1500,5"')


class SaveAsYouTypeTests(IntakeTestCase):
    def test_valid_answers_are_saved_cleaned(self):
        r = self.client.post(self.save_url(), self.valid())
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json(), {"saved": True, "errors": {}})
        self.assertEqual(
            self.answers(),
            {
                "company_size": "12 people",
                "about": "We bake bread.",
                "contact": "jane@example.com",
                "shop": "https://janes-bakery.example",
                "budget": "1500.50",
                "has_pixel": "yes",
                "goal": "ads",
                "channels": ["seo", "ads"],
            },
        )
        self.assertIsNone(self.link.intake_completed, "saving is not sending")

    def test_a_half_filled_form_is_saved_without_the_required_answers(self):
        r = self.client.post(self.save_url(), {"about": "Bread"})
        self.assertEqual(r.status_code, 200)
        self.assertEqual(self.answers(), {"about": "Bread"})

    def test_clearing_an_answer_forgets_it(self):
        Link.objects.filter(pk=self.link.pk).update(intake_answers={"about": "Bread"})
        self.client.post(self.save_url(), {"about": ""})
        self.assertEqual(self.answers(), {})

    def test_a_dutch_decimal_comma_is_a_number(self):
        self.jane.language = "nl"
        self.jane.save()
        self.client.post(self.save_url(), {"budget": "1500,5"})
        self.assertEqual(self.answers(), {"budget": "1500.5"})

    def test_each_language_writes_a_number_its_own_way(self):
        for language, written in [
            ("en", "1,500.50"),
            ("es", "1.500,50"),
            ("nl", "1.500,50"),
            ("de", "1.500,50"),
            ("fr", "1 500,50"),
            ("fr", "1\u202f500,50"),  # the narrow no-break space French formats print
            ("pt", "1.500,50"),
            ("it", "1.500,50"),
            ("pl", "1\xa0500,50"),
            ("pl", "1 500,50"),
            ("es", "1500,50"),
            ("de", "1.234.567"),
        ]:
            with self.subTest(language=language, written=written):
                self.jane.language = language
                self.jane.save()
                r = self.client.post(self.save_url(), {"budget": written})
                self.assertEqual(r.json(), {"saved": True, "errors": {}})
                expected = "1234567" if written == "1.234.567" else "1500.50"
                self.assertEqual(self.answers(), {"budget": expected})

    def test_a_point_that_groups_no_thousands_is_a_decimal_point(self):
        # A phone's numeric keypad may offer only the point: "12.5" in Spanish is 12.5.
        self.jane.language = "es"
        self.jane.save()
        self.client.post(self.save_url(), {"budget": "12.5"})
        self.assertEqual(self.answers(), {"budget": "12.5"})

    def test_separators_out_of_place_are_refused_in_the_clients_voice(self):
        for language, written, message in [
            ("en", "12,5", "Enter a number."),
            ("es", "1.5.3", "Escribe un número."),
            ("es", "1.50,5", "Escribe un número."),
            ("de", "1.500.00,5", "Bitte geben Sie eine Zahl ein."),
        ]:
            with self.subTest(language=language, written=written):
                self.jane.language = language
                self.jane.save()
                r = self.client.post(self.save_url(), {"budget": written})
                self.assertEqual(r.json()["errors"], {"budget": message})

    def test_a_half_typed_email_is_kept_as_typed_and_reported(self):
        r = self.client.post(self.save_url(), {"contact": "jane@", "about": "Bread"})
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["saved"], True)
        self.assertEqual(list(r.json()["errors"]), ["contact"])
        self.assertEqual(self.answers(), {"contact": "jane@", "about": "Bread"})

    def test_wrong_formats_are_reported(self):
        for key, value in [
            ("contact", "not an address"),
            ("shop", "ftp://janes-bakery.example"),
            ("shop", "http://"),
            ("budget", "a lot"),
            ("budget", "NaN"),
            ("budget", "1" * 31),
        ]:
            with self.subTest(key=key, value=value):
                r = self.client.post(self.save_url(), {key: value})
                self.assertEqual(r.status_code, 400)
                self.assertIn(key, r.json()["errors"])

    def test_nan_and_infinity_are_refused_in_janes_language(self):
        self.jane.language = "nl"
        self.jane.save()
        for value in ("NaN", "Infinity", "-inf"):
            with self.subTest(value):
                r = self.client.post(self.form_url(), self.valid(budget=value))
                self.assertContains(r, "Voer een getal in.", status_code=400)
                self.assertContains(r, f'value="{value}"', status_code=400)
                self.assertIsNone(Link.objects.get(pk=self.link.pk).intake_completed)

    def test_text_holding_a_nul_byte_is_not_kept(self):
        # PostgreSQL cannot store it: what was saved before stays.
        Link.objects.filter(pk=self.link.pk).update(intake_answers={"about": "Bread"})
        r = self.client.post(self.save_url(), {"about": "Br\x00ead", "budget": "1\x002"})
        self.assertEqual(sorted(r.json()["errors"]), ["about", "budget"])
        self.assertEqual(self.answers(), {"about": "Bread"})

    def test_answers_longer_than_allowed_are_not_saved(self):
        Link.objects.filter(pk=self.link.pk).update(
            intake_answers={"company_size": "12", "about": "Bread"}
        )
        r = self.client.post(
            self.save_url(), {"company_size": "x" * 501, "about": "y" * 5001, "shop": "z" * 2001}
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(sorted(r.json()["errors"]), ["about", "company_size", "shop"])
        self.assertEqual(self.answers(), {"company_size": "12", "about": "Bread"})

    def test_choices_that_were_not_offered_are_not_saved(self):
        Link.objects.filter(pk=self.link.pk).update(
            intake_answers={"goal": "seo", "channels": ["ads"], "has_pixel": "no"}
        )
        r = self.client.post(
            self.save_url(), {"goal": "fame", "channels": ["ads", "tv"], "has_pixel": "maybe"}
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(sorted(r.json()["errors"]), ["channels", "goal", "has_pixel"])
        self.assertEqual(self.answers(), {"goal": "seo", "channels": ["ads"], "has_pixel": "no"})

    def test_a_choice_sent_twice_is_kept_once(self):
        self.client.post(self.save_url(), {"channels": ["ads", "ads", "seo"]})
        self.assertEqual(self.answers(), {"channels": ["ads", "seo"]})

    def test_answers_to_unknown_questions_are_ignored(self):
        self.client.post(self.save_url(), {"favourite_colour": "blue"})
        self.assertEqual(self.answers(), {})

    def test_saving_needs_the_csrf_token(self):
        browser = Client(enforce_csrf_checks=True)
        r = browser.post(self.save_url(), {"about": "Bread"})
        self.assertEqual(r.status_code, 403)
        self.assertEqual(self.answers(), {})

    def test_saving_is_rate_limited_like_every_client_post(self):
        with mock.patch("agencyaccess.onboarding.views.POSTS_PER_MINUTE", 2):
            codes = [
                self.client.post(self.save_url(), {"about": "x"}).status_code for _ in range(3)
            ]
        self.assertEqual(codes, [200, 200, 429])

    def test_saving_is_a_post(self):
        self.assertEqual(self.client.get(self.save_url()).status_code, 405)


class SendTests(IntakeTestCase):
    def test_sending_valid_answers_completes_the_intake(self):
        r = self.client.post(self.form_url(), self.valid())

        self.assertRedirects(
            r,
            reverse("onboarding-link", args=[self.link.public_id]),
            fetch_redirect_response=False,
        )
        self.answers()
        self.assertIsNotNone(self.link.intake_completed)
        event = Event.objects.get(type=EventType.INTAKE_COMPLETED)
        self.assertEqual(event.link, self.link)
        self.assertEqual(event.data["answers"]["channels"], ["seo", "ads"])
        self.assertIsNone(self.link.completed, "Google Ads is still to be granted")

    def test_the_intake_completes_a_link_whose_services_are_granted(self):
        self.link.services.update(status=ServiceStatus.GRANTED)
        self.client.post(self.form_url(), self.valid())
        self.link.refresh_from_db()
        self.assertIsNotNone(self.link.completed)
        self.assertTrue(Event.objects.filter(type=EventType.LINK_COMPLETED).exists())

    def test_missing_required_answers_are_asked_for_and_the_rest_is_kept(self):
        data = self.valid(company_size="", budget="", about="Bread")
        del data["goal"]

        r = self.client.post(self.form_url(), data)

        self.assertContains(r, "Some answers need a look.", status_code=400)
        self.assertContains(r, "This field is required.", count=3, status_code=400)
        self.assertContains(r, 'aria-invalid="true"', count=3, status_code=400)
        self.assertEqual(self.answers()["about"], "Bread")
        self.assertIsNone(self.link.intake_completed)
        self.assertFalse(Event.objects.filter(type=EventType.INTAKE_COMPLETED).exists())

    def test_a_wrong_answer_is_shown_back_as_typed(self):
        r = self.client.post(self.form_url(), self.valid(contact="jane@"))
        self.assertContains(r, 'value="jane@"', status_code=400)
        self.assertContains(r, "Enter a valid email address.", status_code=400)
        self.assertIsNone(Link.objects.get(pk=self.link.pk).intake_completed)

    def test_sending_twice_tells_the_agency_once(self):
        self.client.post(self.form_url(), self.valid())
        r = self.client.post(self.form_url(), self.valid(about="Changed"))
        self.assertEqual(r.status_code, 200, "the summary of what was sent")
        self.assertEqual(Event.objects.filter(type=EventType.INTAKE_COMPLETED).count(), 1)
        self.assertEqual(self.answers()["about"], "We bake bread.")

    def test_after_sending_the_answers_are_shown_and_no_longer_saved(self):
        self.client.post(self.form_url(), self.valid())

        r = self.client.get(self.form_url())
        self.assertContains(r, "Alice &amp; Co has your answers.")
        self.assertContains(r, "<dt>Channels</dt><dd>Ads, SEO</dd>", html=True)
        self.assertNotContains(r, "intake.js")

        r = self.client.post(self.save_url(), self.valid(about="Changed"))
        self.assertEqual(r.status_code, 409)
        self.assertEqual(r.json()["saved"], False)
        self.assertEqual(self.answers()["about"], "We bake bread.")


class BadAddressTests(IntakeTestCase):
    def assertNotFoundPage(self, response):
        self.assertContains(response, "This link does not work", status_code=404)

    def test_a_link_that_does_not_ask_for_the_intake_has_no_intake(self):
        Link.objects.filter(pk=self.link.pk).update(intake_form_requested=False)
        self.assertNotFoundPage(self.client.get(self.form_url()))
        self.assertNotFoundPage(self.client.post(self.form_url(), self.valid()))
        self.assertNotFoundPage(self.client.post(self.save_url(), self.valid()))
        self.assertEqual(self.answers(), {})

    def test_an_unknown_link_is_not_found(self):
        self.assertNotFoundPage(self.client.get(reverse("onboarding-intake", args=["x" * 20])))
        self.assertNotFoundPage(self.client.post(reverse("onboarding-intake-save", args=["x"])))

    def test_charlies_link_never_shows_alices_questions(self):
        Link.objects.filter(pk=self.charlies_link.pk).update(intake_form_requested=True)
        r = self.client.get(self.form_url(self.charlies_link))
        self.assertNotContains(r, "Company size")
        self.client.post(self.save_url(self.charlies_link), self.valid())
        self.charlies_link.refresh_from_db()
        self.assertEqual(self.charlies_link.intake_answers, {})

    def test_a_disabled_form_still_serves_links_that_asked_for_it(self):
        IntakeForm.objects.update(enabled=False)
        self.assertContains(self.client.get(self.form_url()), "Company size")
