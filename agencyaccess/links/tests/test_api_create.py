from datetime import timedelta
from typing import Any

from django.utils import timezone

from agencyaccess.clients.models import Client
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.links.models import IntakeForm, IntakeQuestion, Link, ServiceStatus
from agencyaccess.test import BaseTestCase

INVALID_CLIENT = "Please provide a valid clientID"
REDIRECT_MESSAGE = (
    "redirect must be a website address: a host name with an optional path, "
    "such as yourwebsite.com/thanks."
)


class LinkCreateTestCase(BaseTestCase):
    def google_ads(self, **config: Any) -> dict[str, Any]:
        """requestedAccounts asking for Google Ads, received by Alice's Google account."""
        return {
            "Google": {
                "Google Ads": {
                    "accessLevel": "ADMIN",
                    "requested": True,
                    "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}],
                    **config,
                }
            }
        }

    def body(self, **fields: Any) -> dict[str, Any]:
        return {"clientID": self.jane.public_id, "requestedAccounts": self.google_ads(), **fields}

    def create(self, body: Any, key: str | None = None, **headers: str):
        return self.api_post("/api/links/create", body, key or self.alice_key, **headers)

    def create_ok(self, **fields: Any) -> Link:
        return Link.objects.get(public_id=self.assertOk(self.create(self.body(**fields))))

    def assertNoLinkCreated(self) -> None:
        self.assertEqual(Link.objects.count(), 2)  # the cast's: Alice's and Charlie's

    def give_alice_an_intake_form(self, *, enabled: bool = True, questions: int = 1) -> IntakeForm:
        form = IntakeForm.objects.create(agency=self.agency_a, enabled=enabled)
        for i in range(questions):
            IntakeQuestion.objects.create(
                form=form, key=f"question_{i}", type="short_text", labels={"en": "Budget?"}
            )
        return form


class LinkCreateTests(LinkCreateTestCase):
    def test_alice_creates_the_guides_link(self):
        self.give_alice_an_intake_form()

        r = self.create(
            {
                "clientID": self.jane.public_id,
                "requestedAccounts": self.google_ads(),
                "intakeForm": True,
                "sendEmail": False,
                "thankYouMessage": "Thank you for granting access",
                "redirect": "yourwebsite.com",
            }
        )

        public_id = self.assertOk(r)
        self.assertTrue(looks_like_public_id(public_id))
        link = Link.objects.get(public_id=public_id)
        self.assertEqual((link.agency, link.client), (self.agency_a, self.jane))
        self.assertTrue(link.intake_form_requested)
        self.assertFalse(link.send_email)
        self.assertEqual(link.thank_you_message, "Thank you for granting access")
        self.assertEqual(link.redirect, "yourwebsite.com")
        self.assertFalse(link.retain_tokens)
        self.assertEqual(link.cc, [])
        [service] = link.services.all()
        self.assertEqual((service.platform, service.service_key), ("google", "google_ads"))
        self.assertEqual(service.access_level, "ADMIN")
        self.assertTrue(service.requested)
        self.assertEqual(service.status, ServiceStatus.PENDING)
        [account_link] = service.account_links.all()
        self.assertEqual(account_link.connected_account, self.google_a)
        self.assertEqual(account_link.mcc_id, "")

    def test_the_answer_is_the_envelope_with_the_link_id(self):
        r = self.create(self.body())
        self.assertEqual(set(r.json()), {"error", "data"})
        self.assertTrue(r["Content-Type"].startswith("application/json"))

    def test_optional_fields_default_to_off_and_empty(self):
        link = Link.objects.get(
            public_id=self.assertOk(
                self.create(
                    {"clientID": self.jane.public_id, "requestedAccounts": self.google_ads()}
                )
            )
        )
        self.assertEqual(
            (link.intake_form_requested, link.send_email, link.retain_tokens),
            (False, False, False),
        )
        self.assertEqual((link.thank_you_message, link.redirect, link.cc), ("", "", []))

    def test_optional_fields_sent_as_null_are_not_given(self):
        link = self.create_ok(
            intakeForm=None,
            sendEmail=None,
            thankYouMessage=None,
            redirect=None,
            retainTokens=None,
            cc=None,
        )
        self.assertEqual((link.thank_you_message, link.redirect, link.cc), ("", "", []))
        self.assertFalse(link.send_email)

    def test_send_email_and_retain_tokens_are_stored(self):
        link = self.create_ok(sendEmail=True, retainTokens=True)
        self.assertTrue(link.send_email)
        self.assertTrue(link.retain_tokens)

    def test_last_reminder_starts_equal_to_created(self):
        link = self.create_ok()
        self.assertEqual(link.last_reminder, link.created)
        data = self.assertOk(self.api_get("/api/links/retrieve", self.alice_key, id=link.public_id))
        self.assertEqual(data["lastReminderTimestamp"], data["created"])

    def test_cc_is_stored_and_returned(self):
        cc = [
            {"name": "John Doe", "email": "john@example.com"},
            {"email": "ops@example.com"},
            {"name": None, "email": "boss@example.com"},
        ]
        link = self.create_ok(cc=cc)

        expected = [
            {"name": "John Doe", "email": "john@example.com"},
            {"name": "", "email": "ops@example.com"},
            {"name": "", "email": "boss@example.com"},
        ]
        self.assertEqual(link.cc, expected)
        data = self.assertOk(self.api_get("/api/links/retrieve", self.alice_key, id=link.public_id))
        self.assertEqual(data["cc"], expected)

    def test_line_breaks_in_a_cc_name_become_spaces(self):
        link = self.create_ok(cc=[{"name": "John\r\n Doe", "email": "john@example.com"}])
        self.assertEqual(link.cc, [{"name": "John Doe", "email": "john@example.com"}])

    def test_cc_is_checked(self):
        self.assertError(
            self.create(self.body(cc=[{"name": "John"}])), 400, "cc[0].email is required."
        )
        self.assertError(
            self.create(self.body(cc=[{"email": "john"}])),
            400,
            "cc[0].email must be a valid e-mail address, such as jane@example.com.",
        )
        self.assertError(
            self.create(self.body(cc=[{"email": "a@example.com"}] * 11)),
            400,
            "cc may hold at most 10 items.",
        )
        self.assertError(
            self.create(self.body(cc={"email": "a@example.com"})), 400, "cc must be an array."
        )
        self.assertError(
            self.create(self.body(cc=["a@example.com"])), 400, "cc[0] must be an object."
        )
        self.assertNoLinkCreated()

    def test_fields_of_the_wrong_type_are_refused_not_guessed(self):
        self.assertError(
            self.create(
                self.body(
                    sendEmail="yes",
                    intakeForm=1,
                    retainTokens="false",
                    thankYouMessage=5,
                    redirect=[],
                )
            ),
            400,
            "intakeForm must be true or false. sendEmail must be true or false. "
            "thankYouMessage must be a string. redirect must be a string. "
            "retainTokens must be true or false.",
        )
        self.assertNoLinkCreated()

    def test_a_huge_thank_you_message_is_refused(self):
        self.assertError(
            self.create(self.body(thankYouMessage="t" * 2001)),
            400,
            "thankYouMessage must be at most 2000 characters.",
        )
        self.assertEqual(len(self.create_ok(thankYouMessage="t" * 2000).thank_you_message), 2000)

    def test_requested_accounts_is_required(self):
        self.assertError(
            self.create({"clientID": self.jane.public_id}), 400, "requestedAccounts is required."
        )
        self.assertError(
            self.create({"clientID": self.jane.public_id, "requestedAccounts": None}),
            400,
            "requestedAccounts must be an object.",
        )
        self.assertNoLinkCreated()

    def test_the_alias_requested_services_is_accepted(self):
        public_id = self.assertOk(
            self.create({"clientID": self.jane.public_id, "requestedServices": self.google_ads()})
        )
        self.assertEqual(
            Link.objects.get(public_id=public_id).services.get().service_key, "google_ads"
        )

    def test_the_alias_redirect_url_is_accepted(self):
        link = Link.objects.get(
            public_id=self.assertOk(
                self.create(self.body(redirectURL="https://yourwebsite.com/thanks"))
            )
        )
        self.assertEqual(link.redirect, "yourwebsite.com/thanks")

    def test_a_link_must_ask_for_something(self):
        for requested_accounts in [{}, self.google_ads(requested=False)]:
            with self.subTest(requested_accounts):
                self.assertError(
                    self.create(
                        {"clientID": self.jane.public_id, "requestedAccounts": requested_accounts}
                    ),
                    400,
                    "A link must request at least one service (requestedAccounts) or the intake form.",
                )
        self.assertNoLinkCreated()

    def test_unknown_fields_are_ignored(self):
        self.assertOk(self.create(self.body(colour="blue")))


class LinkCreateClientIdTests(LinkCreateTestCase):
    def test_a_missing_client_id_is_the_guides_message(self):
        body = self.body()
        del body["clientID"]
        self.assertError(self.create(body), 400, INVALID_CLIENT)
        self.assertNoLinkCreated()

    def test_a_client_id_of_the_wrong_type_or_null_is_the_guides_message(self):
        for client_id in [None, 5, True, [self.jane.public_id], {"id": self.jane.public_id}]:
            with self.subTest(client_id):
                self.assertError(self.create(self.body(clientID=client_id)), 400, INVALID_CLIENT)
        self.assertNoLinkCreated()

    def test_an_unknown_or_empty_client_id_is_the_guides_message(self):
        for client_id in ["NoSuchClientAtAll000", "", " " + self.jane.public_id]:
            with self.subTest(client_id):
                self.assertError(self.create(self.body(clientID=client_id)), 400, INVALID_CLIENT)
        self.assertNoLinkCreated()

    def test_charlies_client_is_not_a_valid_client_id_for_alice(self):
        self.assertError(
            self.create(self.body(clientID=self.charlies_client.public_id)), 400, INVALID_CLIENT
        )
        self.assertNoLinkCreated()

    def test_other_problems_are_reported_after_the_client_id(self):
        self.assertError(
            self.create({"clientID": None}),
            400,
            "Please provide a valid clientID. requestedAccounts is required.",
        )

    def test_an_unknown_client_id_is_reported_with_every_other_problem_of_the_body(self):
        for body, others in [
            (
                self.body(sendEmail="yes", cc=[{"email": "nope"}]),
                "sendEmail must be true or false. cc[0].email must be a valid e-mail address, "
                "such as jane@example.com.",
            ),
            (
                self.body(requestedAccounts={"Myspace": {}, "Google": {"Google Plus": {}}}),
                'requestedAccounts: "Myspace" is not a platform. Platforms: ',
            ),
            (
                self.body(requestedAccounts={}),
                "A link must request at least one service (requestedAccounts) or the intake form.",
            ),
        ]:
            with self.subTest(others):
                msg = self.assertError(
                    self.create({**body, "clientID": "NoSuchClientAtAll000"}), 400
                )["msg"]
                self.assertTrue(msg.startswith(f"{INVALID_CLIENT}. {others}"), msg)
        self.assertNoLinkCreated()

    def test_every_platform_and_service_in_error_is_reported(self):
        r = self.create(
            self.body(
                requestedAccounts={
                    "Myspace": {},
                    "Google": {
                        "Google Plus": {},
                        "Google Ads": {"accessLevel": "GOD"},
                        "Google Analytics": {"requestedAccountLinks": [{"internalAccountID": "x"}]},
                    },
                }
            )
        )
        problems = [
            'requestedAccounts: "Myspace" is not a platform.',
            'requestedAccounts.Google: "Google Plus" is not a Google service.',
            'requestedAccounts.Google.Google Ads.accessLevel: "GOD" is not a level of Google Ads.',
            'requestedAccounts.Google.Google Analytics.requestedAccountLinks[0].internalAccountID: "x"',
        ]
        msg = self.assertError(r, 400)["msg"]
        positions = [msg.index(problem) for problem in problems]  # each one is there
        self.assertEqual(positions, sorted(positions))
        self.assertNoLinkCreated()


class LinkCreateProspectTests(LinkCreateTestCase):
    def setUp(self) -> None:
        super().setUp()
        Client.objects.filter(pk=self.jane.pk).update(type="Prospect")

    def test_prospects_get_each_services_most_read_only_level(self):
        public_id = self.assertOk(
            self.create(
                {
                    "clientID": self.jane.public_id,
                    "requestedAccounts": {
                        "Google": {
                            "Google Ads": {
                                "accessLevel": "ADMIN",
                                "requestedAccountLinks": [
                                    {"internalAccountID": self.google_a.public_id}
                                ],
                            },
                            "Google Analytics": {
                                "requestedAccountLinks": [
                                    {"internalAccountID": self.google_a.public_id}
                                ],
                            },
                        },
                        "Meta": {
                            "Meta Ads": {
                                "accessLevel": "manage",
                                "requestedAccountLinks": [
                                    {"internalAccountID": self.meta_a.public_id}
                                ],
                            }
                        },
                    },
                }
            )
        )

        levels = dict(
            Link.objects.get(public_id=public_id).services.values_list(
                "service_key", "access_level"
            )
        )
        self.assertEqual(
            levels, {"google_ads": "READ_ONLY", "google_analytics": "VIEWER", "meta_ads": "ANALYZE"}
        )

    def test_a_prospect_still_gets_an_error_for_a_level_the_service_does_not_have(self):
        self.assertError(
            self.create(self.body(requestedAccounts=self.google_ads(accessLevel="OWNER"))),
            400,
            'requestedAccounts.Google.Google Ads.accessLevel: "OWNER" is not a level of Google Ads. '
            "Levels: ADMIN, STANDARD, READ_ONLY, EMAIL_ONLY.",
        )


class LinkCreateRedirectTests(LinkCreateTestCase):
    def test_the_redirect_is_stored_without_scheme_and_with_a_lower_case_host(self):
        for sent, stored in [
            ("yourwebsite.com", "yourwebsite.com"),
            ("https://yourwebsite.com", "yourwebsite.com"),
            ("http://yourwebsite.com/thanks", "yourwebsite.com/thanks"),
            ("HTTPS://YourWebsite.COM/Thanks?from=link", "yourwebsite.com/Thanks?from=link"),
            ("  www.yourwebsite.co.uk/a/b/  ", "www.yourwebsite.co.uk/a/b/"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("", ""),
        ]:
            with self.subTest(sent):
                self.assertEqual(self.create_ok(redirect=sent).redirect, stored)

    def test_a_redirect_that_is_not_a_host_and_path_is_refused(self):
        for sent in [
            "javascript:alert(1)",
            "JavaScript://yourwebsite.com/%0aalert(1)",
            "//evil.com",
            "https://evil.com//path",
            "user@evil.com",
            "https://user:password@evil.com",
            "evil.com:8080",
            "https://evil.com:443/thanks",
            "127.0.0.1",
            "https://10.0.0.1/admin",
            "[::1]",
            "your website.com",
            "yourwebsite.com/a b",
            "localhost",
            "https://intranet",
            "ftp://yourwebsite.com",
            "yourwebsite.com#section",
            "-bad-.com",
            "yourwebsite.com\\@evil.com",
            "yourwebsite." + "c" * 64,
            "https://",
        ]:
            with self.subTest(sent):
                self.assertError(self.create(self.body(redirect=sent)), 400, REDIRECT_MESSAGE)
        self.assertNoLinkCreated()

    def test_a_huge_redirect_is_refused(self):
        self.assertError(
            self.create(self.body(redirect="yourwebsite.com/" + "a" * 500)),
            400,
            "redirect must be at most 500 characters.",
        )


class LinkCreateIntakeFormTests(LinkCreateTestCase):
    INTAKE_CONFLICT = (
        "intakeForm: your agency's intake form is disabled or has no questions. "
        "Enable it in the dashboard, or send intakeForm: false."
    )

    def test_an_agency_without_an_intake_form_cannot_request_one(self):
        self.assertError(self.create(self.body(intakeForm=True)), 409, self.INTAKE_CONFLICT)
        self.assertNoLinkCreated()

    def test_a_disabled_intake_form_cannot_be_requested(self):
        self.give_alice_an_intake_form(enabled=False)
        self.assertError(self.create(self.body(intakeForm=True)), 409, self.INTAKE_CONFLICT)
        self.assertNoLinkCreated()

    def test_an_intake_form_without_questions_cannot_be_requested(self):
        self.give_alice_an_intake_form(questions=0)
        self.assertError(self.create(self.body(intakeForm=True)), 409, self.INTAKE_CONFLICT)
        self.assertNoLinkCreated()

    def test_charlies_intake_form_does_not_count_for_alice(self):
        form = IntakeForm.objects.create(agency=self.agency_b)
        IntakeQuestion.objects.create(
            form=form, key="budget", type="number", labels={"en": "Budget"}
        )
        self.assertError(self.create(self.body(intakeForm=True)), 409, self.INTAKE_CONFLICT)

    def test_an_enabled_intake_form_with_questions_is_requested(self):
        self.give_alice_an_intake_form(questions=2)

        link = self.create_ok(intakeForm=True)

        self.assertTrue(link.intake_form_requested)
        data = self.assertOk(self.api_get("/api/links/retrieve", self.alice_key, id=link.public_id))
        self.assertEqual(data["intakeForm"], {"requested": True, "complete": False})

    def test_a_link_may_ask_for_the_intake_form_alone(self):
        self.give_alice_an_intake_form()
        link = Link.objects.get(
            public_id=self.assertOk(
                self.create(
                    {"clientID": self.jane.public_id, "requestedAccounts": {}, "intakeForm": True}
                )
            )
        )
        self.assertFalse(link.services.exists())

    def test_intake_form_false_needs_no_form(self):
        self.assertFalse(self.create_ok(intakeForm=False).intake_form_requested)


class LinkCreateMonthlyLimitTests(LinkCreateTestCase):
    LIMIT_MESSAGE = (
        "Your agency has reached its limit of 2 links a month. "
        "The count starts again on the 1st of next month (UTC)."
    )

    def setUp(self) -> None:
        super().setUp()
        self.agency_a.monthly_link_limit = 2
        self.agency_a.save()

    def test_links_beyond_the_monthly_limit_are_refused(self):
        self.assertOk(self.create(self.body()))  # the cast's link was the first this month

        self.assertError(self.create(self.body()), 409, self.LIMIT_MESSAGE)
        self.assertEqual(Link.objects.filter(agency=self.agency_a).count(), 2)

    def test_only_this_months_links_count(self):
        month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        Link.objects.filter(pk=self.link.pk).update(created=month_start - timedelta(seconds=1))
        Link.objects.create(
            agency=self.agency_a, client=self.jane, created=month_start - timedelta(days=40)
        )

        self.assertOk(self.create(self.body()))
        self.assertOk(self.create(self.body()))
        self.assertError(self.create(self.body()), 409, self.LIMIT_MESSAGE)

    def test_a_link_made_at_the_first_moment_of_the_month_counts(self):
        month_start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        Link.objects.create(agency=self.agency_a, client=self.jane, created=month_start)
        self.assertError(self.create(self.body()), 409, self.LIMIT_MESSAGE)

    def test_charlies_links_do_not_count_for_alice(self):
        for _ in range(3):
            Link.objects.create(agency=self.agency_b, client=self.charlies_client)
        self.assertOk(self.create(self.body()))

    def test_an_agency_without_a_limit_has_none(self):
        self.agency_a.monthly_link_limit = None
        self.agency_a.save()
        for _ in range(3):
            self.assertOk(self.create(self.body()))

    def test_a_limit_of_zero_refuses_every_link(self):
        self.agency_a.monthly_link_limit = 0
        self.agency_a.save()
        self.assertError(
            self.create(self.body()),
            409,
            "Your agency has reached its limit of 0 links a month. "
            "The count starts again on the 1st of next month (UTC).",
        )
