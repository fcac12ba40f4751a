"""What `agencyaccess check_platform microsoft` checks beyond the sign-in and its scope: that
the Customer Management API accepts the installation's developer token (a GetUser read), and
that the signed-in user can act for the manager customer set on the connected account, with a
role that can ask clients for a link (docs/platforms/microsoft.md#checking-the-setup).
Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.microsoft.api import call
from agencyaccess.platforms.microsoft.connectors import MANAGER_FIELD, SHARING_ROLES, strongest

# RoleId values (docs/platforms/microsoft.md#roles).
ROLE_NAMES = {
    41: "Super Admin",
    203: "Standard User",
    16: "Advertiser Campaign Manager",
    33: "Aggregator",
    100: "Viewer",
}


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    label = "Developer token (GetUser)"
    try:
        me = call("POST", "User/Query", tokens, {"UserId": None})
    except ConnectorError as e:
        return [
            Check(
                label,
                False,
                f"{refusal(e)}: the sign-in was just refreshed, so check "
                "MICROSOFT_ADS_DEVELOPER_TOKEN (a sandbox token works on the sandbox only)",
            )
        ]
    user = me.get("User") or {}
    accepted = Check(label, True, f"accepted; user {user.get('Id')} ({user.get('UserName')})")
    return [accepted, _manager_customer(me.get("CustomerRoles") or [], fields)]


def _manager_customer(roles: Sequence[Mapping[str, Any]], fields: Mapping[str, Any]) -> Check:
    label = "Manager customer"
    customer = str(fields.get(MANAGER_FIELD) or "")
    if not customer:
        return Check(
            label,
            False,
            f"none set: without {MANAGER_FIELD} on the connected account clients can only "
            "invite the agency's user, not link their accounts",
        )
    held = [role["RoleId"] for role in roles if str(role.get("CustomerId")) == customer]
    role = strongest(held)
    if role is None:
        customers = sorted({str(role.get("CustomerId")) for role in roles})
        return Check(
            label,
            False,
            f"{customer}: the signed-in user cannot act for it (their customers: "
            f"{', '.join(customers) or 'none'}): sign in with a user of it or correct "
            f"{MANAGER_FIELD}",
        )
    name = ROLE_NAMES.get(role, f"role {role}")
    if role not in SHARING_ROLES:
        return Check(
            label,
            False,
            f"{customer}: {name}, which cannot ask clients for a link: sign in with a Super "
            "Admin or Standard User of it",
        )
    return Check(label, True, f"{customer}: {name}")
