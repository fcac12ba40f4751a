"""The Meta sandbox itself: its consent page, and Graph's protocol details
(error envelope, rate-limit headers, token inspection) where the connector relies on them."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import httpx
from django.test import TestCase, override_settings

from agencyaccess.platforms import contracts
from agencyaccess.platforms.meta.config import SANDBOX_APP_ID, SANDBOX_APP_SECRET
from agencyaccess.platforms.meta.sandbox import world
from agencyaccess.platforms.meta.tests.cast import SandboxTestCase

DIALOG = "/sandbox/meta/v26.0/dialog/oauth"


@override_settings(SITE_URL="http://testserver", META_URLS={"authorize": "", "graph": ""})
class OffWithARealAppTests(TestCase):
    """As the Google sandbox does: once a real Meta app is configured, the sandbox is gone."""

    def answers(self) -> dict[str, int]:
        callback = "http://testserver/oauth/meta/callback/"
        dialog = {"client_id": SANDBOX_APP_ID, "redirect_uri": callback, "scope": "ads_management"}
        token = {
            "client_id": SANDBOX_APP_ID,
            "client_secret": SANDBOX_APP_SECRET,
            "redirect_uri": callback,
            "code": "AQnot-a-code",
        }
        answers = {
            "consent dialog": self.client.get(DIALOG, dialog),
            "token endpoint": self.client.post("/sandbox/meta/v26.0/oauth/access_token", token),
            "Graph API": self.client.get("/sandbox/meta/v26.0/me"),
        }
        return {name: response.status_code for name, response in answers.items()}

    @override_settings(META_APP_ID="")
    def test_without_an_app_id_the_sandbox_answers(self):
        self.assertNotIn(404, self.answers().values())

    @override_settings(META_APP_ID="1234", META_APP_SECRET="s3cret")
    def test_with_a_real_app_every_page_and_endpoint_is_gone(self):
        self.assertEqual(set(self.answers().values()), {404})


class ConsentPageTests(SandboxTestCase):
    def dialog_params(self, **extra: str) -> dict[str, str]:
        return {
            "client_id": SANDBOX_APP_ID,
            "redirect_uri": self.callback,
            "state": "st",
            "response_type": "code",
            "scope": "business_management,ads_management",
            **extra,
        }

    def test_it_lists_the_fake_people_and_the_permissions_asked_for(self):
        response = self.client.get(DIALOG, self.dialog_params())
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("Meta sandbox", page)
        for person in world.PEOPLE.values():
            self.assertIn(person.name, page)
        self.assertIn('name="permission" value="ads_management" checked>', page)
        self.assertNotIn('value="catalog_management"', page)

    def test_a_login_for_business_configuration_asks_for_everything_or_nothing(self):
        params = self.dialog_params(config_id="42")
        del params["scope"]
        page = self.client.get(DIALOG, params).content.decode()
        for permission in world.PERMISSIONS:
            self.assertIn(f'value="{permission}" checked disabled>', page)

    def test_continue_sends_a_code_and_the_state_back(self):
        response = self.client.post(
            DIALOG,
            self.dialog_params(person="jane", permission="business_management", action="continue"),
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(self.callback + "?"))
        query = parse_qs(urlsplit(response["Location"]).query)
        self.assertEqual(query["state"], ["st"])
        self.assertTrue(query["code"][0])

    def test_cancel_sends_the_refusal_back(self):
        response = self.client.post(DIALOG, self.dialog_params(person="jane", action="cancel"))
        query = parse_qs(urlsplit(response["Location"]).query)
        self.assertEqual(query["error"], ["access_denied"])
        self.assertEqual(query["error_reason"], ["user_denied"])
        self.assertEqual(query["state"], ["st"])
        self.assertNotIn("code", query)

    def test_refuses_an_unknown_app_a_foreign_redirect_and_unknown_scopes(self):
        for bad, message in (
            ({"client_id": "nope"}, "Invalid App ID"),
            ({"redirect_uri": "https://evil.example/cb"}, "URL blocked"),
            ({"scope": "ads_management,user_friends"}, "Invalid Scopes: user_friends"),
        ):
            with self.subTest(message):
                response = self.client.get(DIALOG, self.dialog_params(**bad))
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.content.decode())

    def test_a_browser_signs_in_through_the_form_with_its_csrf_token(self):
        with httpx.Client(transport=self.transport, base_url=self.live_server_url) as browser:
            page = browser.get(DIALOG, params=self.dialog_params())
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            assert token is not None
            answer = browser.post(
                DIALOG,
                data={
                    **self.dialog_params(),
                    "csrfmiddlewaretoken": token.group(1),
                    "person": "jane",
                    "permission": ["business_management", "ads_management"],
                    "action": "continue",
                },
            )
        self.assertEqual(answer.status_code, 302, answer.text)
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        tokens = self.meta.exchange_code(code=code, redirect_uri=self.callback)
        self.assertIn("ads_management", tokens.scopes)


class GraphProtocolTests(SandboxTestCase):
    def graph(self, method: str, path: str, token: str = "", **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(
            method, f"/sandbox/meta/v26.0/{path}", params=params, headers=headers
        )

    def test_errors_come_in_graphs_envelope(self):
        response = self.graph("GET", "me")
        self.assertEqual(response.status_code, 400)
        error = response.json()["error"]
        self.assertEqual((error["type"], error["code"]), ("OAuthException", 2500))
        self.assertTrue(error["fbtrace_id"])

    def test_an_unknown_object_is_unsupported(self):
        error = self.graph("GET", "123/owned_pixels", self.tokens().access_token).json()["error"]
        self.assertEqual((error["code"], error["error_subcode"]), (100, 33))

    def test_a_pixels_shared_agencies_are_plain_businesses(self):
        """Asking that edge for a partnership's fields is error 100, as on Graph; the agency's
        business is listed once the pixel is shared with it."""
        token, pixel = self.tokens().access_token, "700000000000001"
        asked = "id,name,access_status,permitted_tasks"
        with contracts.expected():  # the vendor's definition refuses it before the sandbox
            error = self.graph("GET", f"{pixel}/shared_agencies", token, fields=asked).json()
        self.assertEqual(error["error"]["code"], 100)
        self.assertIn("access_status", error["error"]["message"])
        shared = self.graph(
            "POST",
            f"{pixel}/agencies",
            token,
            business=world.AGENCY_BUSINESS_ID,
            permitted_tasks='["ANALYZE"]',
        )
        self.assertEqual(shared.json(), {"success": True})
        listed = self.graph("GET", f"{pixel}/shared_agencies", token, fields="id,name").json()
        self.assertEqual([b["id"] for b in listed["data"]], [world.AGENCY_BUSINESS_ID])

    def test_pending_client_edges_hold_the_agency_s_own_requests_not_clients_shares(self):
        """A client's share is in client_ad_accounts at once; pending_client_ad_accounts lists
        only the access the agency asked for and the client has not approved yet."""
        agency = world.AGENCY_BUSINESS_ID
        jane, alex = self.tokens().access_token, self.tokens("alex").access_token
        shared = self.graph(
            "POST",
            "act_400000000000004/agencies",
            jane,
            business=agency,
            permitted_tasks='["ADVERTISE"]',
        )
        self.assertEqual(shared.json(), {"success": True})
        asked = self.graph(
            "POST",
            f"{agency}/client_pages",
            alex,
            page_id="500000000000001",
            permitted_tasks='["ANALYZE"]',
        )
        self.assertEqual(asked.json(), {"success": True})

        def listed(edge: str, fields: str) -> list[dict]:
            return self.graph("GET", f"{agency}/{edge}", alex, fields=fields).json()["data"]

        self.assertIn({"id": "act_400000000000004"}, listed("client_ad_accounts", "id"))
        self.assertEqual(listed("pending_client_ad_accounts", "ad_account"), [])
        self.assertEqual(listed("client_pages", "id"), [])
        [request] = listed("pending_client_pages", "page")
        self.assertEqual(request["page"]["id"], "500000000000001")

    def test_asking_twice_for_access_is_error_3944(self):
        agency, alex = world.AGENCY_BUSINESS_ID, self.tokens("alex").access_token
        ask = {"adaccount_id": "act_400000000000004", "permitted_tasks": '["ANALYZE"]'}
        self.assertEqual(
            self.graph("POST", f"{agency}/client_ad_accounts", alex, **ask).status_code, 200
        )
        again = self.graph("POST", f"{agency}/client_ad_accounts", alex, **ask).json()["error"]
        self.assertEqual(again["code"], 3944)
        unknown = {**ask, "adaccount_id": "act_999"}
        error = self.graph("POST", f"{agency}/client_ad_accounts", alex, **unknown).json()
        self.assertEqual(error["error"]["code"], 100)

    def test_the_token_may_also_come_as_a_parameter(self):
        body = self.graph("GET", "me", access_token=self.tokens().access_token).json()
        self.assertEqual(body, {"id": "200000000000001", "name": "Jane Doe"})

    def test_rate_limited_answers_say_when_to_come_back(self):
        response = self.graph("GET", "me/adaccounts", self.tokens("sam").access_token)
        self.assertEqual(response.json()["error"]["code"], 80004)
        usage = json.loads(response.headers["x-business-use-case-usage"])
        self.assertEqual(usage["300000000000002"][0]["estimated_time_to_regain_access"], 5)

    def test_sharing_a_page_takes_a_page_token(self):
        response = self.graph(
            "POST",
            "500000000000001/agencies",
            self.tokens().access_token,
            business="100000000000001",
            permitted_tasks='["ANALYZE"]',
        )
        self.assertEqual(response.json()["error"]["code"], 210)

    def test_permitted_tasks_must_be_the_kinds_tasks(self):
        for tasks in ("ANALYZE", '["ANALYZE", "MODERATE"]', "[]"):
            with self.subTest(tasks):
                response = self.graph(
                    "POST",
                    "act_400000000000004/agencies",
                    self.tokens().access_token,
                    business="100000000000001",
                    permitted_tasks=tasks,
                )
                self.assertEqual(response.json()["error"]["code"], 100)

    def test_debug_token_describes_a_token_to_the_app(self):
        tokens = self.tokens(declined=["instagram_basic"])
        app_token = f"{SANDBOX_APP_ID}|{SANDBOX_APP_SECRET}"
        data = self.graph(
            "GET", "debug_token", input_token=tokens.access_token, access_token=app_token
        ).json()["data"]
        self.assertTrue(data["is_valid"])
        self.assertEqual(data["user_id"], "200000000000001")
        self.assertNotIn("instagram_basic", data["scopes"])
        expired = self.graph(
            "GET",
            "debug_token",
            input_token=self.tokens("erin").access_token,
            access_token=app_token,
        ).json()["data"]
        self.assertFalse(expired["is_valid"])
        self.assertEqual((expired["error"]["code"], expired["error"]["subcode"]), (190, 463))

    def test_the_token_endpoint_checks_the_app(self):
        for client_id, secret, code in (
            ("nope", SANDBOX_APP_SECRET, 101),
            (SANDBOX_APP_ID, "wrong", 1),
        ):
            with self.subTest(code):
                response = self.graph(
                    "GET",
                    "oauth/access_token",
                    client_id=client_id,
                    client_secret=secret,
                    grant_type="fb_exchange_token",
                    fb_exchange_token=self.tokens().access_token,
                )
                self.assertEqual(response.json()["error"]["code"], code)
