"""`agencyaccess check_platform microsoft` against the sandbox: the developer token, and the
manager customer set on the connected account with the signed-in user's role there."""

from dataclasses import replace
from unittest import mock

import pytest

from agencyaccess.accounts.models import Agency
from agencyaccess.platforms.microsoft import api
from agencyaccess.platforms.microsoft.config import microsoft_settings
from agencyaccess.platforms.microsoft.sandbox import issue_sandbox_tokens, world
from agencyaccess.platforms.testing import connect
from agencyaccess.test import CommandResult, run_command

pytestmark = pytest.mark.django_db(transaction=True)
AGENCY_CUSTOMER = str(world.AGENCY_CUSTOMER_ID)
CLIENT_CUSTOMER = str(world.CLIENT_CUSTOMER_ID)


@pytest.fixture
def agency(sandbox: str) -> Agency:
    return Agency.objects.create(name="Demo Agency", support_email="ops@demo-agency.example")


def check(agency: Agency, person: str = world.AGENCY_PERSON, **fields: str) -> CommandResult:
    connect(agency, "microsoft", issue_sandbox_tokens(person), **fields)
    return run_command("check_platform", "Microsoft", "--agency", agency.public_id)


def test_a_super_admin_of_the_manager_customer_passes_every_check(agency):
    result = check(agency, manager_customer_id=AGENCY_CUSTOMER)

    assert (result.code, result.stderr) == (0, ""), result.stdout
    alex = world.PEOPLE[world.AGENCY_PERSON]
    lines = result.stdout.splitlines()
    assert (
        f"  ok       Developer token (GetUser): accepted; user {alex.user_id} ({alex.email})"
    ) in lines
    assert f"  ok       Manager customer: {AGENCY_CUSTOMER}: Super Admin" in lines


def test_a_developer_token_microsoft_refuses_is_named(agency):
    wrong = replace(microsoft_settings(), developer_token="not-the-token")
    with mock.patch.object(api, "microsoft_settings", return_value=wrong):
        result = check(agency, manager_customer_id=AGENCY_CUSTOMER)

    assert result.code == 1
    assert (
        "  MISSING  Developer token (GetUser): refused (105, HTTP 401): the sign-in was just "
        "refreshed, so check MICROSOFT_ADS_DEVELOPER_TOKEN (a sandbox token works on the "
        "sandbox only)"
    ) in result.stdout.splitlines()


def test_a_customer_the_user_cannot_act_for(agency):
    result = check(agency, manager_customer_id=CLIENT_CUSTOMER)

    assert result.code == 1
    assert (
        f"  MISSING  Manager customer: {CLIENT_CUSTOMER}: the signed-in user cannot act for it "
        f"(their customers: {AGENCY_CUSTOMER}): sign in with a user of it or correct "
        "manager_customer_id"
    ) in result.stdout.splitlines()


def test_a_viewer_cannot_ask_clients_for_a_link(agency):
    result = check(agency, "vic", manager_customer_id=CLIENT_CUSTOMER)

    assert result.code == 1
    assert (
        f"  MISSING  Manager customer: {CLIENT_CUSTOMER}: Viewer, which cannot ask clients for a "
        "link: sign in with a Super Admin or Standard User of it"
    ) in result.stdout.splitlines()


def test_no_manager_customer_set(agency):
    result = check(agency)

    assert result.code == 1
    assert (
        "  MISSING  Manager customer: none set: without manager_customer_id on the connected "
        "account clients can only invite the agency's user, not link their accounts"
    ) in result.stdout.splitlines()
