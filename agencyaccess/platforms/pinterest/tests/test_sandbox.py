"""The Pinterest sandbox itself, called as the vendor's reference describes it: the errors a
connector must handle (docs/platforms/pinterest.md#sandbox)."""

import httpx

from agencyaccess.platforms import contracts
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.pinterest.sandbox import issue_sandbox_tokens, world
from agencyaccess.platforms.pinterest.tests.cast import LIVE_SANDBOX, MAIN

pytestmark = LIVE_SANDBOX


def api(sandbox: str, method: str, path: str, tokens: TokenSet | None, **kwargs) -> httpx.Response:
    headers = {"Authorization": f"Bearer {tokens.access_token}"} if tokens else {}
    return httpx.request(
        method, f"{sandbox}/sandbox/pinterest/v5/{path}", headers=headers, **kwargs
    )


def invite_the_agency(sandbox: str, tokens: TokenSet) -> str:
    """A partner invite from Paula's business to the agency's: its id."""
    body = {
        "business_role": "PARTNER",
        "invite_type": "PARTNER_INVITE",
        "partners": [world.AGENCY_BUSINESS],
    }
    r = api(sandbox, "POST", f"businesses/{world.CLIENT_BUSINESS}/invites", tokens, json=body)
    return r.json()["items"][0]["invite"]["id"]


def test_no_token_is_authentication_failed(sandbox: str):
    r = api(sandbox, "GET", "businesses/employers", None)
    assert (r.status_code, r.json()) == (401, {"code": 2, "message": "Authentication failed."})


def test_another_businesss_partners_are_not_permitted(paula: TokenSet, sandbox: str):
    r = api(sandbox, "GET", f"businesses/{world.AGENCY_BUSINESS}/partners", paula)
    assert (r.status_code, r.json()["code"]) == (403, 29)


def test_lists_are_paged_with_a_bookmark(paula: TokenSet, sandbox: str):
    first = api(sandbox, "GET", "ad_accounts", paula, params={"page_size": 2}).json()
    assert len(first["items"]) == 2 and first["bookmark"]
    rest = api(
        sandbox, "GET", "ad_accounts", paula, params={"page_size": 2, "bookmark": first["bookmark"]}
    ).json()
    assert len(rest["items"]) == 1 and rest["bookmark"] is None


def test_an_unknown_permission_is_an_invalid_request(paula: TokenSet, sandbox: str):
    invite = invite_the_agency(sandbox, paula)
    body = {
        "invites": [
            {
                "invite_id": invite,
                "invite_type": "PARTNER_INVITE",
                "asset_id_to_permissions": {MAIN: ["SUPERUSER"]},
            }
        ]
    }
    with contracts.expected() as caught:  # Pinterest's definition refuses it too
        r = api(
            sandbox,
            "POST",
            f"businesses/{world.CLIENT_BUSINESS}/invites/assets/access",
            paula,
            json=body,
        )
    assert (r.status_code, r.json()["code"]) == (400, 1)
    assert "SUPERUSER" in str(caught)


def test_only_the_invited_businesss_admin_can_accept(paula: TokenSet, sandbox: str):
    invite = invite_the_agency(sandbox, paula)
    body = {"invites": [{"invite_id": invite, "action": {"accept_invite": True}}]}
    r = api(sandbox, "PATCH", "businesses/invites", issue_sandbox_tokens("eve"), json=body)
    assert r.json()["items"][0]["exception"]["code"] == 403


def test_the_sandbox_is_off_once_pinterest_is_configured(sandbox: str, settings):
    settings.PINTEREST_CLIENT_ID = "real-app"
    assert httpx.get(f"{sandbox}/sandbox/pinterest/oauth/").status_code == 404


def test_invites_are_membership_ones_unless_is_member_is_false(paula: TokenSet, sandbox: str):
    invite = invite_the_agency(sandbox, paula)
    path = f"businesses/{world.CLIENT_BUSINESS}/invites"

    by_default = api(sandbox, "GET", path, paula, params={"invite_type": "PARTNER_INVITE"})
    partners = api(sandbox, "GET", path, paula, params={"is_member": "false"})

    assert by_default.json()["items"] == []
    assert [i["id"] for i in partners.json()["items"]] == [invite]


def test_a_businesss_owned_ad_accounts_are_its_owner_assets(paula: TokenSet, sandbox: str):
    path = f"businesses/{world.CLIENT_BUSINESS}/assets"
    owned = api(sandbox, "GET", path, paula, params={"permissions": "OWNER"}).json()["items"]
    every = api(sandbox, "GET", path, paula).json()["items"]
    assert {i["asset_id"] for i in owned} == {MAIN, "549755885002"}
    assert {i["asset_id"] for i in every} == {MAIN, "549755885002", "549755885003"}


def test_ending_a_non_partners_access_is_refused(paula: TokenSet, sandbox: str):
    body = {"accesses": [{"partner_id": world.AGENCY_BUSINESS, "asset_id": MAIN}]}
    path = f"businesses/{world.CLIENT_BUSINESS}/partners/assets"
    refused = api(sandbox, "DELETE", path, paula, json=body)
    assert (refused.status_code, refused.json()["code"]) == (400, 1)
