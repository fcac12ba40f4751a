"""Snap's sign-in against the sandbox: the authorize URL, the code exchange, refreshing, the
agency's person and the setup checks (docs/platforms/snapchat.md#sign-in)."""

import dataclasses
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from agencyaccess.platforms.base import ConnectorError, TokenExpired, TokenSet
from agencyaccess.platforms.snapchat import INTEGRATION, client, config
from agencyaccess.platforms.snapchat.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX
CLIENT = INTEGRATION.client


def sign_in(site: str, person: str, *, action: str = "accept") -> dict[str, list[str]]:
    """Answer the sandbox's sign-in page as this person; what it sends back."""
    url = CLIENT.authorize_url(
        state="s1",
        redirect_uri=f"{site}/oauth/snapchat/callback/",
        scopes=CLIENT.scopes_for(["snapchat_ads"]),
    )
    form = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    assert httpx.get(url).status_code == 200
    answer = httpx.post(url.split("?")[0], data=form | {"person": person, "action": action})
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["location"]).query)


def test_the_authorize_url_asks_for_the_marketing_api(sandbox: str):
    url = CLIENT.authorize_url(state="s1", redirect_uri="https://x/cb", scopes=["a"])
    assert url.startswith(f"{sandbox}/sandbox/snapchat/login/oauth2/authorize?")
    assert CLIENT.scopes_for(["snapchat_ads", "snapchat_business"]) == ["snapchat-marketing-api"]
    assert parse_qs(urlsplit(url).query)["response_type"] == ["code"]


def test_a_sign_in_gives_tokens_and_says_who_signed_in(sandbox: str):
    answer = sign_in(sandbox, "clara")
    assert answer["state"] == ["s1"]

    tokens = CLIENT.exchange_code(
        code=answer["code"][0], redirect_uri=f"{sandbox}/oauth/snapchat/callback/"
    )

    # The sandbox leaves `scope` out, as RFC 6749 allows when it is the one asked: the scope
    # asked is what the person allowed.
    assert tokens.scopes == {"snapchat-marketing-api"}
    assert (tokens.email, tokens.name) == ("clara@clara-bikes.example", "Clara Jansen")
    assert tokens.refresh_token and tokens.expires_at
    # A code is exchanged once.
    with pytest.raises(TokenExpired):
        CLIENT.exchange_code(
            code=answer["code"][0], redirect_uri=f"{sandbox}/oauth/snapchat/callback/"
        )


def test_a_declined_sign_in_comes_back_as_access_denied(sandbox: str):
    assert sign_in(sandbox, "clara", action="cancel")["error"] == ["access_denied"]


def test_refreshing_keeps_the_refresh_token_and_a_dead_one_means_signing_in_again(
    clara: TokenSet,
):
    fresh = CLIENT.refresh(clara)
    assert fresh.access_token != clara.access_token
    assert fresh.refresh_token == clara.refresh_token
    assert fresh.email == clara.email

    with pytest.raises(TokenExpired, match="connect Snapchat again"):
        CLIENT.refresh(TokenSet("x", refresh_token="unknown"))


def test_a_wrong_app_secret_is_an_installation_problem(clara: TokenSet, monkeypatch):
    wrong = dataclasses.replace(config.snapchat_settings(), client_secret="not-the-secret")
    monkeypatch.setattr(client, "snapchat_settings", lambda: wrong)

    with pytest.raises(ConnectorError, match="administrator of this installation") as refused:
        CLIENT.refresh(clara)
    assert not isinstance(refused.value, TokenExpired)
    assert (refused.value.platform_code, refused.value.http_status) == ("invalid_client", 401)


def test_the_agency_sign_in_is_the_person_clients_invite(alex: TokenSet):
    signed_in = CLIENT.agency_sign_in(alex)
    assert (signed_in.email, signed_in.name) == ("alex@demo-agency.example", "Alex Agent")


def test_the_setup_checks_read_the_person_and_their_organizations(alex: TokenSet):
    checks = INTEGRATION.check_setup(alex)
    assert all(check.ok for check in checks)
    labels = {check.label: check.detail for check in checks}
    assert labels["Agency's person (/v1/me)"] == "clients invite alex@demo-agency.example"
    assert labels["Organizations (/v1/me/organizations)"] == "Demo Agency"
