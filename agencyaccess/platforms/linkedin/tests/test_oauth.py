"""LinkedIn's sign-in against the sandbox: the authorization page, the code exchange with the
member's identity, refresh, revocation, and the agency's member id."""

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from agencyaccess.platforms import registry
from agencyaccess.platforms.base import ConnectorError, TokenExpired, TokenSet
from agencyaccess.platforms.linkedin import INTEGRATION
from agencyaccess.platforms.linkedin.sandbox import issue_sandbox_tokens, state
from agencyaccess.platforms.linkedin.tests.cast import ALEX, LIVE_SANDBOX

pytestmark = LIVE_SANDBOX
CLIENT = INTEGRATION.client


def consent(sandbox: str, scopes: list[str], *, action: str = "allow") -> dict[str, list[str]]:
    """Answer the authorization page as Alex, in a browser that keeps its CSRF cookie."""
    callback = f"{sandbox}/oauth/linkedin/callback/"
    url = CLIENT.authorize_url(state="s1", redirect_uri=callback, scopes=scopes)
    form = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    with httpx.Client() as browser:
        page = browser.get(url)
        assert page.status_code == 200 and "Alex Agency" in page.text
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert csrf is not None
        answer = browser.post(
            url.split("?")[0],
            data={**form, "person": "alex", "action": action, "csrfmiddlewaretoken": csrf[1]},
        )
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["Location"]).query)


def test_the_scopes_are_the_services_and_who_signed_in():
    assert CLIENT.scopes_for(["linkedin_ads"]) == ["email", "openid", "profile", "rw_ads"]
    assert "rw_organization_admin" in CLIENT.scopes_for(["linkedin_company_page"])


def test_a_code_becomes_tokens_naming_the_member(sandbox: str):
    scopes = CLIENT.scopes_for(["linkedin_ads", "linkedin_company_page"])
    query = consent(sandbox, scopes)
    assert query["state"] == ["s1"]

    tokens = CLIENT.exchange_code(
        code=query["code"][0], redirect_uri=f"{sandbox}/oauth/linkedin/callback/"
    )

    assert (tokens.subject_id, tokens.email, tokens.name) == (ALEX.id, ALEX.email, ALEX.name)
    assert tokens.scopes == frozenset(scopes)
    assert tokens.refresh_token and tokens.expires_at is not None
    signed_in = registry.agency_sign_in("linkedin", tokens)
    assert signed_in.fields == {"person_id": ALEX.id}


def test_a_code_is_good_once(sandbox: str):
    callback = f"{sandbox}/oauth/linkedin/callback/"
    code = consent(sandbox, ["openid", "rw_ads"])["code"][0]
    CLIENT.exchange_code(code=code, redirect_uri=callback)
    with pytest.raises(ConnectorError, match="did not accept this sign-in"):
        CLIENT.exchange_code(code=code, redirect_uri=callback)


def test_cancelling_and_unknown_scopes_come_back_as_errors(sandbox: str):
    assert consent(sandbox, ["openid"], action="cancel")["error"] == ["user_cancelled_authorize"]
    url = CLIENT.authorize_url(
        state="s", redirect_uri=f"{sandbox}/cb/", scopes=["openid", "w_member_social_feed"]
    )
    answer = httpx.get(url)
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == [
        "unauthorized_scope_error"
    ]


def test_refresh_and_revocation(alex: TokenSet):
    fresh = CLIENT.refresh(alex)
    assert fresh.access_token != alex.access_token and fresh.subject_id == ALEX.id

    CLIENT.revoke_token(fresh)
    assert state.valid_token(fresh.access_token) is None


def test_an_expired_sign_in_without_refresh_token_needs_a_new_one(sandbox: str):
    old = issue_sandbox_tokens("old")
    with pytest.raises(TokenExpired):
        CLIENT.refresh(TokenSet(access_token=old.access_token, expires_at=old.expires_at))
    with pytest.raises(TokenExpired):
        CLIENT.refresh(old)  # the refresh token is dead too
