"""A live server running the TikTok sandbox, and the TikTok connector pointed at it over HTTP."""

from dataclasses import replace

from agencyaccess.platforms.base import AgencyIdentity, Asset, GrantRef, GrantRequest, TokenSet
from agencyaccess.platforms.testing import OneConnectionLiveServerTestCase
from agencyaccess.platforms.testing import pick as asset_named
from agencyaccess.platforms.tiktok import INTEGRATION
from agencyaccess.platforms.tiktok.connectors import AdAccountsConnector
from agencyaccess.platforms.tiktok.sandbox import world
from agencyaccess.platforms.tiktok.sandbox.state import issue_sandbox_tokens

__all__ = [
    "ADS",
    "AGENCY",
    "JANES_ADS",
    "SandboxTestCase",
    "asset_named",
    "grant_request",
    "ref_of",
    "signed_in_agency",
]

AGENCY = AgencyIdentity(account_id="tt_a", fields={"business_center_id": world.AGENCY_BC_ID})
CALLBACK_PATH = "/oauth/tiktok/callback/"
ADS = AdAccountsConnector()
JANES_ADS = "7210000000000000001"


class SandboxTestCase(OneConnectionLiveServerTestCase):
    sandbox_settings = {
        "TIKTOK_APP_ID": "",
        "TIKTOK_APP_SECRET": "",
        "TIKTOK_URLS": {"authorize": "", "api": ""},
    }

    def setUp(self) -> None:
        super().setUp()
        self.client_ = INTEGRATION.client

    def tokens(self, person: str = "jane") -> TokenSet:
        return issue_sandbox_tokens(person)


def grant_request(
    asset: Asset, role: str = "OPERATOR", agency: AgencyIdentity = AGENCY
) -> GrantRequest:
    return GrantRequest("tiktok_ads", asset, agency, role, role)


def ref_of(
    native_ref: str,
    asset_id: str = JANES_ADS,
    role: str = "OPERATOR",
    agency: AgencyIdentity = AGENCY,
) -> GrantRef:
    return GrantRef("tiktok_ads", asset_id, native_ref, role, agency)


def signed_in_agency(person: str = world.AGENCY_PERSON) -> AgencyIdentity:
    """The agency's account with its own TikTok sign-in, as re-verification holds it."""
    return replace(AGENCY, tokens=issue_sandbox_tokens(person))
