"""The Snapchat connectors over HTTP against the sandbox: listing what the client may share,
the invitation to the client's organization with its roles, following it until the agency's
person accepts, and removing it (docs/platforms/snapchat.md)."""

import dataclasses

import pytest

from agencyaccess.lib import http
from agencyaccess.platforms.base import (
    ConnectorError,
    GrantRef,
    GrantState,
    InsufficientRights,
    MissingScope,
    RateLimited,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.snapchat import api as snapchat_api
from agencyaccess.platforms.snapchat import connectors
from agencyaccess.platforms.snapchat.connectors import CONNECTORS, ref_parts
from agencyaccess.platforms.snapchat.sandbox import api as sandbox_api
from agencyaccess.platforms.snapchat.sandbox import issue_sandbox_tokens, state, world
from agencyaccess.platforms.snapchat.tests.cast import (
    AGENCY_EMAIL,
    LIVE_SANDBOX,
    accept,
    agency,
    asking,
    pick,
    ref,
)
from agencyaccess.platforms.testing import meeting

pytestmark = LIVE_SANDBOX
BUSINESS, ADS = CONNECTORS


def test_listing_says_what_an_organization_admin_can_share(clara: TokenSet):
    organizations = BUSINESS.list_assets(clara, "snapchat_business")
    assert {(o.name, o.grantable) for o in organizations} == {
        ("Clara Bikes", True),
        ("Northwind Outdoor", False),
    }
    accounts = ADS.list_assets(clara, "snapchat_ads")
    main = pick(accounts, world.MAIN_ACCOUNT)
    assert (main.name, main.parent_id, main.parent_name, main.grantable) == (
        "Clara Bikes - Main",
        world.CLIENT_ORG,
        "Clara Bikes",
        True,
    )
    brand = pick(accounts, world.BRAND_ACCOUNT)  # Clara only has Reports there
    assert not brand.grantable and "admin" in brand.not_grantable_reason


def test_each_organizations_roles_are_asked_side_by_side(
    clara: TokenSet, monkeypatch: pytest.MonkeyPatch
):
    [ask] = meeting(2, connectors._my_organization_roles)  # one after the other never meet
    monkeypatch.setattr(connectors, "_my_organization_roles", ask)

    organizations = BUSINESS.list_assets(clara, "snapchat_business")

    assert [(o.name, o.grantable) for o in organizations] == [
        ("Clara Bikes", True),
        ("Northwind Outdoor", False),
    ]


def test_only_role_lists_are_read_page_after_page(clara: TokenSet, monkeypatch: pytest.MonkeyPatch):
    """Pages of one: Clara's two roles at Northwind come from two pages; organizations and
    members, which Snap does not page, are asked without a limit."""
    monkeypatch.setattr(sandbox_api, "MIN_PAGE", 1)
    monkeypatch.setattr(snapchat_api, "PAGE_SIZE", 1)
    asked: list[tuple[str, dict[str, str]]] = []
    request = http.request

    def counted(method: str, url: str, **kwargs):
        asked.append((f"{method} {url.split('/v1/')[1]}", kwargs["params"]))
        return request(method, url, **kwargs)

    monkeypatch.setattr(http, "request", counted)
    accounts = ADS.list_assets(clara, "snapchat_ads")
    assert pick(accounts, world.BRAND_ACCOUNT).name == "Northwind - Brand"
    northwind = "GET members/3e000000-0000-4000-8000-000000000002/roles"
    assert [q.get("cursor") for path, q in asked if path == northwind] == [None, "1"]
    assert all(q.get("limit") == "1" for path, q in asked if path.endswith("/roles"))
    listing = [q for path, q in asked if path == "GET me/organizations"]
    assert listing == [{"with_ad_accounts": "true"}]

    asked.clear()
    main = pick(accounts, world.MAIN_ACCOUNT)
    ADS.grant(clara, asking("snapchat_ads", main, "REPORTS", agency()))
    members = f"GET organizations/{world.CLIENT_ORG}/members"
    assert [q for path, q in asked if path == members] == [{}]


def test_a_next_page_off_the_api_is_not_followed(clara: TokenSet, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(
        snapchat_api, "call", lambda *a, **k: {"paging": {"next_link": "https://evil.test/v1/x"}}
    )
    with pytest.raises(ConnectorError, match="could not read"):
        snapchat_api.listed("me/organizations", clara, "organizations", "organization")


def test_a_member_who_is_not_admin_sees_their_account_but_cannot_share_it(sandbox: str):
    sam = issue_sandbox_tokens("sam")
    [main] = ADS.list_assets(sam, "snapchat_ads")
    assert main.external_id == world.MAIN_ACCOUNT and not main.grantable
    # Asked anyway, Snapchat refuses and the message says who can.
    with pytest.raises(InsufficientRights, match="admin of the organization"):
        ADS.grant(sam, asking("snapchat_ads", main, "REPORTS", agency()))


def test_an_ad_account_role_waits_for_the_invitation_to_be_accepted(
    clara: TokenSet, alex: TokenSet
):
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    request = asking("snapchat_ads", main, "GENERAL", agency(alex))

    outcome = ADS.grant(clara, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    assert "alex@demo-agency.example" in outcome.message
    organization, member_id, role_id, created_member, created_role = ref_parts(outcome.native_ref)
    assert organization == world.CLIENT_ORG and created_member and created_role
    invited = state.member(member_id)
    assert invited is not None and invited["member_status"] == "INVITED"
    # The prerequisite organization role and the level's ad account role, given at once.
    assert {(r["type"], r.get("ad_account_id")) for r in state.roles_of(member_id)} == {
        ("member", None),
        ("general", world.MAIN_ACCOUNT),
    }
    kept = ref(request, outcome)
    assert ADS.verify(kept, client_tokens=clara).state == GrantState.PENDING_AGENCY
    assert ADS.verify(kept).state == GrantState.PENDING_AGENCY  # the agency's side sees nothing yet

    accept(outcome)  # the agency's person accepts Snapchat's e-mail

    assert ADS.verify(kept, client_tokens=clara).state == GrantState.ACTIVE
    assert ADS.verify(kept).state == GrantState.ACTIVE  # the agency now sees the account
    # Asking again finds the member and the role rather than inviting twice (and, having
    # created neither this time, says so).
    again = ADS.grant(clara, request)
    assert again.state == GrantState.ACTIVE
    assert ref_parts(again.native_ref)[:3] == (organization, member_id, role_id)

    assert ADS.revoke(kept, client_tokens=clara).state == GrantState.REVOKED
    assert ADS.verify(kept, client_tokens=clara).state == GrantState.REVOKED
    assert state.member(member_id) is not None  # only the ad account role went
    assert role_id not in {r["id"] for r in state.roles_of(member_id)}
    # Revoking what is already gone is done, not an error.
    assert ADS.revoke(kept, client_tokens=clara).state == GrantState.REVOKED


def test_organization_membership_with_its_role_and_leaving(clara: TokenSet):
    [organization] = [o for o in BUSINESS.list_assets(clara, "snapchat_business") if o.grantable]
    request = asking("snapchat_business", organization, "ADMIN", agency())

    outcome = BUSINESS.grant(clara, request)

    assert outcome.state == GrantState.PENDING_AGENCY
    member_id = ref_parts(outcome.native_ref).member_id
    assert [r["type"] for r in state.roles_of(member_id)] == ["admin"]
    accept(outcome)
    kept = ref(request, outcome)
    assert BUSINESS.verify(kept, client_tokens=clara).state == GrantState.ACTIVE

    assert BUSINESS.revoke(kept, client_tokens=clara).state == GrantState.REVOKED
    assert state.member(member_id) is None  # left the organization, roles and all
    assert BUSINESS.verify(kept, client_tokens=clara).state == GrantState.REVOKED


def test_both_services_share_one_member(clara: TokenSet):
    business = BUSINESS.grant(
        clara,
        asking(
            "snapchat_business",
            BUSINESS.list_assets(clara, "snapchat_business")[0],
            "MEMBER",
            agency(),
        ),
    )
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    ads = ADS.grant(clara, asking("snapchat_ads", main, "REPORTS", agency()))
    member_id = ref_parts(ads.native_ref).member_id
    assert ref_parts(business.native_ref).member_id == member_id
    assert not ref_parts(ads.native_ref).created_member  # the Business grant invited them
    assert sorted(r["type"] for r in state.roles_of(member_id)) == ["member", "reports"]


def test_removing_the_member_in_business_manager_shows_as_revoked(clara: TokenSet):
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    request = asking("snapchat_ads", main, "CREATIVE", agency())
    outcome = ADS.grant(clara, request)
    state.remove_member(ref_parts(outcome.native_ref).member_id)

    assert ADS.verify(ref(request, outcome), client_tokens=clara).state == GrantState.REVOKED


def test_revoking_without_the_clients_sign_in_says_what_to_do(clara: TokenSet):
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    request = asking("snapchat_ads", main, "REPORTS", agency())
    outcome = ADS.revoke(ref(request, ADS.grant(clara, request)))
    assert outcome.state == GrantState.MANUAL_REQUIRED
    assert "Business Manager" in outcome.message and "alex@demo-agency.example" in outcome.message


def test_checking_needs_a_sign_in(sandbox: str):
    kept = GrantRef(
        "snapchat_ads",
        world.MAIN_ACCOUNT,
        f"organizations/{world.CLIENT_ORG}/members/m/roles/r",
        "general",
        agency(),
    )
    with pytest.raises(TokenExpired, match="needs a Snapchat sign-in"):
        ADS.verify(kept)


def test_an_agency_without_an_email_cannot_be_invited(clara: TokenSet):
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    nobody = agency()
    request = asking("snapchat_ads", main, "REPORTS", type(nobody)(account_id="x"))
    with pytest.raises(ConnectorError, match="no e-mail address"):
        ADS.grant(clara, request)


def test_an_expired_sign_in_and_the_rate_limit_say_what_to_do(sandbox: str):
    with pytest.raises(TokenExpired) as expired:
        ADS.list_assets(issue_sandbox_tokens("ed"), "snapchat_ads")
    assert expired.value.http_status == 401
    assert "connect Snapchat again" in expired.value.message

    with pytest.raises(RateLimited) as limited:
        ADS.list_assets(issue_sandbox_tokens("rita"), "snapchat_ads")
    assert not limited.value.permanent and limited.value.retry_after


def test_a_sign_in_without_the_marketing_scope_is_refused_before_any_call(sandbox: str):
    tokens = issue_sandbox_tokens("clara", declined=["snapchat-marketing-api"])
    with pytest.raises(MissingScope):
        ADS.list_assets(tokens, "snapchat_ads")


def test_the_calls_one_grant_makes(clara: TokenSet, monkeypatch):
    """What docs/platforms/snapchat.md#granting counts: a first ad account grant 5 calls, one
    for a member already there 2 or 3."""
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    sent: list[str] = []
    request = http.request

    def counted(method: str, url: str, **kwargs):
        sent.append(f"{method} {url.split('/v1/')[1].split('/', 2)[0]}")
        return request(method, url, **kwargs)

    monkeypatch.setattr(http, "request", counted)

    ADS.grant(clara, asking("snapchat_ads", main, "GENERAL", agency()))
    assert sent == [
        "GET organizations",  # its members: is the agency's person there already?
        "POST organizations",  # members: the invitation
        "GET members",  # the member's roles
        "POST organizations",  # roles: the organization role member
        "POST adaccounts",  # roles: the ad account role, under its ad account
    ]
    sent.clear()
    promo = pick(ADS.list_assets(clara, "snapchat_ads"), world.PROMO_ACCOUNT)
    sent.clear()
    ADS.grant(clara, asking("snapchat_ads", promo, "REPORTS", agency()))
    assert sent == ["GET organizations", "GET members", "POST adaccounts"]


# Revoking takes away only what AgencyAccess created


def _already_a_member(*org_roles: str, ad_account_roles: dict[str, str] | None = None) -> str:
    """The agency's person, put in Clara Bikes by the client by hand before any grant."""
    member = state.invite(world.CLIENT_ORG, AGENCY_EMAIL, "Alex Agent")
    for role_type in org_roles:
        state.add_role(member["id"], world.CLIENT_ORG, role_type)
    for account, role_type in (ad_account_roles or {}).items():
        state.add_role(member["id"], world.CLIENT_ORG, role_type, account)
    return str(member["id"])


def _business(clara: TokenSet, level: str) -> tuple[GrantRef, str]:
    organization = pick(BUSINESS.list_assets(clara, "snapchat_business"), world.CLIENT_ORG)
    request = asking("snapchat_business", organization, level, agency())
    outcome = BUSINESS.grant(clara, request)
    return ref(request, outcome), ref_parts(outcome.native_ref).member_id


def test_a_member_who_was_there_before_keeps_their_membership(clara: TokenSet):
    member_id = _already_a_member("member", ad_account_roles={world.PROMO_ACCOUNT: "reports"})
    kept, granted_to = _business(clara, "ADMIN")
    assert granted_to == member_id and not ref_parts(kept.native_ref).created_member

    assert BUSINESS.revoke(kept, client_tokens=clara).state == GrantState.REVOKED

    # Only the role AgencyAccess gave went; their own roles stay.
    assert sorted(r["type"] for r in state.roles_of(member_id)) == ["member", "reports"]


def test_access_that_was_there_before_is_left_to_the_client(clara: TokenSet):
    member_id = _already_a_member("member", ad_account_roles={world.MAIN_ACCOUNT: "general"})
    kept, _member = _business(clara, "MEMBER")
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    request = asking("snapchat_ads", main, "GENERAL", agency())
    ads = ref(request, ADS.grant(clara, request))

    for connector, grant in ((BUSINESS, kept), (ADS, ads)):
        outcome = connector.revoke(grant, client_tokens=clara)
        assert outcome.state == GrantState.MANUAL_REQUIRED
        assert AGENCY_EMAIL in outcome.message and "Business Manager" in outcome.message
    assert len(state.roles_of(member_id)) == 2


def test_revoking_business_keeps_the_roles_an_ads_grant_needs(clara: TokenSet):
    kept, member_id = _business(clara, "MEMBER")  # invited, with the role member
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    request = asking("snapchat_ads", main, "REPORTS", agency())
    ads = ref(request, ADS.grant(clara, request))

    # The role member is the one organization role the ad account role needs: left to the client.
    assert BUSINESS.revoke(kept, client_tokens=clara).state == GrantState.MANUAL_REQUIRED
    assert ADS.verify(ads, client_tokens=clara).state == GrantState.PENDING_AGENCY

    admin, _same = _business(clara, "ADMIN")
    assert BUSINESS.revoke(admin, client_tokens=clara).state == GrantState.REVOKED
    assert sorted(r["type"] for r in state.roles_of(member_id)) == ["member", "reports"]


def test_a_reference_kept_before_creation_was_recorded_is_left_to_the_client(clara: TokenSet):
    kept, member_id = _business(clara, "ADMIN")
    old_form = kept.native_ref.split("/created/")[0]
    outcome = BUSINESS.revoke(dataclasses.replace(kept, native_ref=old_form), client_tokens=clara)
    assert outcome.state == GrantState.MANUAL_REQUIRED
    assert state.member(member_id) is not None


def test_e3004_from_a_client_who_may_not_remove_is_not_revoked(clara: TokenSet):
    main = pick(ADS.list_assets(clara, "snapchat_ads"), world.MAIN_ACCOUNT)
    request = asking("snapchat_ads", main, "CREATIVE", agency())
    kept = ref(request, ADS.grant(clara, request))
    sam = issue_sandbox_tokens("sam")  # a member of Clara Bikes, no longer an admin

    with pytest.raises(InsufficientRights, match="admin of the organization") as refused:
        ADS.revoke(kept, client_tokens=sam)
    assert refused.value.platform_code == "E3004" and AGENCY_EMAIL in refused.value.message
    assert ref_parts(kept.native_ref).role_id in {
        r["id"] for r in state.roles_of(ref_parts(kept.native_ref).member_id)
    }


def test_a_business_admin_can_share(sandbox: str):
    bea = issue_sandbox_tokens("bea")
    main = pick(ADS.list_assets(bea, "snapchat_ads"), world.MAIN_ACCOUNT)
    assert main.grantable
    outcome = ADS.grant(bea, asking("snapchat_ads", main, "REPORTS", agency()))
    assert outcome.state == GrantState.PENDING_AGENCY
