"""What `agencyaccess check_platform pinterest` checks beyond the sign-in and its scopes: the
businesses the agency's sign-in administers, and whether the business set on the connected
account is one of them (a client's partner invite goes to that business, and only one of its
admins can accept it: docs/platforms/pinterest.md). Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.pinterest.client import administered_businesses
from agencyaccess.platforms.pinterest.connectors import BUSINESS_FIELD


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    label = "Businesses administered (GET /v5/businesses/employers)"
    try:
        businesses = administered_businesses(tokens)
    except ConnectorError as e:
        return [Check(label, False, refusal(e))]
    if not businesses:
        return [Check(label, False, "none: sign in with an admin of the agency's business")]
    listed = ", ".join(f"{name} ({bid})" for bid, name in businesses.items())
    return [Check(label, True, listed), _agency_business(businesses, fields)]


def _agency_business(businesses: Mapping[str, str], fields: Mapping[str, Any]) -> Check:
    label = "Agency business"
    business_id = str(fields.get(BUSINESS_FIELD) or "")
    if not business_id:
        return Check(label, False, f"none set: set {BUSINESS_FIELD} on the connected account")
    if business_id not in businesses:
        return Check(
            label,
            False,
            f"{business_id} is not a business this sign-in administers: sign in with one of its "
            f"admins or correct {BUSINESS_FIELD}",
        )
    return Check(
        label, True, f"{businesses[business_id]} ({business_id}): receives clients' invites"
    )
