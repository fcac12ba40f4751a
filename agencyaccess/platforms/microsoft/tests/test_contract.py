"""The Microsoft sandbox held against the Customer Management WSDL the Bing Ads SDK ships: what
its types have passes, what they lack is refused, by the checks and by the sandbox over HTTP."""

import httpx
import pytest
from django.conf import settings

from agencyaccess.platforms import contracts
from agencyaccess.platforms.microsoft.config import SANDBOX_DEVELOPER_TOKEN
from agencyaccess.platforms.microsoft.sandbox import contract
from agencyaccess.platforms.microsoft.sandbox import wsdl_definitions as wsdl
from agencyaccess.platforms.testing import LIVE_SANDBOX, refused

LINK = {"Type": "AccountLink", "ClientEntityId": 1, "ManagingCustomerId": 2, "IsBillToClient": True}


def test_a_link_request_has_only_client_link_members():
    wsdl.check_request("AddClientLinks", {"ClientLinks": [LINK]})
    message = refused(wsdl.check_request, "AddClientLinks", {"ClientLinks": [LINK | {"Role": 1}]})
    assert "ClientLinks[0] (ClientLink) has no member Role" in message


def test_an_enumeration_takes_only_its_values():
    wsdl.check_request("UpdateClientLinks", {"ClientLinks": [LINK | {"Status": "LinkAccepted"}]})
    assert "not one of ClientLinkStatus's values" in refused(
        wsdl.check_request, "UpdateClientLinks", {"ClientLinks": [LINK | {"Status": "Accepted"}]}
    )


def test_faults_are_the_service_s_two_kinds():
    wsdl.check_fault({"TrackingId": "t", "Type": "ApiFault", "OperationErrors": []})
    error = {"Code": 105, "Details": "", "Message": "m"}  # OperationError's, not AdApiError's
    assert "(AdApiError) has no member Details" in refused(
        wsdl.check_fault, {"TrackingId": "t", "Type": "AdApiFaultDetail", "Errors": [error]}
    )


def test_answers_are_read_as_the_operation_s_response():
    wsdl.check_response("GetUser", {"User": {"Id": 1}, "CustomerRoles": [{"RoleId": 41}]})
    assert "has no member Roles" in refused(wsdl.check_response, "GetUser", {"Roles": []})


@pytest.mark.parametrize("operation", sorted(set(contract.OPERATIONS.values())))
def test_each_rest_path_names_an_operation_of_the_wsdl(operation):
    types = wsdl.complex_types()
    assert f"{operation}Request" in types and f"{operation}Response" in types


@LIVE_SANDBOX
def test_the_sandbox_refuses_a_member_the_wsdl_does_not_define(alex):
    with contracts.expected() as caught:
        response = httpx.post(
            f"{settings.SITE_URL}/sandbox/microsoft/CustomerManagement/v13/User/Query",
            json={"UserId": None, "Email": "alex@demo-agency.example"},
            headers={
                "Authorization": f"Bearer {alex.access_token}",
                "DeveloperToken": SANDBOX_DEVELOPER_TOKEN,
            },
        )
    assert response.status_code == 400
    assert response.json()["Type"] == "ApiFault"
    assert "GetUserRequest (GetUserRequest) has no member Email" in str(caught[0])
