"""What `agencyaccess check_platform google` checks beyond the sign-in and its scopes: the Google
Ads developer token's access level and the manager accounts clients' accounts are linked under
(docs/platforms/google.md#google-ads). Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.google.ads import ADS, CUSTOMER, GoogleAds

# A test-level developer token works on test accounts only; on any other account Google Ads
# answers this (developers.google.com/google-ads/api/docs/api-policy/access-levels).
TOKEN_NOT_APPROVED = "DEVELOPER_TOKEN_NOT_APPROVED"  # noqa: S105 (an error code)


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    if GoogleAds.required_scopes - tokens.scopes:
        return []  # the scope line already says Google Ads cannot be read
    try:
        answer = ADS.call("GET", "/customers:listAccessibleCustomers", tokens)
    except ConnectorError as e:
        return [Check("Google Ads accounts", False, refusal(e))]
    ids = sorted(name.removeprefix("customers/") for name in answer.get("resourceNames", []))
    customers: list[dict] = []
    refusals: set[str] = set()
    for customer_id in ids:
        reply = ADS.send(
            "POST",
            f"/customers/{customer_id}/googleAds:search",
            tokens,
            login=customer_id,
            json={"query": CUSTOMER},
        )
        if reply.error is None:
            customers += [row["customer"] for row in reply.data.get("results", [])]
        else:
            refusals |= reply.error.reasons or {reply.error.status}
    return [_developer_token(customers, refusals), _managers(customers)]


def _developer_token(customers: list[dict], refusals: set[str]) -> Check:
    label = "Google Ads developer token"
    if TOKEN_NOT_APPROVED in refusals:
        return Check(
            label,
            False,
            "test access only: it reaches test accounts alone; apply for basic access in the "
            "API Center of the manager account that owns the token",
        )
    if any(not customer.get("testAccount") for customer in customers):
        return Check(label, True, "basic or standard access (a production account answered)")
    return Check(label, True, "level unknown: only test accounts (or none) were reached")


def _managers(customers: list[dict]) -> Check:
    ids = sorted(str(customer["id"]) for customer in customers if customer.get("manager"))
    if not ids:
        return Check(
            "Google Ads manager accounts",
            False,
            "none administered by this sign-in: clients' accounts cannot be linked under a "
            "manager account, only invited",
        )
    return Check("Google Ads manager accounts", True, ", ".join(ids))
