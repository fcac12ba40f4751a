"""What the Microsoft tests share: the database they run on, and grant requests and refs built
the way the core builds them."""

import httpx
from django.conf import settings

from agencyaccess.platforms import testing
from agencyaccess.platforms.base import AgencyIdentity, Asset, GrantOutcome, GrantRequest, TokenSet
from agencyaccess.platforms.microsoft.sandbox import world
from agencyaccess.platforms.testing import LIVE_SANDBOX, pick, ref

__all__ = [
    "LIVE_SANDBOX",
    "agency",
    "asking",
    "hook",
    "invitation_number",
    "linking",
    "pick",
    "ref",
]

AGENCY_EMAIL = world.PEOPLE[world.AGENCY_PERSON].email
SEARCH = "1800001"  # Clara Bikes - Search, which Sam shares as a Standard User too


def agency(tokens: TokenSet | None = None, *, manager: str = "") -> AgencyIdentity:
    fields = {"manager_customer_id": manager} if manager else {}
    return AgencyIdentity(
        account_id="demo-microsoft", email=AGENCY_EMAIL, fields=fields, tokens=tokens
    )


def linking(tokens: TokenSet | None) -> AgencyIdentity:
    """The agency asking through its manager customer."""
    return agency(tokens, manager=str(world.AGENCY_CUSTOMER_ID))


def asking(asset: Asset, level: str, to: AgencyIdentity) -> GrantRequest:
    return testing.asking("microsoft_ads", asset, level, to)


def hook(path: str) -> httpx.Response:
    """A test hook of the sandbox: what someone does in Microsoft's own pages or e-mails."""
    return httpx.post(f"{settings.SITE_URL}/sandbox/microsoft/testapi/{path}")


def invitation_number(outcome: GrantOutcome) -> str:
    return outcome.native_ref.rsplit("/", 1)[1]
