"""The intake form editor: Alice (or Bob) writes her agency's questions, in order and in each
client language, and switches the form on and off; her clients then see them. Charlie never
reaches her questions."""

from django.test import Client

from agencyaccess.clients.models import Language
from agencyaccess.links.intake_questions import parse_questions, replace_questions
from agencyaccess.links.models import IntakeForm, IntakeQuestion, Link
from agencyaccess.test import BaseTestCase

BUDGET = {
    "key": "budget",
    "type": "short_text",
    "required": True,
    "labels": {"en": "Monthly budget?", "es": "¿Presupuesto mensual?"},
}
GOALS = {
    "key": "goals",
    "type": "multiple_choice",
    "labels": {"en": "Your goals"},
    "choices": [
        {"key": "sales", "labels": {"en": "More sales", "nl": "Meer verkoop"}},
        {"key": "leads", "labels": {"en": "More leads"}},
    ],
}


class IntakeEditorTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)
        replace_questions(self.agency_a, parse_questions([BUDGET, GOALS]), enabled=True)

    def keys(self) -> list[str]:
        return list(
            IntakeQuestion.objects.filter(form__agency=self.agency_a)
            .order_by("position")
            .values_list("key", flat=True)
        )

    def question(self, key: str) -> IntakeQuestion:
        return IntakeQuestion.objects.get(form__agency=self.agency_a, key=key)

    def add(self, **fields):
        data = {"key": "website", "type": "url", "label_en": "Your website"} | fields
        return self.client.post("/intake-form/questions/new/", data)


class EditorPageTests(IntakeEditorTestCase):
    def test_the_page_lists_the_questions_in_order_with_their_languages(self):
        r = self.client.get("/intake-form/")
        self.assertContains(r, "<title>Intake form · AgencyAccess</title>", html=False)
        self.assertContains(r, '<span class="badge ok">Enabled</span>')
        self.assertContains(r, '<span class="help" lang="es">Spanish: ¿Presupuesto mensual?</span>')
        self.assertContains(r, '<span class="badge warn">No Dutch</span>', count=2)
        self.assertContains(r, "Choices: More sales, More leads")
        self.assertContains(r, "Multiple choice")
        html = r.content.decode()
        self.assertLess(html.index("Monthly budget?"), html.index("Your goals"))
        self.assertContains(r, 'id="up-budget" aria-label="Move budget up" disabled')

    def test_an_agency_without_a_form_starts_with_an_empty_enabled_one(self):
        self.client.force_login(self.charlie)
        r = self.client.get("/intake-form/")
        self.assertContains(r, "No questions yet.")
        self.assertNotContains(r, "Monthly budget?")

    def test_the_page_costs_the_same_with_more_questions(self):
        def more_questions():
            many = [BUDGET, GOALS] + [
                {"key": f"q{n}", "type": "long_text", "labels": {"en": f"Question {n}"}}
                for n in range(20)
            ]
            replace_questions(self.agency_a, parse_questions(many), enabled=True)

        r = self.assertQueriesDoNotGrow("/intake-form/", more_questions)
        self.assertContains(r, "Question 19")

    def test_bob_a_member_edits_the_form_too(self):
        self.client.force_login(self.bob)
        self.assertContains(self.client.get("/intake-form/"), "Monthly budget?")
        self.assertEqual(self.add().status_code, 302)
        self.assertEqual(self.keys(), ["budget", "goals", "website"])


class QuestionTests(IntakeEditorTestCase):
    def test_a_new_question_is_asked_last_in_each_clients_language(self):
        r = self.add(
            key="website",
            type="url",
            required="on",
            label_en="Your website",
            label_es="Tu sitio web",
            label_nl="Uw website",
        )
        self.assertRedirects(r, "/intake-form/#question-website", fetch_redirect_response=False)
        self.assertEqual(self.keys(), ["budget", "goals", "website"])
        question = self.question("website")
        self.assertEqual(
            question.labels, {"en": "Your website", "es": "Tu sitio web", "nl": "Uw website"}
        )
        self.assertTrue(question.required)

        link = Link.objects.create(
            agency=self.agency_a, client=self.jane, intake_form_requested=True
        )
        self.assertContains(self.client.get(f"/l/{link.public_id}/intake/"), "Your website")
        self.jane.language = Language.DUTCH
        self.jane.save()
        self.assertContains(self.client.get(f"/l/{link.public_id}/intake/"), "Uw website")

    def test_choices_are_written_one_a_line(self):
        r = self.add(
            key="size",
            type="single_choice",
            label_en="Team size",
            choices="small | 1 to 5 | 1 a 5\n\n big | More than 5 | Más de 5 | Meer dan 5\n",
        )
        self.assertEqual(r.status_code, 302, r.content)
        self.assertEqual(
            self.question("size").choices,
            [
                {"key": "small", "labels": {"en": "1 to 5", "es": "1 a 5"}},
                {
                    "key": "big",
                    "labels": {"en": "More than 5", "es": "Más de 5", "nl": "Meer dan 5"},
                },
            ],
        )
        edit = self.client.get("/intake-form/questions/size/")
        self.assertContains(
            edit, "small | 1 to 5 | 1 a 5\nbig | More than 5 | Más de 5 | Meer dan 5"
        )

    def test_bad_questions_are_refused_with_the_reason_and_change_nothing(self):
        cases = {
            "key with a space": ({"key": "my key"}, "key must be up to 50 letters, digits"),
            "key taken": ({"key": "budget"}, "question keys must be unique; &quot;budget&quot;"),
            "no English": ({"label_en": ""}, "This field is required."),
            "unknown type": ({"type": "signature"}, "Select a valid choice."),
            "choices on text": ({"choices": "a | A"}, "only single_choice and multiple_choice"),
            "choice type without choices": (
                {"type": "single_choice"},
                "choices must be a list of 1 to 50 choices.",
            ),
            "choice without a label": (
                {"type": "single_choice", "choices": "a"},
                "This question (&quot;website&quot;), choice 1: labels must be an object",
            ),
            "choice with too many parts": (
                {"type": "single_choice", "choices": "a | A | B | C | D | E | F | G | H | I"},
                "Choice 1 has 10 parts",
            ),
            "huge label": ({"label_es": "x" * 501}, "at most 500 characters"),
            "huge key": ({"key": "k" * 51}, "at most 50 characters"),
        }
        for case, (fields, message) in cases.items():
            with self.subTest(case):
                self.assertContains(self.add(**fields), message, status_code=400)
        self.assertEqual(self.keys(), ["budget", "goals"])

    def test_alice_edits_a_question_in_place(self):
        url = "/intake-form/questions/budget/"
        self.assertContains(self.client.get(url), 'value="¿Presupuesto mensual?"')
        r = self.client.post(
            url, {"key": "monthly_budget", "type": "number", "label_en": "Budget (EUR)"}
        )
        self.assertRedirects(
            r, "/intake-form/#question-monthly_budget", fetch_redirect_response=False
        )
        self.assertEqual(self.keys(), ["monthly_budget", "goals"])
        question = self.question("monthly_budget")
        self.assertEqual(
            (question.type, question.labels, question.required),
            ("number", {"en": "Budget (EUR)"}, False),
        )

    def test_an_unknown_question_is_not_found(self):
        for url in ("/intake-form/questions/nope/", "/intake-form/questions/nope/delete/"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post("/intake-form/questions/nope/move/").status_code, 404)

    def test_questions_move_up_and_down(self):
        self.add()
        r = self.client.post("/intake-form/questions/website/move/", {"direction": "up"})
        self.assertRedirects(
            r, "/intake-form/?focus=up%3Awebsite#question-website", fetch_redirect_response=False
        )
        self.assertEqual(self.keys(), ["budget", "website", "goals"])
        self.client.post("/intake-form/questions/budget/move/", {"direction": "down"})
        self.assertEqual(self.keys(), ["website", "budget", "goals"])
        self.client.post(
            "/intake-form/questions/website/move/", {"direction": "up"}
        )  # first already
        self.client.post(
            "/intake-form/questions/goals/move/", {"direction": "down"}
        )  # last already
        self.assertEqual(self.keys(), ["website", "budget", "goals"])

    def test_the_moved_questions_button_keeps_the_focus(self):
        r = self.client.post(
            "/intake-form/questions/budget/move/", {"direction": "down"}, follow=True
        )
        self.assertContains(
            r, 'id="down-budget" aria-label="Move budget down" disabled', html=False
        )
        # Now last, its "down" is disabled: the focus goes to its "up".
        self.assertContains(r, 'id="up-budget" aria-label="Move budget up" autofocus')
        self.assertContains(r, "autofocus", count=1)

    def test_htmx_moves_swap_the_list_in_place(self):
        r = self.client.post(
            "/intake-form/questions/goals/move/",
            {"direction": "up"},
            headers={"HX-Request": "true"},
            follow=True,
        )
        self.assertContains(r, 'id="questions"')
        self.assertContains(r, 'hx-select="#questions"')
        self.assertEqual(self.keys(), ["goals", "budget"])

    def test_removing_asks_first_and_keeps_the_answers_given(self):
        link = Link.objects.create(
            agency=self.agency_a, client=self.jane, intake_answers={"budget": "1000"}
        )
        self.assertContains(
            self.client.get("/intake-form/questions/budget/delete/"), "Remove the question budget?"
        )
        self.client.post("/intake-form/questions/budget/delete/")
        self.assertEqual(self.keys(), ["goals"])
        link.refresh_from_db()
        self.assertEqual(link.intake_answers, {"budget": "1000"})

    def test_removing_the_last_question_leaves_an_empty_form(self):
        self.client.post("/intake-form/questions/budget/delete/")
        self.assertContains(
            self.client.get("/intake-form/questions/goals/delete/"), "It is the last question"
        )
        self.client.post("/intake-form/questions/goals/delete/")
        self.assertEqual(self.keys(), [])
        self.assertContains(
            self.client.get("/intake-form/"), "Links can ask for it once it has a question."
        )


class EnableTests(IntakeEditorTestCase):
    def link_body(self) -> dict:
        return {"clientID": self.jane.public_id, "requestedAccounts": {}, "intakeForm": True}

    def test_disabling_stops_new_links_from_asking_and_enabling_brings_it_back(self):
        r = self.client.post("/intake-form/enabled/", follow=True)
        self.assertContains(r, "The intake form is disabled")
        self.assertContains(r, '<span class="badge">Disabled</span>')
        self.assertError(self.api_post("/api/links/create", self.link_body(), self.alice_key), 409)

        self.client.post("/intake-form/enabled/", {"enabled": "on"})
        self.assertTrue(IntakeForm.objects.get(agency=self.agency_a).enabled)
        self.assertOk(self.api_post("/api/links/create", self.link_body(), self.alice_key))

    def test_editing_a_disabled_form_keeps_it_disabled(self):
        self.client.post("/intake-form/enabled/")
        self.add()
        self.assertFalse(IntakeForm.objects.get(agency=self.agency_a).enabled)


class IsolationTests(IntakeEditorTestCase):
    def test_charlie_never_reaches_alices_questions(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get("/intake-form/questions/budget/").status_code, 404)
        self.assertEqual(
            self.client.post(
                "/intake-form/questions/budget/", {"key": "x", "type": "url", "label_en": "x"}
            ).status_code,
            404,
        )
        self.assertEqual(self.client.post("/intake-form/questions/budget/delete/").status_code, 404)
        self.assertEqual(self.client.post("/intake-form/questions/budget/move/").status_code, 404)
        self.client.post("/intake-form/enabled/")  # his own form
        self.assertEqual(self.keys(), ["budget", "goals"])
        self.assertTrue(IntakeForm.objects.get(agency=self.agency_a).enabled)
        self.assertFalse(IntakeForm.objects.get(agency=self.agency_b).enabled)

    def test_every_change_needs_the_csrf_token(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.alice)
        for url, data in (
            ("/intake-form/enabled/", {}),
            ("/intake-form/questions/new/", {"key": "x", "type": "url", "label_en": "x"}),
            ("/intake-form/questions/budget/", {"key": "x", "type": "url", "label_en": "x"}),
            ("/intake-form/questions/budget/move/", {"direction": "down"}),
            ("/intake-form/questions/budget/delete/", {}),
        ):
            with self.subTest(url):
                self.assertEqual(browser.post(url, data).status_code, 403)
        self.assertEqual(self.keys(), ["budget", "goals"])
        self.assertTrue(IntakeForm.objects.get(agency=self.agency_a).enabled)
