"""Changes to the sandbox's Google made outside AgencyAccess: what a client (or anyone with the
rights) does in Google's own screens. Tests use them to check that re-verification notices
drift: the agency removed, or its role changed."""

from agencyaccess.platforms.google.sandbox import state

# Each product's records of who has access, and the field naming the person.
_ACCESS_RECORDS = (
    ("ga_binding", "user"),
    ("gtm_permission", "emailAddress"),
    ("merchant_user", "email"),
    ("gbp_admin", "admin"),
    ("ads_user", "email"),
)


def remove_everywhere(email: str) -> int:
    """Remove the person from every product's users (and Search Console's owners), as a client
    removing the agency by hand would; returns how many accesses were removed."""
    email = email.lower()
    removed = 0
    for kind, field in _ACCESS_RECORDS:
        for key, _data in state.find(kind, **{field: email}):
            removed += state.delete(kind, key)
    for key, resource in state.find("sv_resource"):
        if email in resource.get("owners", []):
            owners = [owner for owner in resource["owners"] if owner != email]
            state.put("sv_resource", key, resource | {"owners": owners})
            removed += 1
    return removed


def set_analytics_roles(email: str, roles: list[str]) -> int:
    """Change the person's roles on every GA4 property binding they have (lowered or raised)."""
    changed = 0
    for key, binding in state.find("ga_binding", user=email.lower()):
        state.put("ga_binding", key, binding | {"roles": roles})
        changed += 1
    return changed


def set_ads_role(email: str, role: str) -> int:
    """Change the person's access role in every Google Ads account they are a user of."""
    changed = 0
    for key, user in state.find("ads_user", email=email.lower()):
        state.put("ads_user", key, user | {"role": role})
        changed += 1
    return changed


def end_manager_links(manager_customer_id: str) -> int:
    """The client ends every link of their accounts to this manager account (Google Ads'
    "Access and security > Managers > Remove")."""
    ended = 0
    for key, link in state.find("ads_link", manager=manager_customer_id, status="ACTIVE"):
        state.put("ads_link", key, link | {"status": "INACTIVE"})
        ended += 1
    return ended
