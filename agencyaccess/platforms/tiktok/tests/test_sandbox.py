"""The sandbox answers as TikTok does: its envelope, its paging, its checks."""

from agencyaccess.platforms import contracts
from agencyaccess.platforms.tiktok.sandbox import world
from agencyaccess.platforms.tiktok.tests.cast import SandboxTestCase


class SandboxTests(SandboxTestCase):
    def test_api_calls_answer_an_envelope(self):
        body = self.http.get("/sandbox/tiktok/open_api/v1.3/bc/get/").json()
        self.assertEqual(body["code"], 40105)
        self.assertEqual(set(body), {"code", "message", "request_id", "data"})

    def test_page_size_outside_1_to_50_is_refused(self):
        body = self.http.get(
            "/sandbox/tiktok/open_api/v1.3/bc/get/",
            params={"page_size": 51},
            headers={"Access-Token": self.tokens().access_token},
        ).json()
        self.assertEqual(body["code"], 40002)

    def test_share_type_is_required(self):
        with contracts.expected() as refused:  # TikTok's SDK requires it too
            body = self.http.get(
                "/sandbox/tiktok/open_api/v1.3/bc/partner/asset/get/",
                params={
                    "bc_id": world.CLIENT_BC_ID,
                    "partner_id": world.AGENCY_BC_ID,
                    "asset_type": "ADVERTISER",
                },
                headers={"Access-Token": self.tokens().access_token},
            ).json()
        self.assertEqual(body["code"], 40002)
        self.assertEqual(len(refused), 1)
        self.assertIn("share_type", body["message"])
