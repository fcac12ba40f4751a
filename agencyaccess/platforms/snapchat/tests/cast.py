"""What the Snapchat tests share: the database they run on, and grant requests and refs built
the way the core builds them."""

import httpx
from django.conf import settings

from agencyaccess.platforms import testing
from agencyaccess.platforms.base import AgencyIdentity, Asset, GrantOutcome, GrantRequest, TokenSet
from agencyaccess.platforms.snapchat.connectors import ref_parts
from agencyaccess.platforms.snapchat.sandbox import world
from agencyaccess.platforms.testing import LIVE_SANDBOX, pick, ref

__all__ = ["AGENCY_EMAIL", "LIVE_SANDBOX", "accept", "agency", "asking", "pick", "ref"]

AGENCY_EMAIL = world.PEOPLE[world.AGENCY_PERSON].email


def agency(tokens: TokenSet | None = None) -> AgencyIdentity:
    return AgencyIdentity(account_id="demo-snapchat", email=AGENCY_EMAIL, tokens=tokens)


def asking(service_key: str, asset: Asset, level: str, to: AgencyIdentity) -> GrantRequest:
    return testing.asking(service_key, asset, level, to)


def accept(outcome: GrantOutcome) -> None:
    """The agency's person accepts Snapchat's e-mailed invitation (a sandbox test hook)."""
    member_id = ref_parts(outcome.native_ref).member_id
    answer = httpx.post(f"{settings.SITE_URL}/sandbox/snapchat/testapi/members/{member_id}/accept/")
    assert answer.status_code == 204
