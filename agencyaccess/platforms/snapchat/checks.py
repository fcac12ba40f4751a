"""What `agencyaccess check_platform snapchat` checks beyond the sign-in and its scope: that
the Marketing API answers the app (an app not allowed on it is refused there, not at sign-in)
and the agency's person it knows, whose e-mail address clients invite, with the organizations
they belong to (docs/platforms/snapchat.md#checking-a-setup). Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.snapchat.api import call, listed


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    try:
        me = call("GET", "me", tokens)["me"]
        organizations = listed("me/organizations", tokens, "organizations", "organization")
    except ConnectorError as e:
        return [Check("Marketing API (/v1/me)", False, f"the API {refusal(e)} the sign-in")]
    email = me.get("email") or ""
    names = ", ".join(sorted(o.get("name") or o["id"] for o in organizations))
    return [
        Check(
            "Agency's person (/v1/me)",
            bool(email),
            f"clients invite {email}" if email else "no e-mail address: clients cannot invite it",
        ),
        Check("Organizations (/v1/me/organizations)", True, names or "none yet"),
    ]
