"""What `agencyaccess check_platform linkedin` checks beyond the sign-in and its scopes: the
member the sign-in resolves to (who receives clients' roles), and that the app has the LinkedIn
products the connectors call, which LinkedIn refuses with 403 otherwise
(docs/platforms/linkedin.md#checking-the-setup). Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.linkedin.api import RestLi
from agencyaccess.platforms.linkedin.client import userinfo
from agencyaccess.platforms.linkedin.connectors import PERSON_FIELD, PERSON_URN

FORBIDDEN = 403


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    api = RestLi(tokens.access_token)
    return [
        _member(tokens, fields),
        _product(api, "Advertising API", "adAccountUsers", q="authenticatedUser"),
        _product(api, "Community Management API", "organizationAcls", q="roleAssignee"),
    ]


def _member(tokens: TokenSet, fields: Mapping[str, Any]) -> Check:
    label = "Member (OpenID Connect userinfo)"
    try:
        me = userinfo(tokens.access_token)
    except ConnectorError as e:
        return Check(label, False, f"{refusal(e)}: the sign-in needs the openid scope")
    member = str(me.get("sub") or "")
    kept = str(fields.get(PERSON_FIELD) or "").removeprefix(PERSON_URN)
    if kept and kept != member:
        return Check(
            label,
            False,
            f"the sign-in is {PERSON_URN}{member}, but the connected account gives roles to "
            f"{PERSON_URN}{kept}: reconnect the account",
        )
    return Check(label, True, f"{PERSON_URN}{member} ({me.get('name') or 'no name'})")


def _product(api: RestLi, product: str, resource: str, **finder: str) -> Check:
    """One page of one element of a finder: LinkedIn answers 403 to an app without the
    product that serves the resource."""
    label = f"{product} product ({resource})"
    try:
        api.get(resource, count=1, **finder)
    except ConnectorError as e:
        if e.http_status == FORBIDDEN:
            return Check(
                label,
                False,
                f"{refusal(e)}: request the {product} product for the app in LinkedIn's "
                "developer portal (Products), then reconnect",
            )
        return Check(label, False, refusal(e))
    return Check(label, True, f"{resource} answered")
