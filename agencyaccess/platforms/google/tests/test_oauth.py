"""Google's sign-in against the sandbox: the consent page in a browser-like client, the code
exchange, refresh and revocation over HTTP."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from agencyaccess.platforms.base import ConnectorError, TokenExpired
from agencyaccess.platforms.google.client import GoogleClient
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens
from agencyaccess.platforms.google.sandbox.world import ERIN, JANE
from agencyaccess.platforms.google.scopes import (
    ADWORDS,
    ANALYTICS_MANAGE_USERS,
    ANALYTICS_READONLY,
    IDENTITY,
    USERINFO_EMAIL,
)
from agencyaccess.platforms.google.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX
GOOGLE = GoogleClient()


def test_the_sign_in_asks_for_offline_access_with_pkce(sandbox):
    url = GOOGLE.authorize_url(
        state="the-state",
        redirect_uri=_callback(sandbox),
        scopes=GOOGLE.scopes_for(["google_ads"]),
        code_challenge="the-challenge",
        login_hint=JANE,
    )

    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}"
        == sandbox + "/sandbox/google/oauth/authorize"
    )
    assert _query(url) == {
        "client_id": "sandbox-google-client",
        "redirect_uri": _callback(sandbox),
        "response_type": "code",
        "scope": f"{ADWORDS} openid email profile",
        "state": "the-state",
        "access_type": "offline",
        "include_granted_scopes": "true",
        "prompt": "consent",
        "code_challenge": "the-challenge",
        "code_challenge_method": "S256",
        "login_hint": JANE,
    }


def test_scopes_are_those_of_the_services_plus_the_sign_in():
    assert GOOGLE.scopes_for(["google_analytics", "google_ads", "google_ads_mcc"]) == [
        ADWORDS,
        ANALYTICS_MANAGE_USERS,
        ANALYTICS_READONLY,
        *IDENTITY,
    ]


def test_real_credentials_switch_to_googles_endpoints(settings):
    settings.GOOGLE_CLIENT_ID = "real-id.apps.googleusercontent.com"
    settings.GOOGLE_CLIENT_SECRET = "real-secret"
    settings.GOOGLE_URLS = {"token": "https://staging.example/token/"}

    config = GOOGLE.config()

    assert not config.sandbox
    assert config.client_id == "real-id.apps.googleusercontent.com"
    assert config.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert config.token_url == "https://staging.example/token"


def test_the_consent_page_lists_the_fake_people_and_the_permissions(sandbox, client):
    page = client.get(_path(_authorize(sandbox, ["google_analytics"])))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Google sandbox" in html
    assert "Jane Doe" in html and "Sam Rivera" in html and "Demo Agency" in html
    assert f'value="{ANALYTICS_MANAGE_USERS}" checked' in html


def test_continuing_sends_the_code_and_state_back(sandbox, client):
    answer = _consent(client, _authorize(sandbox, ["google_ads"]))

    assert answer.status_code == 302
    assert answer["Location"].startswith(_callback(sandbox) + "?")
    back = _query(answer["Location"])
    assert back["state"] == "the-state"
    assert back["code"]


def test_cancelling_sends_access_denied_back(sandbox, client):
    answer = _consent(client, _authorize(sandbox, ["google_ads"]), decision="deny")

    assert _query(answer["Location"]) == {"error": "access_denied", "state": "the-state"}


def test_the_code_becomes_tokens_that_say_who_signed_in(sandbox, client):
    verifier = secrets.token_urlsafe(64)
    code = _code(client, _authorize(sandbox, ["google_ads"], verifier))

    tokens = GOOGLE.exchange_code(
        code=code, redirect_uri=_callback(sandbox), code_verifier=verifier
    )

    assert tokens.email == JANE
    assert tokens.name == "Jane Doe"
    assert tokens.subject_id
    assert tokens.refresh_token
    assert tokens.expires_at is not None
    assert ADWORDS in tokens.scopes and USERINFO_EMAIL in tokens.scopes


def test_an_unticked_permission_is_missing_from_the_tokens(sandbox, client):
    verifier = secrets.token_urlsafe(64)
    url = _authorize(sandbox, ["google_analytics"], verifier)
    code = _code(client, url, untick=frozenset({ANALYTICS_MANAGE_USERS}))

    tokens = GOOGLE.exchange_code(
        code=code, redirect_uri=_callback(sandbox), code_verifier=verifier
    )

    assert ANALYTICS_READONLY in tokens.scopes
    assert ANALYTICS_MANAGE_USERS not in tokens.scopes


def test_a_wrong_verifier_is_refused(sandbox, client):
    code = _code(client, _authorize(sandbox, ["google_ads"], "the-verifier"))

    with pytest.raises(ConnectorError):
        GOOGLE.exchange_code(code=code, redirect_uri=_callback(sandbox), code_verifier="another")


def test_a_code_works_once(sandbox, client):
    code = _code(client, _authorize(sandbox, ["google_ads"], "the-verifier"))
    GOOGLE.exchange_code(code=code, redirect_uri=_callback(sandbox), code_verifier="the-verifier")

    with pytest.raises(ConnectorError):
        GOOGLE.exchange_code(
            code=code, redirect_uri=_callback(sandbox), code_verifier="the-verifier"
        )


def test_a_code_only_goes_back_to_its_redirect_uri(sandbox, client):
    code = _code(client, _authorize(sandbox, ["google_ads"], "the-verifier"))

    with pytest.raises(ConnectorError) as refused:
        GOOGLE.exchange_code(
            code=code, redirect_uri=sandbox + "/elsewhere/", code_verifier="the-verifier"
        )
    assert refused.value.platform_code == "redirect_uri_mismatch"


def test_the_consent_page_refuses_a_foreign_redirect_uri(sandbox, client):
    url = GOOGLE.authorize_url(
        state="s", redirect_uri="https://evil.example/callback", scopes=["openid"]
    )

    page = client.get(_path(url))

    assert page.status_code == 400
    assert b"redirect_uri_mismatch" in page.content


def test_refresh_gives_a_new_access_token_and_keeps_the_rest(jane):
    fresh = GOOGLE.refresh(jane)

    assert fresh.access_token != jane.access_token
    assert fresh.refresh_token == jane.refresh_token
    assert fresh.scopes == jane.scopes
    assert fresh.email == JANE


def test_a_revoked_sign_in_cannot_be_refreshed(jane):
    GOOGLE.revoke_token(jane)

    with pytest.raises(TokenExpired):
        GOOGLE.refresh(jane)


def test_an_expired_sign_in_cannot_be_refreshed(sandbox):
    with pytest.raises(TokenExpired):
        GOOGLE.refresh(issue_sandbox_tokens(ERIN))


def _authorize(site: str, services: list[str], verifier: str | None = None) -> str:
    challenge = None
    if verifier:
        digest = hashlib.sha256(verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return GOOGLE.authorize_url(
        state="the-state",
        redirect_uri=_callback(site),
        scopes=GOOGLE.scopes_for(services),
        code_challenge=challenge,
    )


def _consent(client, url: str, *, untick: frozenset[str] = frozenset(), decision: str = "allow"):
    """What a person does on the consent page: pick Jane, untick some boxes, decide."""
    path = _path(url)
    assert client.get(path).status_code == 200
    wanted = [s for s in _query(url)["scope"].split() if s not in IDENTITY and s not in untick]
    return client.post(path, {"user": JANE, "scope": wanted, "decision": decision})


def _code(client, url: str, **kwargs) -> str:
    return _query(_consent(client, url, **kwargs)["Location"])["code"]


def _callback(site: str) -> str:
    return site + "/oauth/google/callback/"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
