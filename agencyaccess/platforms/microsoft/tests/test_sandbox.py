"""The sandbox refuses what Microsoft refuses, in Microsoft's REST fault shapes
(docs/platforms/microsoft.md#sandbox)."""

from typing import Any

import httpx

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.microsoft.config import SANDBOX_DEVELOPER_TOKEN
from agencyaccess.platforms.microsoft.sandbox import issue_sandbox_tokens, world
from agencyaccess.platforms.microsoft.tests.cast import LIVE_SANDBOX, SEARCH

pytestmark = LIVE_SANDBOX


def call(
    site: str,
    method: str,
    path: str,
    tokens: TokenSet,
    body: dict[str, Any],
    developer_token: str = SANDBOX_DEVELOPER_TOKEN,
) -> httpx.Response:
    return httpx.request(
        method,
        f"{site}/sandbox/microsoft/CustomerManagement/v13/{path}",
        headers={
            "Authorization": f"Bearer {tokens.access_token}",
            "DeveloperToken": developer_token,
        },
        json=body,
    )


def link(status: str = "LinkPending", **fields: Any) -> dict[str, Any]:
    return {
        "Type": "AccountLink",
        "ClientEntityId": SEARCH,
        "ClientEntityCustomerNumber": world.CUSTOMER_NUMBERS[world.CLIENT_CUSTOMER_ID],
        "ManagingCustomerId": str(world.AGENCY_CUSTOMER_ID),
        "IsBillToClient": True,
        "Status": status,
        **fields,
    }


def test_a_wrong_developer_token_is_code_105_in_an_ad_api_fault(sandbox: str, clara: TokenSet):
    answer = call(sandbox, "POST", "User/Query", clara, {"UserId": None}, "someone-elses")

    assert answer.status_code == 401
    body = answer.json()
    assert body["Type"] == "AdApiFaultDetail" and body["TrackingId"]
    assert body["Errors"][0]["Code"] == 105


def test_only_the_managing_customers_people_can_ask_for_a_link(sandbox: str, clara: TokenSet):
    answer = call(sandbox, "POST", "ClientLinks", clara, {"ClientLinks": [link()]})

    assert answer.status_code == 400
    assert answer.json()["OperationErrors"][0]["Code"] == 1001


def test_a_client_may_only_accept_or_decline(sandbox: str, clara: TokenSet, alex: TokenSet):
    added = call(sandbox, "POST", "ClientLinks", alex, {"ClientLinks": [link()]})
    assert added.json()["PartialErrors"] == [None]

    ended = call(sandbox, "PUT", "ClientLinks", clara, {"ClientLinks": [link("UnlinkRequested")]})
    assert ended.json()["PartialErrors"][0][0]["Code"] == 1001

    accepted = call(sandbox, "PUT", "ClientLinks", clara, {"ClientLinks": [link("LinkAccepted")]})
    assert accepted.json()["PartialErrors"] == [None]


def test_an_account_link_names_the_accounts_customer_and_a_short_name(sandbox: str, alex: TokenSet):
    links = [
        link(ClientEntityCustomerNumber=None),
        link(ClientEntityCustomerNumber=world.CUSTOMER_NUMBERS[world.AGENCY_CUSTOMER_ID]),
        link(Name="x" * 41),
    ]

    answer = call(sandbox, "POST", "ClientLinks", alex, {"ClientLinks": links})

    refused = [errors[0]["Message"] for errors in answer.json()["PartialErrors"]]
    assert refused[0].startswith("ClientLinkFieldInvalid")
    assert refused[1].startswith("LinkPairMismatch")
    assert refused[2] == "The specified name is too long."


def test_client_links_are_searched_100_at_most_at_a_time(sandbox: str, alex: TokenSet):
    def search(size: int) -> httpx.Response:
        predicate = {"Field": "ClientAccountId", "Operator": "Equals", "Value": SEARCH}
        body = {"Predicates": [predicate], "PageInfo": {"Index": 0, "Size": size}}
        return call(sandbox, "POST", "ClientLinks/Search", alex, body)

    assert search(100).status_code == 200
    assert search(1000).json()["OperationErrors"][0]["Code"] == 3080


def test_longs_are_json_strings_and_a_super_admin_names_no_accounts(sandbox: str, clara: TokenSet):
    answer = call(sandbox, "POST", "User/Query", clara, {"UserId": None}).json()

    assert answer["User"]["Id"] == str(world.PEOPLE["clara"].user_id)
    assert answer["CustomerRoles"][0] == answer["CustomerRoles"][0] | {
        "RoleId": 41,
        "CustomerId": str(world.CLIENT_CUSTOMER_ID),
        "AccountIds": [],
    }
    assert answer["CustomerRoles"][1]["AccountIds"] == ["1800003"]


def test_ten_links_at_most_per_call(sandbox: str, alex: TokenSet):
    answer = call(sandbox, "POST", "ClientLinks", alex, {"ClientLinks": [link()] * 11})
    assert answer.status_code == 400


def test_invitations_are_for_the_customers_sharers(sandbox: str):
    vic = issue_sandbox_tokens("vic")
    search = {"Predicates": [{"Field": "CustomerId", "Operator": "Equals", "Value": "2000001"}]}

    answer = call(sandbox, "POST", "UserInvitations/Search", vic, search)

    assert answer.json()["OperationErrors"][0]["Code"] == 1001


def test_invitations_are_searched_by_an_equals_predicate(sandbox: str, clara: TokenSet):
    search = {"Predicates": [{"Field": "CustomerId", "Operator": "In", "Value": "2000001"}]}

    answer = call(sandbox, "POST", "UserInvitations/Search", clara, search)

    assert answer.json()["OperationErrors"][0]["Code"] == 3030


def test_an_invitation_without_a_name_is_refused(sandbox: str, clara: TokenSet):
    invitation = {
        "Email": "x@example.org",
        "CustomerId": 2000001,
        "RoleId": 100,
        "Lcid": "EnglishUS",
    }

    answer = call(sandbox, "POST", "UserInvitation/Send", clara, {"UserInvitation": invitation})

    assert answer.status_code == 400
    assert "FirstName" in answer.json()["OperationErrors"][0]["Message"]


def test_taking_a_role_back_needs_a_sharer_and_a_super_admin_for_a_super_admin(sandbox: str):
    body = {
        "CustomerId": str(world.CLIENT_CUSTOMER_ID),
        "UserId": str(world.PEOPLE["clara"].user_id),
        "DeleteRoleId": 41,
        "DeleteCustomerIds": [str(world.CLIENT_CUSTOMER_ID)],
    }

    for person in ("vic", "sam"):  # a Viewer; a Standard User
        answer = call(sandbox, "PUT", "UserRoles", issue_sandbox_tokens(person), body)
        assert answer.json()["OperationErrors"][0]["Code"] == 1001
