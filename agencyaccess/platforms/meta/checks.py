"""What `agencyaccess check_platform meta` checks beyond the sign-in and its scopes: why a needed
permission is missing (declined by the person, or not available to the app until Meta's app
review grants it) and the Business Managers that receive clients' shares
(docs/platforms/meta.md#sign-in). Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.meta.api import Graph
from agencyaccess.platforms.meta.connectors import CONNECTORS, agency_businesses

NEEDED = frozenset(scope for connector in CONNECTORS for scope in connector.required_scopes)


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    try:
        statuses = {
            item["permission"]: item.get("status", "")
            for item in Graph(tokens.access_token).items("me/permissions")
        }
    except ConnectorError as e:
        return [Check("Permissions (/me/permissions)", False, refusal(e))]
    checks = [_permissions(statuses)]
    if statuses.get("business_management") == "granted":
        checks.append(_businesses(tokens))
    return checks


def _permissions(statuses: dict[str, str]) -> Check:
    label = "Permissions (/me/permissions)"
    declined = sorted(p for p in NEEDED if statuses.get(p) == "declined")
    absent = sorted(p for p in NEEDED if p not in statuses)
    problems = []
    if declined:
        problems.append(f"declined by the person: {', '.join(declined)} (reconnect, allow them)")
    if absent:
        problems.append(
            f"never given: {', '.join(absent)} (the app needs advanced access through Meta's app "
            "review, or the Login for Business configuration lacks them)"
        )
    if problems:
        return Check(label, False, "; ".join(problems))
    return Check(label, True, f"all {len(NEEDED)} needed permissions granted")


def _businesses(tokens: TokenSet) -> Check:
    label = "Business Managers"
    try:
        businesses = agency_businesses(tokens)
    except ConnectorError as e:
        return Check(label, False, refusal(e))
    if not businesses:
        return Check(label, False, "this person belongs to none: no business can receive shares")
    return Check(label, True, ", ".join(f"{name} ({id_})" for id_, name in businesses))
