"""What `agencyaccess check_platform hubspot` checks beyond the sign-in and its scopes: what
HubSpot itself says of the token (introspection), the account it is for and the scopes HubSpot
holds for it (docs/platforms/hubspot.md#checking-a-real-setup). Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.hubspot.client import token_info
from agencyaccess.platforms.hubspot.config import SCOPES


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    label = "Token introspection"
    try:
        info = token_info(tokens)
    except ConnectorError as e:
        return [Check(label, False, refusal(e))]
    missing = sorted(set(SCOPES) - info.scopes)
    return [
        Check(
            "HubSpot account",
            True,
            f"{info.hub_domain or 'no domain'} (hub {info.hub_id}), installed by {info.user}: "
            "the agency's own account, whose user e-mail receives clients' access",
        ),
        Check(
            "Scopes HubSpot holds for the app",
            not missing,
            f"missing {', '.join(missing)} (the app's scopes in HubSpot lack them)"
            if missing
            else ", ".join(sorted(info.scopes)),
        ),
    ]
