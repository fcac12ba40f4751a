"""HubSpot's OAuth against the sandbox: the install URL, the code exchange with the account and
user it is for, refresh, revocation, the agency's account, the setup checks and the switch to the
real API (docs/platforms/hubspot.md#sign-in)."""

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from agencyaccess.platforms.base import ConnectorError, TokenExpired
from agencyaccess.platforms.hubspot import INTEGRATION, client
from agencyaccess.platforms.hubspot.config import hubspot_settings
from agencyaccess.platforms.hubspot.sandbox import world
from agencyaccess.platforms.hubspot.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX
CLIENT = INTEGRATION.client
SCOPES = ["oauth", "settings.users.read", "settings.users.write"]


def install_url(site: str, scopes: list[str] = SCOPES) -> str:
    return CLIENT.authorize_url(
        state="s1", redirect_uri=f"{site}/oauth/hubspot/callback/", scopes=scopes
    )


def install(site: str, person: str, *, action: str = "connect") -> dict[str, list[str]]:
    """Answer the sandbox's install page as this person; what it sends back."""
    url = install_url(site)
    form = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    assert httpx.get(url).status_code == 200
    answer = httpx.post(url.split("?")[0], data=form | {"person": person, "action": action})
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["location"]).query)


def test_the_install_url_asks_for_oauth_and_the_users_scopes(sandbox: str):
    assert CLIENT.scopes_for(["hubspot_partner"]) == SCOPES
    url = CLIENT.authorize_url(state="s1", redirect_uri="https://x/cb", scopes=SCOPES)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{sandbox}/sandbox/hubspot/oauth/authorize?")
    assert "scope=oauth%20settings.users.read%20settings.users.write&" in url
    assert query["scope"] == ["oauth settings.users.read settings.users.write"]
    assert set(query) == {"client_id", "redirect_uri", "scope", "state"}


def test_an_install_url_without_a_required_scope_fails_as_on_hubspot(sandbox: str):
    without_oauth = httpx.get(install_url(sandbox, SCOPES[1:]))
    assert without_oauth.status_code == 400
    assert "the provided scopes are insufficient" in without_oauth.text
    unknown = httpx.get(install_url(sandbox, [*SCOPES, "crm.objects.contacts.read"]))
    assert "mismatch between the scopes" in unknown.text


def test_an_install_gives_tokens_and_says_who_installed_it(sandbox: str):
    answer = install(sandbox, "clara")
    assert answer["state"] == ["s1"]
    callback = f"{sandbox}/oauth/hubspot/callback/"

    tokens = CLIENT.exchange_code(code=answer["code"][0], redirect_uri=callback)

    assert (tokens.subject_id, tokens.email) == ("4100001", "clara@clara-bikes.example")
    assert tokens.scopes == frozenset(SCOPES)
    assert tokens.refresh_token and tokens.expires_at
    with pytest.raises(TokenExpired):  # a code works once
        CLIENT.exchange_code(code=answer["code"][0], redirect_uri=callback)


def test_declining_sends_the_person_back_with_access_denied(sandbox: str):
    answer = install(sandbox, "clara", action="cancel")
    assert (answer["error"], answer["state"]) == (["access_denied"], ["s1"])


def test_refresh_gives_a_new_access_token_and_keeps_the_refresh_token(sandbox: str):
    tokens = INTEGRATION.sandbox_sign_in("clara")

    fresh = CLIENT.refresh(tokens)

    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token == tokens.refresh_token
    CLIENT.revoke_token(tokens)
    with pytest.raises(TokenExpired):
        CLIENT.refresh(tokens)


def test_the_agencys_sign_in_names_its_own_account(sandbox: str):
    signed_in = CLIENT.agency_sign_in(INTEGRATION.sandbox_sign_in(world.AGENCY_PERSON))

    assert signed_in.email == "alex@demo-agency.example"
    assert signed_in.fields == {"partner_id": str(world.AGENCY_HUB_ID)}
    assert signed_in.name == "demo-agency.example"


def test_the_setup_checks_read_what_hubspot_says_of_the_token(sandbox: str):
    checks = INTEGRATION.check_setup(INTEGRATION.sandbox_sign_in(world.AGENCY_PERSON))

    assert all(check.ok for check in checks), checks
    labels = [check.label for check in checks]
    assert labels == [
        "App credentials",
        "Scopes for hubspot_partner",
        "HubSpot account",
        "Scopes HubSpot holds for the app",
    ]
    assert "hub 30000001" in checks[2].detail


def test_wrong_app_credentials_are_said_so(sandbox: str, monkeypatch):
    tokens = INTEGRATION.sandbox_sign_in("clara")
    wrong = replace(hubspot_settings(), client_secret="wrong")
    monkeypatch.setattr(client, "hubspot_settings", lambda: wrong)

    with pytest.raises(ConnectorError) as refused:
        CLIENT.refresh(tokens)

    assert refused.value.platform_code == "invalid_client"
    assert "check its HubSpot app settings" in refused.value.message


def test_credentials_switch_to_hubspot_and_turn_the_sandbox_off(sandbox: str, settings):
    settings.HUBSPOT_CLIENT_ID = "real-app"

    config = CLIENT.config()

    assert not config.sandbox
    assert config.authorize_url == "https://app.hubspot.com/oauth/authorize"
    assert config.token_url == "https://api.hubapi.com/oauth/2026-03/token"
    assert httpx.post(f"{sandbox}/sandbox/hubspot/oauth/2026-03/token").status_code == 404
