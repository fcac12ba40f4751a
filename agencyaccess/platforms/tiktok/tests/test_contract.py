"""The TikTok sandbox held against TikTok's Python SDK: what the SDK's calls and models have
passes, what they lack is refused, by the checks and by the sandbox over HTTP."""

from agencyaccess.platforms import contracts
from agencyaccess.platforms.testing import refused
from agencyaccess.platforms.tiktok.sandbox import sdk_definitions as sdk
from agencyaccess.platforms.tiktok.sandbox import world
from agencyaccess.platforms.tiktok.tests.cast import SandboxTestCase

V = "/open_api/v1.3"
SHARE = {"bc_id": "1", "partner_id": "2", "asset_type": "ADVERTISER", "asset_ids": ["3"]}


def test_a_share_s_body_is_the_sdk_s_partner_add_body():
    found = sdk.check_request("POST", f"{V}/bc/partner/add/", {}, SHARE | {"advertiser_role": "X"})
    assert found is not None and (found.name, found.body) == ("bc_partner_add", "PartnerAddBody")
    message = refused(sdk.check_request, "POST", f"{V}/bc/partner/add/", {}, SHARE | {"role": "X"})
    assert "PartnerAddBody) has no member role" in message
    assert "requires bc_id" in refused(
        sdk.check_request, "POST", f"{V}/bc/partner/add/", {}, {"asset_type": "ADVERTISER"}
    )


def test_query_parameters_and_filtering_are_the_call_s():
    query = {"bc_id": "1", "asset_type": "ADVERTISER", "page": "1", "page_size": "50"}
    sdk.check_request("GET", f"{V}/bc/asset/admin/get/", query, {})
    assert "takes no parameter share_type" in refused(
        sdk.check_request, "GET", f"{V}/bc/asset/admin/get/", query | {"share_type": "X"}, {}
    )
    sdk.check_request(
        "GET", f"{V}/bc/asset/admin/get/", query | {"filtering": '{"relation_type": "X"}'}, {}
    )
    assert "has no member owner_bc_id" in refused(
        sdk.check_request,
        "GET",
        f"{V}/bc/asset/admin/get/",
        query | {"filtering": '{"owner_bc_id": "1"}'},
        {},
    )


def test_a_path_the_sdk_lacks_is_refused():
    assert "no call is GET" in refused(
        sdk.check_request, "GET", f"{V}/bc/partner/asset/list/", {}, {}
    )


def test_an_answer_outside_the_envelope_is_refused():
    sdk.check_response({"code": 0, "message": "OK", "request_id": "r", "data": {}})
    assert "no member error" in refused(sdk.check_response, {"code": 0, "error": "x"})


def test_calls_allowed_without_the_sdk_stay_few():
    assert len(sdk.NOT_IN_SDK) <= 2


class SandboxContractTests(SandboxTestCase):
    def test_the_sandbox_refuses_a_member_the_sdk_does_not_define(self):
        with contracts.expected() as caught:
            body = self.http.post(
                f"/sandbox/tiktok{V}/bc/partner/add/",
                json={**SHARE, "bc_id": world.CLIENT_BC_ID, "role": "OPERATOR"},
                headers={"Access-Token": self.tokens().access_token},
            ).json()
        self.assertEqual(body["code"], 40002)
        self.assertIn("has no member role", body["message"])
        self.assertEqual(len(caught), 1)
