"""The API guide's own examples, run against a real server as an integrator would run them.

Only the base URL, the key and the ids are changed (product.md: integrators' code must run
against us unchanged, by changing only the base URL).
"""

import json
import shutil
import subprocess
import sys

from agencyaccess.links.models import IntakeForm, IntakeQuestion, Link
from agencyaccess.test import LiveServerBaseTestCase, without_proxies

# The guide's "Custom Application" script, word for word; the guide lost the indentation of
# the two print() lines, which Python needs back.
GUIDE_SCRIPT = """\
import requests
API_KEY = "your-api-key"
API_BASE = "https://api.agencyaccess.co"
headers = {
"X-Auth": API_KEY,
"Content-Type": "application/json"
}
data = {
"clientID": "client-id-here",
"requestedAccounts": {
"Google": {
"Google Ads": {
"accessLevel": "ADMIN",
"requested": True,
"requestedAccountLinks": [
{"internalAccountID": "account-id"}
]
}
}
},
"sendEmail": True
}
response = requests.post(
f"{API_BASE}/api/links/create",
headers=headers,
json=data
)
result = response.json()
if not result.get("error"):
    print(f"Link created: {result['data']}")
else:
    print(f"Error: {result['msg']}")
"""

# The guide's curl example under "Using Your API Key", word for word.
GUIDE_CURL = """\
curl -X POST https://api.agencyaccess.co/api/links/create \\
-H "X-Auth: your-api-key-here" \\
-H "Content-Type: application/json" \\
-d '{"clientID": "xxx", ...}'"""

# What the guide's "Creating a Link" request body has after its clientID, for the curl's "...".
GUIDE_LINK_FIELDS = """"requestedAccounts": {
"Google": {
"Google Ads": {
"accessLevel": "ADMIN",
"requested": true,
"requestedAccountLinks": [
{
"internalAccountID": "your-linked-account-id"
}
]
}
}
},
"intakeForm": true,
"sendEmail": false,
"thankYouMessage": "Thank you for granting access",
"redirect": "yourwebsite.com\""""


class GuideExampleTests(LiveServerBaseTestCase):
    def test_the_guides_python_script_creates_a_link(self):
        script = (
            GUIDE_SCRIPT.replace('"your-api-key"', json.dumps(self.alice_key))
            .replace('"https://api.agencyaccess.co"', json.dumps(self.live_server_url))
            .replace('"client-id-here"', json.dumps(self.jane.public_id))
            .replace('"account-id"', json.dumps(self.google_a.public_id))
        )

        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=30,
            env=without_proxies(),
        )

        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertRegex(result.stdout, r"^Link created: [A-Za-z0-9]{20}\n$")
        link = Link.objects.get(public_id=result.stdout.split(": ")[1].strip())
        self.assertEqual((link.agency, link.client), (self.agency_a, self.jane))
        self.assertTrue(link.send_email)
        service = link.services.get()
        self.assertEqual((service.service_key, service.access_level), ("google_ads", "ADMIN"))
        self.assertEqual(service.account_links.get().connected_account, self.google_a)

    def test_the_guides_python_script_prints_the_error_message(self):
        # Only the clientID is left as the guide has it: the one problem, in the guide's words.
        script = (
            GUIDE_SCRIPT.replace('"your-api-key"', json.dumps(self.alice_key))
            .replace('"https://api.agencyaccess.co"', json.dumps(self.live_server_url))
            .replace('"account-id"', json.dumps(self.google_a.public_id))
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=30,
            env=without_proxies(),
        )
        self.assertEqual(result.stdout, "Error: Please provide a valid clientID\n")
        self.assertEqual(Link.objects.filter(agency=self.agency_a).count(), 1)

    def curl(self, command: str) -> subprocess.CompletedProcess:
        shell = shutil.which("sh")
        if shutil.which("curl") is None or shell is None:
            self.skipTest("curl is not installed")
        command = command.replace("https://api.agencyaccess.co", self.live_server_url).replace(
            "your-api-key-here", self.alice_key
        )
        return subprocess.run(
            [shell, "-c", command],
            capture_output=True,
            text=True,
            timeout=30,
            env=without_proxies(),
        )

    def test_the_guides_curl_with_the_guides_link_body_creates_a_link(self):
        form = IntakeForm.objects.create(agency=self.agency_a)
        IntakeQuestion.objects.create(
            form=form, key="budget", type="number", labels={"en": "Budget"}
        )
        command = GUIDE_CURL.replace('"xxx"', json.dumps(self.jane.public_id)).replace(
            "...", GUIDE_LINK_FIELDS.replace("your-linked-account-id", self.google_a.public_id)
        )

        result = self.curl(command)

        self.assertEqual(result.returncode, 0, result.stderr)
        answer = json.loads(result.stdout)
        self.assertIs(answer["error"], False)
        link = Link.objects.get(public_id=answer["data"])
        self.assertEqual(link.client, self.jane)
        self.assertTrue(link.intake_form_requested)
        self.assertFalse(link.send_email)
        self.assertEqual(link.thank_you_message, "Thank you for granting access")
        self.assertEqual(link.redirect, "yourwebsite.com")
        self.assertEqual(link.services.get().access_level, "ADMIN")

    def test_the_guides_curl_as_printed_gets_a_json_error_it_can_act_on(self):
        result = self.curl(GUIDE_CURL.replace('"xxx"', json.dumps(self.jane.public_id)))

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(
            json.loads(result.stdout), {"error": True, "msg": "The request body is not valid JSON."}
        )
        self.assertEqual(Link.objects.filter(agency=self.agency_a).count(), 1)
