"""The sandbox refuses what LinkedIn's versioned Rest.li API refuses, and is off once LinkedIn
is configured."""

import httpx
import pytest

from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.linkedin.tests.cast import LIVE_SANDBOX

pytestmark = LIVE_SANDBOX


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"X-Restli-Protocol-Version": "2.0.0"}, 400, "VERSION_MISSING"),
        (
            {"LinkedIn-Version": "2026", "X-Restli-Protocol-Version": "2.0.0"},
            426,
            "NONEXISTENT_VERSION",
        ),
        ({"LinkedIn-Version": "202611"}, 400, "INVALID_VALUE"),
    ],
)
def test_the_versioned_api_needs_its_headers(jane: TokenSet, sandbox: str, headers, status, code):
    answer = httpx.get(
        f"{sandbox}/sandbox/linkedin/rest/adAccountUsers",
        params={"q": "authenticatedUser"},
        headers={"Authorization": f"Bearer {jane.access_token}", **headers},
    )
    assert answer.status_code == status
    assert answer.json()["code"] == code and answer.json()["status"] == status


def test_organization_roles_cannot_be_deleted_only_revoked(jane: TokenSet, sandbox: str):
    answer = httpx.delete(
        f"{sandbox}/sandbox/linkedin/rest/organizationAcls/"
        "(organization:urn%3Ali%3Aorganization%3A2414001,role:ANALYST,"
        "roleAssignee:urn%3Ali%3Aperson%3As4mV13wer0)",
        headers={
            "Authorization": f"Bearer {jane.access_token}",
            "LinkedIn-Version": "202611",
            "X-Restli-Protocol-Version": "2.0.0",
        },
    )
    assert answer.status_code == 405


def test_the_sandbox_is_off_once_linkedin_is_configured(sandbox: str, settings):
    settings.LINKEDIN_CLIENT_ID = "real-app"
    assert httpx.get(f"{sandbox}/sandbox/linkedin/v2/userinfo").status_code == 404


def test_a_batch_get_list_is_sent_with_its_parentheses_and_commas_as_they_are(
    jane: TokenSet, sandbox: str
):
    def names(query: str) -> httpx.Response:
        return httpx.get(
            f"{sandbox}/sandbox/linkedin/rest/organizations?{query}",
            headers={
                "Authorization": f"Bearer {jane.access_token}",
                "LinkedIn-Version": "202611",
                "X-Restli-Protocol-Version": "2.0.0",
            },
        )

    assert set(names("ids=List(2414001,2414002)").json()["results"]) == {"2414001", "2414002"}
    assert names("ids=List%282414001%2C2414002%29").status_code == 400
