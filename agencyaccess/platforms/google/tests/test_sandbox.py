"""The sandbox's own pages and its contract details: Google's error envelope, the switches, the
reset, and staying off once real Google credentials are configured."""

import pytest

from agencyaccess.platforms.google.analytics import ADMIN_API, GoogleAnalytics
from agencyaccess.platforms.google.config import SANDBOX_CLIENT_ID
from agencyaccess.platforms.google.sandbox import gaql, inbox, issue_sandbox_tokens, state
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, JANE, OLIVE
from agencyaccess.platforms.google.tests.cast import LIVE_SANDBOX, agency, asking, pick


@pytest.fixture
def visitor(db, settings, client):
    """Someone not signed in, through Django's test client: no live server needed."""
    settings.GOOGLE_CLIENT_ID = ""
    return client


@pytest.fixture
def pages(visitor, django_user_model):
    """The sandbox's pages, as someone signed in to the install sees them."""
    visitor.force_login(django_user_model.objects.create_user("alice@example.org", "password"))
    return visitor


def test_the_home_page_shows_the_people_and_the_switches(pages):
    page = pages.get("/sandbox/google/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Google sandbox" in html
    assert "Jane Doe" in html and "every change he makes is rate limited" in html
    assert "Merchant Center: the Cloud project is registered" in html


def test_a_switch_can_be_turned_off_and_on(pages):
    pages.post("/sandbox/google/knobs/", {"name": "merchant_registered", "on": "0"})
    assert state.knob("merchant_registered") is False

    pages.post("/sandbox/google/knobs/", {"name": "merchant_registered", "on": "1"})
    assert state.knob("merchant_registered") is True

    assert pages.post("/sandbox/google/knobs/", {"name": "nope", "on": "1"}).status_code == 404


def test_the_switches_the_reset_and_the_inbox_are_for_people_signed_in(visitor):
    state.ensure_world()
    for method, path, data in [
        ("post", "/sandbox/google/knobs/", {"name": "merchant_registered", "on": "0"}),
        ("post", "/sandbox/google/reset/", {}),
        ("get", "/sandbox/google/inbox/", {"email": DEMO_AGENCY}),
        ("post", "/sandbox/google/inbox/", {"email": DEMO_AGENCY, "item": "x", "action": "accept"}),
    ]:
        answer = getattr(visitor, method)(path, data)
        assert answer.status_code == 302
        assert answer.url.startswith(f"/account/login/?next={path}")
    assert state.knob("merchant_registered") is True


def test_the_sign_in_pages_stay_open_to_clients(visitor, settings):
    query = {
        "client_id": SANDBOX_CLIENT_ID,
        "redirect_uri": f"{settings.SITE_URL}/oauth/google/callback/",
        "response_type": "code",
        "scope": "openid email https://www.googleapis.com/auth/adwords",
    }
    consent = visitor.get("/sandbox/google/oauth/authorize", query)
    assert consent.status_code == 200
    assert "Jane Doe" in consent.content.decode()


def test_the_inbox_lists_what_waits_with_buttons(pages):
    state.ensure_world()
    state.put(
        "merchant_user",
        f"5001/{DEMO_AGENCY}",
        {"account": "5001", "email": DEMO_AGENCY, "state": "PENDING", "accessRights": ["ADMIN"]},
    )

    page = pages.get("/sandbox/google/inbox/", {"email": DEMO_AGENCY})

    html = page.content.decode()
    assert "Invitation to Merchant Center account 5001 (ADMIN)" in html
    assert 'value="accept"' in html


def test_the_inbox_answers_only_what_waits_for_that_address(pages):
    state.ensure_world()
    state.put(
        "merchant_user",
        f"5001/{DEMO_AGENCY}",
        {"account": "5001", "email": DEMO_AGENCY, "state": "PENDING", "accessRights": ["ADMIN"]},
    )
    [item] = inbox.pending_for(DEMO_AGENCY)

    refused = pages.post(
        "/sandbox/google/inbox/", {"email": JANE, "item": item.id, "action": "accept"}
    )

    assert refused.status_code == 404
    assert state.get("merchant_user", f"5001/{DEMO_AGENCY}") == {
        "account": "5001",
        "email": DEMO_AGENCY,
        "state": "PENDING",
        "accessRights": ["ADMIN"],
    }


def test_the_sandbox_is_off_with_real_google_credentials(pages, settings):
    settings.GOOGLE_CLIENT_ID = "real-id.apps.googleusercontent.com"

    assert pages.get("/sandbox/google/").status_code == 404
    assert pages.get("/sandbox/google/tagmanager/v2/accounts").status_code == 404


def test_errors_come_in_googles_envelope(pages):
    answer = pages.get("/sandbox/google/tagmanager/v2/accounts")

    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["code"] == 401
    assert error["status"] == "UNAUTHENTICATED"
    assert error["errors"][0]["reason"] == "authError"  # the discovery-era APIs add it


def test_an_unknown_gaql_resource_is_a_query_error(pages, settings):
    settings.SITE_URL = "http://testserver"
    tokens = issue_sandbox_tokens(JANE)

    answer = pages.post(
        "/sandbox/google/ads/v26/customers/1111111111/googleAds:search",
        {"query": "SELECT campaign.id FROM campaign"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens.access_token}", "developer-token": "x"},
    )

    assert answer.status_code == 400
    failure = answer.json()["error"]["details"][0]
    assert failure["@type"].endswith("GoogleAdsFailure")


@pytest.mark.parametrize(
    ("who", "customer", "knob_on", "expected"),
    [
        (OLIVE, "1111111111", True, (401, "UNAUTHENTICATED", "authenticationError", "NOT_ADS_USER")),
        (JANE, "1111111100", True, (403, "PERMISSION_DENIED", "authorizationError", "CUSTOMER_NOT_ENABLED")),
        (JANE, "1111111111", False, (403, "PERMISSION_DENIED", "authorizationError", "DEVELOPER_TOKEN_NOT_APPROVED")),
    ],
)  # fmt: skip
def test_ads_refusals_carry_google_ads_error_codes(
    pages, settings, who, customer, knob_on, expected
):
    """What Google Ads answers for a Google account without Google Ads, a cancelled account and
    a Test Account level developer token: the HTTP status alone does not tell them apart."""
    settings.SITE_URL = "http://testserver"
    state.set_knob("ads_developer_token_basic", knob_on)
    tokens = issue_sandbox_tokens(who)

    answer = pages.post(
        f"/sandbox/google/ads/v26/customers/{customer}/googleAds:search",
        {"query": "SELECT customer.id FROM customer"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens.access_token}", "developer-token": "x"},
    )

    error = answer.json()["error"]
    [failure] = error["details"]
    [(family, code)] = failure["errors"][0]["errorCode"].items()
    assert (answer.status_code, error["status"], family, code) == expected
    assert failure["@type"].endswith("GoogleAdsFailure")


def test_a_google_account_without_google_ads_cannot_list_accounts(pages, settings):
    settings.SITE_URL = "http://testserver"
    tokens = issue_sandbox_tokens(OLIVE)

    answer = pages.get(
        "/sandbox/google/ads/v26/customers:listAccessibleCustomers",
        headers={"Authorization": f"Bearer {tokens.access_token}", "developer-token": "x"},
    )

    assert answer.status_code == 401
    assert answer.json()["error"]["details"][0]["errors"][0]["errorCode"] == {
        "authenticationError": "NOT_ADS_USER"
    }


def test_gaql_filters_and_projects_rows():
    query = gaql.parse(
        "SELECT customer_client.id FROM customer_client WHERE customer_client.level <= 1 "
        "AND customer_client.manager = 'x'"
    )
    rows = [
        {"customer_client.resource_name": "a", "customer_client.id": "1", "customer_client.level": "1", "customer_client.manager": "x"},
        {"customer_client.resource_name": "b", "customer_client.id": "2", "customer_client.level": "2", "customer_client.manager": "x"},
    ]  # fmt: skip

    assert gaql.run(query, rows) == [{"customerClient": {"resourceName": "a", "id": "1"}}]


@LIVE_SANDBOX
def test_a_reset_restores_the_world_and_keeps_sign_ins(jane):
    connector = GoogleAnalytics()
    prop = pick(connector.list_assets(jane, "google_analytics"), "properties/2001")
    outcome = connector.grant(jane, asking("google_analytics", prop, "EDITOR", agency()))

    state.reset()

    assert state.get("ga_binding", outcome.native_ref) is None
    bindings = ADMIN_API.call("GET", "/v1alpha/properties/2001/accessBindings", jane)
    assert [b["user"] for b in bindings["accessBindings"]] == [JANE]
