"""`agencyaccess check_platform google` against the sandbox: what it prints and its exit code."""

import pytest

from agencyaccess.accounts.models import Agency
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.google import client
from agencyaccess.platforms.google.sandbox import issue_sandbox_tokens, state
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY, ERIN, SAM
from agencyaccess.platforms.google.scopes import SERVICE_SCOPES
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken
from agencyaccess.test import CommandResult, run_command

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agency(sandbox: str) -> Agency:
    return Agency.objects.create(name="Demo Agency", support_email="ops@demo-agency.example")


def connect(agency: Agency, tokens: TokenSet) -> ConnectedAccount:
    account = ConnectedAccount.objects.create(
        agency=agency, platform="google", email=tokens.email or "", method=ConnectionMethod.OAUTH
    )
    token = PlatformToken(connected_account=account, platform="google")
    token.store(tokens)
    token.save()
    return account


def check(agency: Agency, *argv: str) -> CommandResult:
    return run_command("check_platform", "Google", "--agency", agency.public_id, *argv)


def lines(result: CommandResult) -> list[str]:
    return result.stdout.splitlines()


def test_a_good_setup_passes_every_check(agency):
    account = connect(agency, issue_sandbox_tokens(DEMO_AGENCY))

    result = check(agency)

    assert (result.code, result.stderr) == (0, "")
    assert lines(result)[:3] == [
        "  ok       Mode: sandbox: the local fake answers, no real account is touched",
        f"Google: {DEMO_AGENCY} ({account.public_id})",
        "  ok       App credentials: the configured app refreshed the sign-in",
    ]
    assert "  ok       Google Ads manager accounts: 1234567890" in lines(result)
    assert (
        "  ok       Google Ads developer token: basic or standard access "
        "(a production account answered)"
    ) in lines(result)
    assert "MISSING" not in result.stdout


def test_a_missing_scope_is_named_and_fails(agency):
    every_but_ads = {
        scope
        for key, scopes in SERVICE_SCOPES.items()
        if not key.startswith("google_ads")
        for scope in scopes
    }
    connect(agency, issue_sandbox_tokens(DEMO_AGENCY, every_but_ads))

    result = check(agency)

    assert result.code == 1
    assert result.stderr == "CommandError: 1 check(s) failed\n"
    assert (
        "  MISSING  Scopes for google_ads, google_ads_mcc: missing https://www.googleapis.com/auth/adwords"
    ) in lines(result)
    assert "developer token" not in result.stdout  # Google Ads could not be asked


def test_bad_app_credentials_stop_the_checks(agency, monkeypatch):
    connect(agency, issue_sandbox_tokens(DEMO_AGENCY))
    monkeypatch.setattr(client, "SANDBOX_CLIENT_SECRET", "not-the-secret")

    result = check(agency)

    assert result.code == 1
    assert lines(result)[2:] == [
        "  MISSING  App credentials: the configured app could not refresh the sign-in "
        "(invalid_client, HTTP 401): check the app's id and secret in the settings"
    ]


def test_a_test_level_developer_token_is_reported(agency, monkeypatch):
    connect(agency, issue_sandbox_tokens(DEMO_AGENCY))
    state.set_knob("ads_developer_token_basic", False)  # the sandbox's token: test level

    result = check(agency)

    assert result.code == 1
    assert any(
        line.startswith("  MISSING  Google Ads developer token: test access only")
        for line in lines(result)
    ), result.stdout


def test_an_agency_without_a_manager_account_is_told(agency):
    connect(agency, issue_sandbox_tokens(SAM))  # who administers one ordinary account

    result = check(agency)

    assert result.code == 1
    assert any(
        line.startswith("  MISSING  Google Ads manager accounts: none administered")
        for line in lines(result)
    ), result.stdout


def test_a_sign_in_google_no_longer_accepts_says_reconnect(agency):
    connect(agency, issue_sandbox_tokens(ERIN))

    result = check(agency)

    assert result.code == 1
    assert lines(result)[2].startswith("  MISSING  Connected account's sign-in: ")
    assert lines(result)[2].endswith("(reconnect it)")


def test_without_a_signed_in_account_nothing_can_be_checked(agency):
    ConnectedAccount.objects.create(agency=agency, platform="google", email="ops@demo.example")

    result = check(agency)

    assert result.code == 1
    assert lines(result)[1] == (
        "  MISSING  Connected account: none signed in on this platform: connect one on the "
        "dashboard first"
    )


def test_another_agencys_account_is_not_found(agency):
    other = Agency.objects.create(name="Other", support_email="ops@other.example")
    theirs = connect(other, issue_sandbox_tokens(DEMO_AGENCY))

    result = check(agency, "--account", theirs.public_id)

    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == (
        f'CommandError: no connected account "{theirs.public_id}" signed in on google\n'
    )


@pytest.mark.parametrize(
    ("platform", "error"),
    [
        ("Klaviyo", "Klaviyo is granted by guided steps: it has no API to check"),
        ("Myspace", 'unknown platform "Myspace"'),
    ],
)
def test_a_platform_without_an_api_is_refused(agency, platform, error):
    result = run_command("check_platform", platform, "--agency", agency.public_id)

    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"CommandError: {error}")
