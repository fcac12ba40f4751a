"""The Microsoft identity platform sign-in against the sandbox: the authorize URL, the code
exchange with PKCE, refresh token rotation and the agency's customers
(docs/platforms/microsoft.md#sign-in)."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from agencyaccess.platforms.base import TokenExpired
from agencyaccess.platforms.microsoft import INTEGRATION
from agencyaccess.platforms.microsoft.sandbox import world
from agencyaccess.platforms.microsoft.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX
CLIENT = INTEGRATION.client
SCOPES = ["https://ads.microsoft.com/msads.manage", "offline_access"]
VERIFIER = "v" * 50


def challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_in(site: str, person: str, *, action: str = "accept") -> dict[str, list[str]]:
    """Answer the sandbox's sign-in page as this person; what it sends back."""
    url = CLIENT.authorize_url(
        state="s1",
        redirect_uri=f"{site}/oauth/microsoft/callback/",
        scopes=CLIENT.scopes_for(["microsoft_ads"]),
        code_challenge=challenge(VERIFIER),
    )
    form = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    assert httpx.get(url).status_code == 200
    answer = httpx.post(url.split("?")[0], data=form | {"person": person, "action": action})
    assert answer.status_code == 302
    return parse_qs(urlsplit(answer.headers["location"]).query)


def test_the_authorize_url_asks_for_the_ads_scope_offline_with_pkce(sandbox: str):
    url = CLIENT.authorize_url(
        state="s1", redirect_uri="https://x/cb", scopes=SCOPES, code_challenge="abc"
    )
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{sandbox}/sandbox/microsoft/common/oauth2/v2.0/authorize?")
    assert query["scope"] == [" ".join(SCOPES)]
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"]
    assert CLIENT.scopes_for(["microsoft_ads"]) == SCOPES


def test_a_sign_in_gives_tokens_and_says_who_signed_in(sandbox: str):
    answer = sign_in(sandbox, "clara")
    assert answer["state"] == ["s1"]

    tokens = CLIENT.exchange_code(
        code=answer["code"][0],
        redirect_uri=f"{sandbox}/oauth/microsoft/callback/",
        code_verifier=VERIFIER,
    )

    assert tokens.subject_id == "500001"
    assert tokens.email == "clara@clara-bikes.example"
    assert tokens.name == "Clara Jansen"
    assert "https://ads.microsoft.com/msads.manage" in tokens.scopes
    assert tokens.refresh_token and tokens.expires_at


def test_a_code_with_the_wrong_verifier_or_used_twice_is_refused(sandbox: str):
    code = sign_in(sandbox, "clara")["code"][0]
    callback = f"{sandbox}/oauth/microsoft/callback/"
    with pytest.raises(TokenExpired):
        CLIENT.exchange_code(code=code, redirect_uri=callback, code_verifier="w" * 50)
    code = sign_in(sandbox, "clara")["code"][0]
    CLIENT.exchange_code(code=code, redirect_uri=callback, code_verifier=VERIFIER)
    with pytest.raises(TokenExpired):
        CLIENT.exchange_code(code=code, redirect_uri=callback, code_verifier=VERIFIER)


def test_declining_sends_the_person_back_with_access_denied(sandbox: str):
    answer = sign_in(sandbox, "clara", action="cancel")
    assert answer["error"] == ["access_denied"]
    assert answer["state"] == ["s1"]


def test_refresh_tokens_rotate(sandbox: str):
    tokens = INTEGRATION.sandbox_sign_in("clara")

    fresh = CLIENT.refresh(tokens)

    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token != tokens.refresh_token
    assert fresh.email == tokens.email
    with pytest.raises(TokenExpired):
        CLIENT.refresh(tokens)  # the old refresh token is spent


def test_the_agency_picks_among_the_customers_it_belongs_to(sandbox: str):
    signed_in = CLIENT.agency_sign_in(INTEGRATION.sandbox_sign_in(world.AGENCY_PERSON))

    assert signed_in.options is not None
    assert signed_in.options.key == "manager_customer_id"
    assert [value for value, _label in signed_in.options.values] == ["3000001"]


def test_credentials_switch_to_microsoft_and_turn_the_sandbox_off(sandbox: str, settings):
    settings.MICROSOFT_CLIENT_ID = "real-app"
    settings.MICROSOFT_ADS_DEVELOPER_TOKEN = "dev-token"

    config = CLIENT.config()

    assert not config.sandbox
    assert config.authorize_url == (
        "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"
    )
    assert config.token_url == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    assert httpx.post(f"{sandbox}/sandbox/microsoft/common/oauth2/v2.0/token").status_code == 404
