"""The capability vocabulary: `resource:action` strings, and roles as sets of them.

One check serves a dashboard user (through the role of their membership) and an API key
(through the capabilities chosen when it was made). Resources match the API paths.
"""

from agencyaccess.accounts.models import Role

LINKS_CREATE = "links:create"
LINKS_RETRIEVE = "links:retrieve"
LINKS_EDIT = "links:edit"
CLIENTS_CREATE = "clients:create"
CLIENTS_RETRIEVE = "clients:retrieve"
CLIENTS_EDIT = "clients:edit"

# What an API key can be given, in the order of the API guide, with the guide's names.
API_CAPABILITIES: dict[str, str] = {
    LINKS_CREATE: "Create Link",
    LINKS_RETRIEVE: "Retrieve Link",
    LINKS_EDIT: "Edit Link",
    CLIENTS_CREATE: "Create Customer",
    CLIENTS_RETRIEVE: "Retrieve Customer",
    CLIENTS_EDIT: "Edit Customer",
}

# Dashboard-only capabilities.
ACCOUNTS_MANAGE = "accounts:manage"  # connected accounts
TEAM_MANAGE = "team:manage"
APIKEYS_MANAGE = "apikeys:manage"
SETTINGS_MANAGE = "settings:manage"  # agency details, branding, limits
LINKS_TOKENS = "links:tokens"  # see the client's tokens a retainTokens link keeps
WEBHOOKS_MANAGE = "webhooks:manage"  # webhook endpoints, their secrets and delivery logs
AUDIT_VIEW = "audit:view"  # the audit log (docs/audit.md)

_MEMBER = frozenset(API_CAPABILITIES) | {ACCOUNTS_MANAGE}
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.MEMBER: _MEMBER,
    Role.OWNER: _MEMBER
    | {TEAM_MANAGE, APIKEYS_MANAGE, SETTINGS_MANAGE, LINKS_TOKENS, WEBHOOKS_MANAGE, AUDIT_VIEW},
}


def parse_capabilities(text: str) -> list[str]:
    """'links:create,clients:retrieve' or 'all' -> the list; ValueError naming what is unknown."""
    text = text.strip()
    if text == "all":
        return list(API_CAPABILITIES)
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [c for c in wanted if c not in API_CAPABILITIES]
    if unknown or not wanted:
        raise ValueError(
            f"unknown capabilities: {', '.join(unknown) or '(none given)'}; "
            f"use 'all' or a comma-separated list of {','.join(API_CAPABILITIES)}"
        )
    return [c for c in API_CAPABILITIES if c in wanted]
