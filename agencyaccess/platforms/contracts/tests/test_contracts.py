"""The contract checks themselves: what the vendors' definitions have passes, what they lack is
refused, and a sandbox refuses it when the checks are on."""

import json
import re
from typing import Any

import pytest

from agencyaccess.platforms import contracts
from agencyaccess.platforms.google.sandbox import ads_definitions as google_ads
from agencyaccess.platforms.google.sandbox import contract as google_contract
from agencyaccess.platforms.google.sandbox import discovery_documents as google_discovery
from agencyaccess.platforms.google.sandbox.ads_definitions import RPCS
from agencyaccess.platforms.meta.sandbox import sdk_definitions as facebook

GA = "https://analyticsadmin.googleapis.com/v1alpha/properties/123/accessBindings"
GTM = "https://tagmanager.googleapis.com/tagmanager/v2/accounts/6/user_permissions"
ADS = "https://googleads.googleapis.com/v26/customers/1234567890"


@pytest.fixture
def refused():
    """A check that must refuse: the violation is raised, and handed here, not to the
    suite's guard (conftest.py)."""

    def expect(check, *args, **kwargs):
        with contracts.expected() as caught, pytest.raises(contracts.ContractViolation) as e:
            check(*args, **kwargs)
        assert caught == [e.value]
        return str(e.value)

    return expect


# Google discovery documents -----------------------------------------------------------------------


def test_a_call_is_matched_to_its_method_in_the_discovery_document():
    method = google_discovery.check_request(
        "POST",
        GA,
        {},
        {"user": "agency@example.com", "roles": ["predefinedRoles/read"]},
        has_body=True,
    )
    assert method.id == "analyticsadmin.properties.accessBindings.create"
    google_discovery.check_response(method, {"name": f"{GA[38:]}/1", "user": "a@example.com"})


def test_a_body_field_the_method_lacks_is_refused(refused):
    message = refused(
        google_discovery.check_request,
        "POST",
        GA,
        {},
        {"emailAddress": "agency@example.com"},
        has_body=True,
    )
    assert "no field 'emailAddress'" in message and "user" in message


def test_a_query_parameter_the_method_lacks_is_refused(refused):
    google_discovery.check_request(
        "GET", GA, {"pageSize": "50", "pageToken": "x"}, None, has_body=False
    )
    assert "no query parameter limit" in refused(
        google_discovery.check_request, "GET", GA, {"limit": "50"}, None, has_body=False
    )


def test_a_path_no_api_has_is_refused(refused):
    assert "No Google API method" in refused(
        google_discovery.check_request,
        "GET",
        GA.replace("accessBindings", "agencies"),
        {},
        None,
        has_body=False,
    )


def test_an_enum_value_outside_the_list_is_refused(refused):
    body: dict[str, Any] = {
        "emailAddress": "a@example.com",
        "accountAccess": {"permission": "admin"},
    }
    google_discovery.check_request("POST", GTM, {}, body, has_body=True)
    body["accountAccess"]["permission"] = "owner"
    assert "'owner', not one of" in refused(
        google_discovery.check_request, "POST", GTM, {}, body, has_body=True
    )


def test_an_answer_field_the_schema_lacks_is_refused(refused):
    method = google_discovery.find_method("GET", GA)
    google_discovery.check_response(method, {"accessBindings": [{"name": "n", "user": "u"}]})
    assert "no field 'email'" in refused(
        google_discovery.check_response, method, {"accessBindings": [{"name": "n", "email": "u"}]}
    )


def test_a_site_url_decoded_into_the_path_still_finds_its_method():
    url = "https://www.googleapis.com/webmasters/v3/sites/https://example.com/"
    assert google_discovery.find_method("PUT", url).id == "webmasters.sites.add"


def test_the_sandbox_paths_map_to_the_real_urls():
    assert google_contract.real_url("/sandbox/google/tagmanager/v2/accounts") == (
        "https://tagmanager.googleapis.com/tagmanager/v2/accounts"
    )
    assert google_contract.real_url("/sandbox/google/business/accounts/v1/accounts") == (
        "https://mybusinessaccountmanagement.googleapis.com/v1/accounts"
    )


# Google Ads messages and errors ------------------------------------------------------------------


def test_a_user_access_removal_parses_as_the_rpc_request(refused):
    remove = {"operation": {"remove": "customers/1234567890/customerUserAccesses/42"}}
    google_ads.check_request("POST", ADS + "/customerUserAccesses:mutate", {}, remove)
    singular = {"operation": {"remove": "customers/1234567890/customerUserAccess/42"}}
    assert "no resource name" in refused(
        google_ads.check_request, "POST", ADS + "/customerUserAccesses:mutate", {}, singular
    )


def test_a_field_or_enum_value_the_message_lacks_is_refused(refused):
    url = ADS + "/customerClientLinks:mutate"
    create = {"clientCustomer": "customers/5555555555", "status": "PENDING"}
    google_ads.check_request("POST", url, {}, {"operation": {"create": create}})
    assert "has no field named" in refused(
        google_ads.check_request, "POST", url, {}, {"operation": {"create": {"client": "x"}}}
    )
    assert "enum" in refused(
        google_ads.check_request,
        "POST",
        url,
        {},
        {"operation": {"create": {**create, "status": "INVITED"}}},
    )


def test_an_answer_is_parsed_as_the_rpc_response(refused):
    call = google_ads.check_request(
        "POST",
        ADS + "/customerUserAccessInvitations:mutate",
        {},
        {"operation": {"create": {"emailAddress": "a@example.com", "accessRole": "ADMIN"}}},
    )
    call.check_response({"result": {"resourceName": "customers/1/customerUserAccessInvitations/2"}})
    assert "has no field named" in refused(call.check_response, {"result": {"reviewName": "x"}})


def test_error_codes_must_be_in_the_api_s_error_enums(refused):
    def failure(code):
        kind = "type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure"
        return {"error": {"details": [{"@type": kind, "errors": [{"errorCode": code}]}]}}

    google_ads.check_error(failure({"managerLinkError": "ALREADY_MANAGED_BY_THIS_MANAGER"}))
    google_ads.check_error(failure({"authenticationError": "NOT_ADS_USER"}))
    refused(google_ads.check_error, failure({"managerLinkError": "CLIENT_ALREADY_LINKED"}))
    refused(google_ads.check_error, failure({"linkError": "ALREADY_MANAGED_BY_THIS_MANAGER"}))


def test_gaql_fields_must_be_fields_of_the_row(refused):
    google_ads.check_gaql(
        "v26", "SELECT customer_user_access.email_address FROM customer_user_access"
    )
    assert "customer_user_access.email" in refused(
        google_ads.check_gaql, "v26", "SELECT customer_user_access.email FROM customer_user_access"
    )


def test_an_unlisted_ads_path_is_refused(refused):
    refused(google_ads.check_request, "POST", ADS + "/customerUserAccess:mutate", {}, {})


@pytest.mark.parametrize(("method", "path"), sorted(RPCS))
def test_each_listed_ads_path_names_a_collection_the_package_documents(method, path):
    """The REST paths are listed by hand: each collection must be one in a resource name form
    the package documents (customerUserAccesses, not customerUserAccess)."""
    collection = re.search(r"/(\w+):", path)
    if collection is None or collection[1] == "googleAds":
        return  # customers:listAccessibleCustomers, googleAds:search: services, not resources
    forms = {f.pattern for f in google_ads.resource_name_forms("v26")}
    assert any(f"/{collection[1]}/" in form for form in forms)


# Graph API objects and edges ---------------------------------------------------------------------


def test_a_graph_read_asks_only_for_fields_of_what_the_edge_returns(refused):
    edge = facebook.check_request(
        "Business", "owned_ad_accounts", "GET", {"fields": "id,name,account_status"}
    )
    facebook.check_response("Business", edge, {"data": [{"id": "act_1", "name": "A"}]})
    assert "has no field colour" in refused(
        facebook.check_request, "Business", "owned_ad_accounts", "GET", {"fields": "id,colour"}
    )


def test_a_pixel_s_shared_agencies_are_plain_businesses(refused):
    refused(
        facebook.check_request,
        "AdsPixel",
        "shared_agencies",
        "GET",
        {"fields": "id,name,access_status,permitted_tasks"},
    )
    facebook.check_request(
        "AdAccount", "agencies", "GET", {"fields": "id,access_status,permitted_tasks"}
    )


def test_an_edge_or_parameter_the_sdk_lacks_is_refused(refused):
    facebook.check_request("Page", "agencies", "POST", {"business": "1", "permitted_tasks": "[]"})
    assert "takes no parameter role" in refused(
        facebook.check_request, "Page", "agencies", "POST", {"business": "1", "role": "ADMIN"}
    )
    assert "no GET /partners edge" in refused(facebook.check_request, "Page", "partners", "GET", {})


def test_an_answer_field_the_node_lacks_is_refused(refused):
    assert "answers no field colour" in refused(
        facebook.check_response, "User", None, {"id": "1", "colour": "blue"}
    )


def test_nested_fields_are_read_at_the_top_level():
    assert facebook.top_level_fields("id,business{id,name},insights.limit(5)") == [
        "id",
        "business",
        "insights",
    ]


def test_fields_allowed_without_a_reference_stay_few():
    assert len(facebook.UNCONFIRMED_EDGE_FIELDS) <= 3


# The sandboxes -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_google_sandbox_refuses_a_body_google_does_not_define(client, settings):
    settings.GOOGLE_CLIENT_ID = ""
    url = "/sandbox/google/analyticsadmin/v1alpha/properties/1/accessBindings"
    body = json.dumps({"emailAddress": "agency@example.com"})
    with contracts.expected() as caught:
        response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert "no field 'emailAddress'" in response.json()["error"]["message"]
    assert len(caught) == 1

    settings.PLATFORM_CONTRACTS = False  # production: the sandbox answers for itself
    assert client.post(url, body, content_type="application/json").status_code == 401


@pytest.mark.django_db
def test_the_meta_sandbox_refuses_a_field_the_sdk_does_not_define(client, settings):
    settings.META_APP_ID = ""
    with contracts.expected() as caught:
        response = client.get("/sandbox/meta/v25.0/me", {"fields": "id,colour"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 100
    assert "User has no field colour" in str(caught[0])


def test_a_wrong_answer_of_a_sandbox_raises(refused):
    """The sandbox itself is wrong: no refusal to hide behind."""
    call = google_ads.check_request(
        "GET", "https://googleads.googleapis.com/v26/customers:listAccessibleCustomers", {}, None
    )
    refused(call.check_response, {"resourceNames": ["customers/1"], "nextPageToken": "2"})


def test_violations_are_recorded_for_the_suite_s_guard_unless_expected():
    contracts.violation("outside")
    assert [str(v) for v in contracts.recorded()] == ["outside"]
    contracts.forget()
    with contracts.expected() as caught:
        contracts.violation("inside")
        assert contracts.recorded() == []
    assert [str(v) for v in caught] == ["inside"]
    assert contracts.recorded() == []
