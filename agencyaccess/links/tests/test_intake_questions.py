"""Setting an agency's intake questions: the `set_intake_form` command and the Django admin."""

import io
import json
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from django.core.management import CommandError, call_command
from django.urls import reverse

from agencyaccess.accounts.models import User
from agencyaccess.links.models import IntakeForm, IntakeQuestion
from agencyaccess.test import BaseTestCase

BUDGET: dict[str, Any] = {
    "key": "budget",
    "type": "number",
    "required": True,
    "labels": {"en": "Budget"},
}
GOAL: dict[str, Any] = {
    "key": "goal",
    "type": "single_choice",
    "labels": {"en": "Main goal", "es": "Objetivo principal", "nl": "Hoofddoel"},
    "choices": [
        {"key": "sales", "labels": {"en": "Sales", "es": "Ventas"}},
        {"key": "leads", "labels": {"en": "Leads"}},
    ],
}


class SetIntakeFormCommandTests(BaseTestCase):
    def setUp(self):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.directory = Path(directory.name)

    def run_command(self, questions=None, *args):
        argv = ["--agency", "alice@example.org", *args]
        if questions is not None:
            path = self.directory / "questions.json"
            path.write_text(questions if isinstance(questions, str) else json.dumps(questions))
            argv += ["--file", str(path)]
        out = io.StringIO()
        call_command("set_intake_form", *argv, stdout=out)
        return out.getvalue()

    def assertRefused(self, questions, message, *args):
        with self.assertRaisesMessage(CommandError, message):
            self.run_command(questions, *args)

    def test_alice_sets_her_questions_in_order(self):
        out = self.run_command([BUDGET, GOAL])

        self.assertEqual(out, "")
        form = IntakeForm.objects.get(agency=self.agency_a)
        self.assertTrue(form.enabled)
        self.assertEqual(
            list(form.questions.values_list("key", "type", "required", "position")),
            [("budget", "number", True, 0), ("goal", "single_choice", False, 1)],
        )
        goal = form.questions.get(key="goal")
        self.assertEqual(goal.labels["es"], "Objetivo principal")
        self.assertEqual(
            goal.choices[0], {"key": "sales", "labels": {"en": "Sales", "es": "Ventas"}}
        )

    def test_setting_again_replaces_the_questions(self):
        self.run_command([BUDGET, GOAL])
        self.run_command([GOAL])
        self.assertEqual(list(IntakeQuestion.objects.values_list("key", flat=True)), ["goal"])

    def test_disable_alone_switches_the_form_off_and_keeps_the_questions(self):
        self.run_command([BUDGET])
        self.run_command(None, "--disable")
        form = IntakeForm.objects.get(agency=self.agency_a)
        self.assertFalse(form.enabled)
        self.assertEqual(form.questions.count(), 1)

    def test_questions_can_be_set_on_a_disabled_form(self):
        self.run_command([BUDGET], "--disable")
        self.assertFalse(IntakeForm.objects.get(agency=self.agency_a).enabled)

    def test_questions_can_come_from_standard_input(self):
        with mock.patch("sys.stdin", io.StringIO(json.dumps([GOAL]))):
            call_command("set_intake_form", "--agency", "alice@example.org", "--file", "-")
        self.assertEqual(list(IntakeQuestion.objects.values_list("key", flat=True)), ["goal"])

    def test_mistakes_are_one_clear_line_and_change_nothing(self):
        self.run_command([BUDGET])
        cases = [
            ({"questions": []}, "the questions must be a JSON list of objects."),
            ([], "the list has no questions"),
            ([BUDGET] * 51, "a form has at most 50 questions, not 51."),
            (["budget"], "question 1 must be an object with key, type and labels."),
            ([BUDGET | {"hint": "x"}], "question 1 has unknown fields hint"),
            ([BUDGET | {"key": "my budget"}], "question 1: key must be up to 50 letters"),
            ([BUDGET | {"key": "b" * 51}], "question 1: key must be up to 50 letters"),
            ([BUDGET | {"type": "money"}], 'question 1 ("budget"): type must be one of short_text'),
            ([BUDGET | {"required": "yes"}], "required must be true or false."),
            (
                [BUDGET | {"labels": {"es": "Presupuesto"}}],
                'labels must be an object with at least "en"',
            ),
            ([BUDGET | {"labels": {"en": "Budget", "sv": "Budget"}}], "labels has sv;"),
            ([BUDGET | {"labels": {"en": " "}}], "labels.en must be text of 1 to 500 characters."),
            ([BUDGET | {"labels": {"en": "x" * 501}}], "labels.en must be text of 1 to 500"),
            ([BUDGET | {"choices": GOAL["choices"]}], "only single_choice and multiple_choice"),
            ([GOAL | {"choices": []}], "choices must be a list of 1 to 50 choices."),
            ([GOAL | {"choices": [{"key": "a"}]}], "choice 1: labels must be an object"),
            (
                [GOAL | {"choices": [{"key": "a", "labels": {"en": "A"}, "x": 1}]}],
                "choice 1 must be an object with key and labels only.",
            ),
            (
                [GOAL | {"choices": GOAL["choices"] * 2}],
                'choice keys must be unique; "sales" is there twice.',
            ),
            ([BUDGET, BUDGET], 'question keys must be unique; "budget" is there twice.'),
            ("[{", "not JSON"),
        ]
        for questions, message in cases:
            with self.subTest(message=message):
                self.assertRefused(questions, message)
        self.assertEqual(list(IntakeQuestion.objects.values_list("key", flat=True)), ["budget"])

    def test_the_file_name_starts_the_message(self):
        self.assertRefused([BUDGET | {"type": "money"}], "questions.json: question 1")

    def test_a_missing_file_is_said_so(self):
        with self.assertRaisesMessage(CommandError, "/nowhere.json: No such file or directory"):
            call_command(
                "set_intake_form", "--agency", "alice@example.org", "--file", "/nowhere.json"
            )

    def test_nothing_to_do_is_a_mistake(self):
        self.assertRefused(None, "give --file with the questions, or --disable")

    def test_an_unknown_agency_is_refused(self):
        with self.assertRaisesMessage(
            CommandError, 'no agency has the id or owner e-mail "nobody@example.org"'
        ):
            call_command("set_intake_form", "--agency", "nobody@example.org", "--disable")


class IntakeAdminTests(BaseTestCase):
    def setUp(self):
        self.admin = User.objects.create_superuser("root@example.org", "password")
        self.client.force_login(self.admin)
        self.form = IntakeForm.objects.create(agency=self.agency_a)
        IntakeQuestion.objects.create(
            form=self.form, key="budget", type="number", labels={"en": "Budget"}
        )

    def change_url(self):
        return reverse("admin:links_intakeform_change", args=[self.form.pk])

    def post_question(self, **question):
        question = {
            "position": "0",
            "key": "budget",
            "type": "number",
            "labels": '{"en": "Budget"}',
            "choices": "[]",
        } | question
        existing = IntakeQuestion.objects.get(key="budget")
        data = {
            "agency": str(self.agency_a.pk),
            "enabled": "on",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "1",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-id": str(existing.pk),
            "questions-0-form": str(self.form.pk),
            **{f"questions-0-{key}": value for key, value in question.items()},
        }
        return self.client.post(self.change_url(), data)

    def test_the_forms_are_listed_with_their_question_count(self):
        r = self.client.get(reverse("admin:links_intakeform_changelist"))
        self.assertContains(r, "Alice &amp; Co")
        self.assertContains(r, '<td class="field-question_count">1</td>', html=True)

    def test_a_question_is_edited_in_the_forms_page(self):
        r = self.post_question(labels='{"en": "Monthly budget", "nl": "Maandbudget"}')
        self.assertEqual(r.status_code, 302, r.content)
        self.assertEqual(
            IntakeQuestion.objects.get().labels, {"en": "Monthly budget", "nl": "Maandbudget"}
        )

    def test_a_question_is_checked_as_the_command_checks_it(self):
        r = self.post_question(labels='{"de": "Budget"}')
        self.assertContains(r, "labels must be an object with at least")
        r = self.post_question(type="single_choice")
        self.assertContains(r, "choices must be a list of 1 to 50 choices.")
        self.assertEqual(IntakeQuestion.objects.get().labels, {"en": "Budget"})

    def test_only_staff_see_it(self):
        self.client.force_login(self.alice)
        r = self.client.get(self.change_url())
        self.assertEqual(r.status_code, 302)
