"""Listing, granting, verifying and revoking LinkedIn ad accounts and Company Pages against the
sandbox, over HTTP."""

from unittest import mock

import httpx
import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    GrantState,
    InsufficientRights,
    MissingScope,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.linkedin import api
from agencyaccess.platforms.linkedin.connectors import AdAccountsConnector, CompanyPageConnector
from agencyaccess.platforms.linkedin.sandbox import issue_sandbox_tokens, state
from agencyaccess.platforms.linkedin.tests.cast import (
    ALEX,
    LIVE_SANDBOX,
    agency,
    asking,
    pick,
    ref,
)
from agencyaccess.platforms.testing import meeting

pytestmark = LIVE_SANDBOX
ADS, PAGES = AdAccountsConnector(), CompanyPageConnector()


# Ad accounts -----------------------------------------------------------------------------------


def test_ad_accounts_are_listed_with_names_and_whether_jane_can_add_people(jane: TokenSet):
    assets = ADS.list_assets(jane, "linkedin_ads")

    assert [(a.external_id, a.name, a.grantable) for a in assets] == [
        ("508000001", "Jane Co - Main", True),
        ("508000002", "Jane Co - Brand", True),
        ("508000003", "Jane Co - Archive", False),
    ]
    assert "account manager" in pick(assets, "508000003").not_grantable_reason
    assert pick(assets, "508000003").metadata == {"role": "VIEWER", "status": "CANCELED"}


def test_the_roles_and_the_accounts_names_are_asked_side_by_side(jane: TokenSet):
    roles, accounts = meeting(2, ADS._roles, ADS._accounts)  # one after the other never meet
    with mock.patch.object(ADS, "_roles", roles), mock.patch.object(ADS, "_accounts", accounts):
        assets = ADS.list_assets(jane, "linkedin_ads")

    assert [a.name for a in assets] == ["Jane Co - Main", "Jane Co - Brand", "Jane Co - Archive"]


def test_listing_follows_the_pages(jane: TokenSet):
    sent: list[httpx.URL] = []
    request = http.request

    def recorded(method: str, url: str, **kwargs):
        answer = request(method, url, **kwargs)
        sent.append(answer.request.url)
        return answer

    with mock.patch.object(api, "PAGE_SIZE", 1), mock.patch.object(http, "request", recorded):
        assets = ADS.list_assets(jane, "linkedin_ads")

    assert [a.name for a in assets] == ["Jane Co - Main", "Jane Co - Brand", "Jane Co - Archive"]
    # adAccounts pages by cursor (version 202401 and later), adAccountUsers by offset.
    searches = [url.params for url in sent if url.path.endswith("/adAccounts")]
    assert [(p.get("pageSize"), "pageToken" in p, "start" in p) for p in searches] == [
        ("1", False, False),
        ("1", True, False),
        ("1", True, False),
    ]


def test_granting_an_ad_account_gives_alex_the_role_at_once(jane: TokenSet):
    asset = pick(ADS.list_assets(jane, "linkedin_ads"), "508000001")
    request = asking("linkedin_ads", asset, "CAMPAIGN_MANAGER", agency())

    outcome = ADS.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_role == "CAMPAIGN_MANAGER"
    assert outcome.native_ref == (
        "adAccountUsers/(account:urn%3Ali%3AsponsoredAccount%3A508000001,"
        f"user:urn%3Ali%3Aperson%3A{ALEX.id})"
    )
    assert state.account_role("508000001", ALEX.id) == "CAMPAIGN_MANAGER"
    # Granting again, at another level, replaces the role: no error, no second row.
    again = ADS.grant(jane, asking("linkedin_ads", asset, "VIEWER", agency()))
    assert (again.state, again.native_role) == (GrantState.ACTIVE, "VIEWER")
    assert state.account_users(account_id="508000001").count(("508000001", ALEX.id, "VIEWER")) == 1


def test_an_ad_account_grant_is_verified_by_the_client_or_the_agency(
    jane: TokenSet, alex: TokenSet
):
    asset = pick(ADS.list_assets(jane, "linkedin_ads"), "508000002")
    request = asking("linkedin_ads", asset, "ACCOUNT_MANAGER", agency(alex))
    grant = ref(request, ADS.grant(jane, request))

    assert ADS.verify(grant, client_tokens=jane).state == GrantState.ACTIVE
    assert ADS.verify(grant).state == GrantState.ACTIVE  # the agency's own roles

    state.remove_account_user("508000002", ALEX.id)  # the client removed Alex in Campaign Manager
    assert ADS.verify(grant, client_tokens=jane).state == GrantState.REVOKED
    assert ADS.verify(grant).state == GrantState.REVOKED


def test_revoking_an_ad_account_removes_the_role_and_is_idempotent(jane: TokenSet):
    asset = pick(ADS.list_assets(jane, "linkedin_ads"), "508000001")
    request = asking("linkedin_ads", asset, "VIEWER", agency())
    grant = ref(request, ADS.grant(jane, request))

    assert ADS.revoke(grant, client_tokens=jane).state == GrantState.REVOKED
    assert state.account_role("508000001", ALEX.id) == ""
    assert ADS.revoke(grant, client_tokens=jane).state == GrantState.REVOKED


def test_revoking_without_the_clients_sign_in_says_where_to_do_it(jane: TokenSet):
    asset = pick(ADS.list_assets(jane, "linkedin_ads"), "508000001")
    request = asking("linkedin_ads", asset, "VIEWER", agency())
    with pytest.raises(TokenExpired, match="Campaign Manager"):
        ADS.revoke(ref(request, ADS.grant(jane, request)))


def test_a_viewer_cannot_add_people_and_is_told_whom_to_ask(jane: TokenSet):
    asset = pick(ADS.list_assets(jane, "linkedin_ads"), "508000003")
    with pytest.raises(InsufficientRights, match="account manager") as caught:
        ADS.grant(jane, asking("linkedin_ads", asset, "VIEWER", agency()))
    assert caught.value.http_status == 403


def test_an_agency_that_never_signed_in_with_linkedin_cannot_receive_access(jane: TokenSet):
    asset = pick(ADS.list_assets(jane, "linkedin_ads"), "508000001")
    with pytest.raises(ConnectorError, match="has not connected its LinkedIn member"):
        ADS.grant(jane, asking("linkedin_ads", asset, "VIEWER", agency(person_id="")))


def test_a_sign_in_without_the_ads_permission_is_asked_again(sandbox: str):
    tokens = issue_sandbox_tokens("jane", declined=["rw_ads"])
    with pytest.raises(MissingScope, match="rw_ads"):
        ADS.list_assets(tokens, "linkedin_ads")


# Company Pages ---------------------------------------------------------------------------------


def test_pages_are_listed_with_names_and_whether_jane_is_super_admin(jane: TokenSet):
    assets = PAGES.list_assets(jane, "linkedin_company_page")

    assert [(a.external_id, a.name, a.grantable) for a in assets] == [
        ("2414001", "Jane Co", True),
        ("2414002", "Jane Co Careers", False),
    ]
    assert "super admin" in pick(assets, "2414002").not_grantable_reason


def test_granting_a_page_role_then_verifying_and_revoking_it(jane: TokenSet, alex: TokenSet):
    asset = pick(PAGES.list_assets(jane, "linkedin_company_page"), "2414001")
    request = asking("linkedin_company_page", asset, "CONTENT_ADMINISTRATOR", agency(alex))

    outcome = PAGES.grant(jane, request)

    assert (outcome.state, outcome.native_role) == (GrantState.ACTIVE, "CONTENT_ADMINISTRATOR")
    assert outcome.native_ref == (
        "organizationAcls/(organization:urn%3Ali%3Aorganization%3A2414001,"
        f"role:CONTENT_ADMINISTRATOR,roleAssignee:urn%3Ali%3Aperson%3A{ALEX.id})"
    )
    grant = ref(request, outcome)
    assert PAGES.verify(grant, client_tokens=jane).state == GrantState.ACTIVE
    assert PAGES.verify(grant).state == GrantState.ACTIVE

    assert PAGES.revoke(grant, client_tokens=jane).state == GrantState.REVOKED
    assert state.organization_acls(organization_id="2414001", person_id=ALEX.id) == [
        {
            "organization": "2414001",
            "role": "CONTENT_ADMINISTRATOR",
            "person": ALEX.id,
            "state": "REVOKED",
        }
    ]
    assert PAGES.verify(grant, client_tokens=jane).state == GrantState.REVOKED
    assert PAGES.verify(grant).state == GrantState.REVOKED


def test_only_a_super_admin_can_add_page_admins(jane: TokenSet):
    asset = pick(PAGES.list_assets(jane, "linkedin_company_page"), "2414002")
    with pytest.raises(InsufficientRights):
        PAGES.grant(jane, asking("linkedin_company_page", asset, "ANALYST", agency()))


def test_verifying_with_nobody_signed_in_asks_for_the_agencys_sign_in(jane: TokenSet):
    asset = pick(PAGES.list_assets(jane, "linkedin_company_page"), "2414001")
    request = asking("linkedin_company_page", asset, "ANALYST", agency())
    with pytest.raises(TokenExpired, match="agency can connect"):
        PAGES.verify(ref(request, PAGES.grant(jane, request)))
