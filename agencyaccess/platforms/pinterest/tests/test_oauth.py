"""Pinterest's OAuth against the sandbox: the authorize URL, the code exchange with the app's
credentials as HTTP Basic, continuous refresh tokens and the agency's businesses
(docs/platforms/pinterest.md#sign-in)."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from agencyaccess.platforms.base import ConnectorError, TokenExpired, TokenSet
from agencyaccess.platforms.pinterest import INTEGRATION, config
from agencyaccess.platforms.pinterest.sandbox import world
from agencyaccess.platforms.pinterest.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX
CLIENT = INTEGRATION.client
SCOPES = ["biz_access:read", "biz_access:write", "ads:read", "user_accounts:read"]


def sign_in(site: str, person: str, *, action: str = "allow") -> dict[str, list[str]]:
    """Answer the sandbox's consent page as this person; what it sends back."""
    url = CLIENT.authorize_url(
        state="s1",
        redirect_uri=f"{site}/oauth/pinterest/callback/",
        scopes=CLIENT.scopes_for(["pinterest_ads"]),
    )
    form = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    assert httpx.get(url).status_code == 200
    answer = httpx.post(url.split("?")[0], data=form | {"person": person, "action": action})
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["location"]).query)


def test_the_authorize_url_asks_for_business_access_with_commas(sandbox: str):
    url = CLIENT.authorize_url(state="s1", redirect_uri="https://x/cb", scopes=SCOPES)
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{sandbox}/sandbox/pinterest/oauth/?")
    assert query["scope"] == [",".join(SCOPES)]
    assert (query["response_type"], query["client_id"]) == (["code"], ["1500001"])
    assert CLIENT.scopes_for(["pinterest_ads"]) == SCOPES


def test_a_sign_in_gives_tokens_and_says_who_signed_in(sandbox: str):
    answer = sign_in(sandbox, "paula")
    assert answer["state"] == ["s1"]

    tokens = CLIENT.exchange_code(
        code=answer["code"][0], redirect_uri=f"{sandbox}/oauth/pinterest/callback/"
    )

    assert (tokens.subject_id, tokens.name) == (world.PEOPLE["paula"].id, "Paula's Pottery")
    assert tokens.scopes == frozenset(SCOPES)
    assert tokens.refresh_token and tokens.expires_at
    # The sandbox app predates continuous refresh tokens: the exchange asked for one.
    assert CLIENT.refresh(tokens).refresh_token != tokens.refresh_token
    # A code works once.
    with pytest.raises(TokenExpired):
        CLIENT.exchange_code(
            code=answer["code"][0], redirect_uri=f"{sandbox}/oauth/pinterest/callback/"
        )


def test_declining_sends_the_person_back_with_access_denied(sandbox: str):
    assert sign_in(sandbox, "paula", action="cancel")["error"] == ["access_denied"]


def test_a_refresh_renews_both_tokens_and_the_old_refresh_token_stops_working(paula: TokenSet):
    fresh = CLIENT.refresh(paula)

    assert fresh.access_token != paula.access_token
    assert fresh.refresh_token != paula.refresh_token
    assert fresh.subject_id == paula.subject_id
    with pytest.raises(TokenExpired, match="connect Pinterest again") as dead:
        CLIENT.refresh(paula)
    assert (dead.value.platform_code, dead.value.http_status) == ("283", 401)


def test_wrong_app_credentials_are_not_an_expired_sign_in(paula: TokenSet, monkeypatch):
    monkeypatch.setattr(config, "SANDBOX_CLIENT_SECRET", "wrong")  # what the app sends

    with pytest.raises(ConnectorError) as refused:
        CLIENT.refresh(paula)

    assert type(refused.value) is ConnectorError
    assert (refused.value.platform_code, refused.value.http_status) == ("2", 401)


def test_the_agencys_sign_in_offers_the_businesses_it_administers(alex: TokenSet):
    sign_in_ = CLIENT.agency_sign_in(alex)
    assert sign_in_.options is not None and sign_in_.options.key == "business_id"
    assert sign_in_.options.values == ((world.AGENCY_BUSINESS, "demoagency"),)
    assert not sign_in_.note


def test_the_setup_check_refreshes_and_checks_scopes(alex: TokenSet):
    checks = INTEGRATION.check_setup(alex, {"business_id": world.AGENCY_BUSINESS})
    assert all(check.ok for check in checks), checks
