import pytest

from agencyaccess.platforms.base import (
    Asset,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
)
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens, state
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, JANE
from agencyaccess.platforms.google.scopes import WEBMASTERS
from agencyaccess.platforms.google.search_console import SITES, GoogleSearchConsole
from agencyaccess.platforms.google.tests.cast import LIVE_SANDBOX, agency, asking, pick, ref

pytestmark = LIVE_SANDBOX

CONSOLE = GoogleSearchConsole()
DOMAIN = "sc-domain:janes-bakery.example"  # Jane verified it
BLOG = "https://blog.janes-bakery.example/"  # Jane is a delegated owner
SHOP = "https://shop.janes-bakery.example/"  # Jane is a full user


def test_jane_sees_her_sites_and_which_she_can_share(jane):
    assets = CONSOLE.list_assets(jane, "google_search_console")

    domain = pick(assets, DOMAIN)
    assert domain.grantable
    assert domain.name == "janes-bakery.example"
    blog = pick(assets, BLOG)
    assert not blog.grantable
    assert "verified" in blog.not_grantable_reason
    shop = pick(assets, SHOP)
    assert not shop.grantable
    assert "not an owner" in shop.not_grantable_reason


def test_the_agency_becomes_an_owner_and_sees_the_site(jane, agency_tokens):
    request = asking("google_search_console", _site(DOMAIN), "OWNER", agency(agency_tokens))

    outcome = CONSOLE.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert outcome.native_ref == "dns%3A%2F%2Fjanes-bakery.example"
    assert "Owners can see all the data" in outcome.message
    assert {"siteUrl": DOMAIN, "permissionLevel": "siteOwner"} in SITES.call(
        "GET", "/sites", agency_tokens
    )["siteEntry"]
    assert CONSOLE.verify(ref(request, outcome), client_tokens=jane).state == GrantState.ACTIVE
    assert CONSOLE.verify(ref(request, outcome)).state == GrantState.ACTIVE


def test_without_the_agency_sign_in_the_agency_adds_the_site_itself(jane):
    request = asking("google_search_console", _site(DOMAIN), "OWNER", agency())

    outcome = CONSOLE.grant(jane, request)

    assert outcome.state == GrantState.ACTIVE
    assert "once it adds it" in outcome.message


def test_granting_twice_is_harmless(jane):
    request = asking("google_search_console", _site(DOMAIN), "OWNER", agency())
    first = CONSOLE.grant(jane, request)

    again = CONSOLE.grant(jane, request)

    assert again.state == GrantState.ACTIVE
    assert again.native_ref == first.native_ref
    resource = state.get("sv_resource", "dns://janes-bakery.example")
    assert resource is not None
    assert resource["owners"].count(DEMO_AGENCY) == 1


def test_revoking_removes_the_owner(jane, agency_tokens):
    request = asking("google_search_console", _site(DOMAIN), "OWNER", agency(agency_tokens))
    grant_ref = ref(request, CONSOLE.grant(jane, request))

    assert CONSOLE.revoke(grant_ref, client_tokens=jane).state == GrantState.REVOKED

    assert CONSOLE.verify(grant_ref, client_tokens=jane).state == GrantState.REVOKED
    assert CONSOLE.verify(grant_ref).state == GrantState.REVOKED


def test_full_and_restricted_users_are_added_by_hand(jane, agency_tokens):
    request = asking("google_search_console", _site(DOMAIN), "FULL", agency(agency_tokens))

    outcome = CONSOLE.grant(jane, request)

    assert outcome.state == GrantState.MANUAL_REQUIRED
    assert "Users and permissions" in outcome.message
    assert DEMO_AGENCY in outcome.message and "Full" in outcome.message
    assert outcome.next_action_url == (
        "https://search.google.com/search-console/users?resource_id=sc-domain%3Ajanes-bakery.example"
    )
    grant_ref = ref(request, outcome)
    assert CONSOLE.verify(grant_ref).state == GrantState.MANUAL_REQUIRED

    # Jane follows the steps in Search Console.
    state.put(
        "sc_user",
        f"{DEMO_AGENCY} {DOMAIN}",
        {"email": DEMO_AGENCY, "site": DOMAIN, "level": "siteFullUser"},
    )

    assert CONSOLE.verify(grant_ref).state == GrantState.ACTIVE
    assert CONSOLE.revoke(grant_ref).state == GrantState.MANUAL_REQUIRED


def test_a_delegated_owner_cannot_make_the_agency_an_owner(jane):
    with pytest.raises(InsufficientRights) as raised:
        CONSOLE.grant(jane, asking("google_search_console", _site(BLOG), "OWNER", agency()))
    assert "verified" in raised.value.message


def test_an_unticked_permission_is_reported(sandbox):
    with pytest.raises(MissingScope):
        CONSOLE.list_assets(
            issue_sandbox_tokens(JANE, scopes=[WEBMASTERS]), "google_search_console"
        )


def test_an_expired_sign_in_asks_to_connect_again(erin):
    with pytest.raises(TokenExpired):
        CONSOLE.list_assets(erin, "google_search_console")


def test_rate_limited_grants(sam):
    [asset] = CONSOLE.list_assets(sam, "google_search_console")

    with pytest.raises(RateLimited):
        CONSOLE.grant(sam, asking("google_search_console", asset, "OWNER", agency()))


def _site(site_url: str) -> Asset:
    return Asset("site", site_url, site_url.removeprefix("sc-domain:"))
