"""The sandbox answers as the Marketing API does: its envelope, its refusals, and the rules of
the roles reference (docs/platforms/snapchat.md#the-sandbox)."""

import httpx
from django.conf import settings

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.snapchat.sandbox import issue_sandbox_tokens, world
from agencyaccess.platforms.snapchat.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX


def ads(method: str, path: str, tokens: TokenSet | None, **kwargs) -> httpx.Response:
    headers = {"Authorization": f"Bearer {tokens.access_token}"} if tokens else {}
    return httpx.request(
        method, f"{settings.SITE_URL}/sandbox/snapchat/v1/{path}", headers=headers, **kwargs
    )


def test_answers_wrap_each_entity_with_its_status(clara: TokenSet):
    answer = ads("GET", f"organizations/{world.CLIENT_ORG}/members", clara).json()
    assert answer["request_status"] == "SUCCESS" and answer["request_id"]
    first = answer["members"][0]
    assert first["sub_request_status"] == "SUCCESS"
    assert set(first["member"]) >= {"id", "email", "organization_id", "member_status"}


def test_a_page_size_outside_what_snap_serves_is_refused(clara: TokenSet):
    for limit in ("10", "5000", "many"):
        refused = ads("GET", "me/organizations", clara, params={"limit": limit})
        assert refused.status_code == 400 and refused.json()["request_status"] == "ERROR"
    page = ads("GET", "me/organizations", clara, params={"limit": "50"}).json()
    assert len(page["organizations"]) == 2 and "next_link" not in page["paging"]


def test_without_a_valid_token_the_answer_is_401(sandbox: str):
    assert ads("GET", "me", None).status_code == 401
    refused = ads("GET", "me", issue_sandbox_tokens("ed"))
    assert refused.status_code == 401 and refused.json()["request_status"] == "ERROR"


def test_only_an_admin_invites_and_outsiders_cannot_read_members(sandbox: str):
    sam = issue_sandbox_tokens("sam")
    body = {
        "members": [
            {"email": "x@example.com", "organization_id": world.CLIENT_ORG, "display_name": "X"}
        ]
    }
    assert (
        ads("POST", f"organizations/{world.CLIENT_ORG}/members", sam, json=body).status_code == 403
    )
    alex = issue_sandbox_tokens("alex")
    assert ads("GET", f"organizations/{world.CLIENT_ORG}/members", alex).status_code == 403


def test_an_ad_account_role_needs_the_organization_role_member_first(clara: TokenSet):
    body = {
        "members": [
            {"email": "x@example.com", "organization_id": world.CLIENT_ORG, "display_name": "X"}
        ]
    }
    member = ads("POST", f"organizations/{world.CLIENT_ORG}/members", clara, json=body).json()
    member_id = member["members"][0]["member"]["id"]
    role = {"ad_account_id": world.MAIN_ACCOUNT, "member_id": member_id, "type": "general"}

    refused = ads("POST", f"organizations/{world.CLIENT_ORG}/roles", clara, json={"roles": [role]})

    assert refused.status_code == 400
    assert refused.json()["roles"][0]["sub_request_status"] == "ERROR"


def test_deleting_what_does_not_exist_is_e3004(clara: TokenSet):
    answer = ads("DELETE", "members/5c1a0000-0000-4000-8000-00000000dead", clara).json()
    assert answer["request_status"] == "ERROR"
    assert "E3004" in answer["members"][0]["sub_request_error_reason"]


def test_the_sign_in_page_refuses_another_app(sandbox: str):
    page = httpx.get(
        f"{sandbox}/sandbox/snapchat/login/oauth2/authorize",
        params={"client_id": "other", "redirect_uri": f"{sandbox}/cb", "response_type": "code"},
    )
    assert page.status_code == 400 and "Invalid client_id" in page.text


def test_the_sandbox_is_gone_once_snapchat_is_configured(sandbox: str, settings):
    settings.SNAPCHAT_CLIENT_ID = "real-app"
    assert httpx.get(f"{sandbox}/sandbox/snapchat/v1/me").status_code == 404
