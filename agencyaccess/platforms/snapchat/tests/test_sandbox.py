"""The sandbox answers as the Marketing API does: its envelope, its refusals, and the rules of
the roles reference (docs/platforms/snapchat.md#the-sandbox)."""

import httpx
from django.conf import settings

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.snapchat.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
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


CLARAS_ROLES = "members/3e000000-0000-4000-8000-000000000001/roles"


def test_role_lists_page_and_refuse_a_page_size_outside_what_snap_serves(clara: TokenSet):
    for limit in ("10", "5000", "many"):
        refused = ads("GET", CLARAS_ROLES, clara, params={"limit": limit})
        assert refused.status_code == 400 and refused.json()["request_status"] == "ERROR"
    page = ads("GET", CLARAS_ROLES, clara, params={"limit": "50"}).json()
    assert len(page["roles"]) == 1 and "next_link" not in page["paging"]


def test_organizations_and_members_are_not_paged(clara: TokenSet):
    """Snap lists neither among its paged calls: a `limit` changes nothing."""
    for path in ("me/organizations", f"organizations/{world.CLIENT_ORG}/members"):
        answer = ads("GET", path, clara, params={"limit": "10"})
        assert answer.status_code == 200 and "paging" not in answer.json()


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
    under_account = f"adaccounts/{world.MAIN_ACCOUNT}/roles"

    refused = ads("POST", under_account, clara, json={"roles": [role]})

    assert refused.status_code == 400
    assert refused.json()["roles"][0]["sub_request_status"] == "ERROR"
    organization_role = {"organization_id": world.CLIENT_ORG, "member_id": member_id}
    organization_roles = f"organizations/{world.CLIENT_ORG}/roles"
    given = ads(
        "POST", organization_roles, clara, json={"roles": [organization_role | {"type": "member"}]}
    )
    assert given.status_code == 200
    assert ads("POST", under_account, clara, json={"roles": [role]}).status_code == 200


def test_an_ad_account_role_is_not_created_under_the_organization(clara: TokenSet):
    role = {"ad_account_id": world.MAIN_ACCOUNT, "member_id": "m", "type": "general"}
    refused = ads("POST", f"organizations/{world.CLIENT_ORG}/roles", clara, json={"roles": [role]})
    assert refused.status_code == 400
    assert "/adaccounts/" in refused.json()["roles"][0]["sub_request_error_reason"]


def test_one_member_is_read_by_its_id(clara: TokenSet):
    member_id = "3e000000-0000-4000-8000-000000000003"  # Sam
    answer = ads("GET", f"members/{member_id}", clara).json()
    assert answer["members"][0]["member"]["email"] == "sam@clara-bikes.example"
    outsider = ads("GET", f"members/{member_id}", issue_sandbox_tokens("alex")).json()
    assert "E3004" in outsider["members"][0]["sub_request_error_reason"]


def test_deleting_what_does_not_exist_or_is_not_yours_to_remove_is_e3004(clara: TokenSet):
    answer = ads("DELETE", "members/5c1a0000-0000-4000-8000-00000000dead", clara).json()
    assert answer["request_status"] == "ERROR"
    assert "E3004" in answer["members"][0]["sub_request_error_reason"]
    sam = issue_sandbox_tokens("sam")  # a member of Clara Bikes, not an admin
    refused = ads("DELETE", "members/3e000000-0000-4000-8000-000000000001", sam).json()
    assert "E3004" in refused["members"][0]["sub_request_error_reason"]


def test_the_token_answer_leaves_out_the_scope_that_was_asked(sandbox: str, clara: TokenSet):
    """RFC 6749 section 5.1: `scope` may be left out when it is the one requested."""
    answer = httpx.post(
        f"{sandbox}/sandbox/snapchat/login/oauth2/access_token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": clara.refresh_token,
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
        },
    ).json()
    assert answer["access_token"] and "scope" not in answer and answer["expires_in"] == 3600


def test_the_sign_in_page_refuses_another_app(sandbox: str):
    page = httpx.get(
        f"{sandbox}/sandbox/snapchat/login/oauth2/authorize",
        params={"client_id": "other", "redirect_uri": f"{sandbox}/cb", "response_type": "code"},
    )
    assert page.status_code == 400 and "Invalid client_id" in page.text


def test_the_sandbox_is_gone_once_snapchat_is_configured(sandbox: str, settings):
    settings.SNAPCHAT_CLIENT_ID = "real-app"
    assert httpx.get(f"{sandbox}/sandbox/snapchat/v1/me").status_code == 404
