"""`agencyaccess check_platform linkedin` against the sandbox: the member the sign-in resolves
to, and the LinkedIn products the app has, line by line."""

import pytest

from agencyaccess.accounts.models import Agency
from agencyaccess.platforms.linkedin.sandbox import issue_sandbox_tokens, world
from agencyaccess.platforms.testing import connect
from agencyaccess.test import CommandResult, run_command

pytestmark = pytest.mark.django_db(transaction=True)
ALEX = world.PEOPLE[world.AGENCY_PERSON]


@pytest.fixture
def agency(sandbox: str) -> Agency:
    return Agency.objects.create(name="Demo Agency", support_email="ops@demo-agency.example")


def check(agency: Agency, *, declined: tuple[str, ...] = (), **fields: str) -> CommandResult:
    connect(
        agency, "linkedin", issue_sandbox_tokens(world.AGENCY_PERSON, declined=declined), **fields
    )
    return run_command("check_platform", "LinkedIn", "--agency", agency.public_id)


def test_the_agency_member_with_both_products_passes_every_check(agency):
    result = check(agency, person_id=ALEX.id)

    assert (result.code, result.stderr) == (0, ""), result.stdout
    lines = result.stdout.splitlines()
    assert f"  ok       Member (OpenID Connect userinfo): {ALEX.urn} (Alex Agency)" in lines
    assert "  ok       Advertising API product (adAccountUsers): adAccountUsers answered" in lines
    assert (
        "  ok       Community Management API product (organizationAcls): organizationAcls answered"
    ) in lines


def test_an_app_without_the_advertising_api_is_told_to_request_it(agency):
    result = check(agency, declined=("r_ads", "rw_ads"), person_id=ALEX.id)

    assert result.code == 1
    assert (
        "  MISSING  Advertising API product (adAccountUsers): refused (100, HTTP 403): request "
        "the Advertising API product for the app in LinkedIn's developer portal (Products), "
        "then reconnect"
    ) in result.stdout.splitlines()
    assert "  ok       Community Management API product" in result.stdout


def test_a_member_other_than_the_one_kept_is_named(agency):
    result = check(agency, person_id="s0m30neEl5e")

    assert result.code == 1
    assert (
        f"  MISSING  Member (OpenID Connect userinfo): the sign-in is {ALEX.urn}, but the "
        "connected account gives roles to urn:li:person:s0m30neEl5e: reconnect the account"
    ) in result.stdout.splitlines()
