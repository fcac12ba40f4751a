"""The fake Google Analytics Admin API: account summaries (v1beta) and property access bindings
(v1alpha), docs/platforms/google.md#analytics.

A binding on an account covers its properties. Reading or changing bindings takes the
administrator role; only Google accounts can be given one.
"""

from django.http import HttpRequest

from agencyaccess.platforms.google import scopes
from agencyaccess.platforms.google.sandbox import state, world
from agencyaccess.platforms.google.sandbox.endpoint import (
    already_exists,
    by_method,
    denied,
    google_api,
    invalid,
    json_body,
    not_found,
    page,
)
from agencyaccess.platforms.google.sandbox.world import FakeUser

READ = frozenset({scopes.ANALYTICS_READONLY, scopes.AUTH + "analytics.edit"})
READ_USERS = frozenset({scopes.ANALYTICS_MANAGE_USERS, scopes.ANALYTICS_MANAGE_USERS_READONLY})
MANAGE_USERS = frozenset({scopes.ANALYTICS_MANAGE_USERS})
ROLES = ("predefinedRoles/viewer", "predefinedRoles/analyst", "predefinedRoles/editor", "predefinedRoles/admin")  # fmt: skip
DATA_RESTRICTIONS = ("predefinedRoles/no-cost-data", "predefinedRoles/no-revenue-data")


@google_api(product="analyticsadmin", scopes=READ)
def account_summaries(request: HttpRequest, caller: FakeUser) -> dict:
    summaries = []
    for account, data in state.find("ga_account"):
        properties = [
            {
                "property": name,
                "displayName": prop["displayName"],
                "propertyType": "PROPERTY_TYPE_ORDINARY",
                "parent": account,
            }
            for name, prop in state.find("ga_property", account=account)
            if _role(caller.email, name)
        ]
        if properties:
            summaries.append(
                {
                    "name": f"accountSummaries/{account.removeprefix('accounts/')}",
                    "account": account,
                    "displayName": data["displayName"],
                    "propertySummaries": properties,
                }
            )
    return page(request, summaries, "accountSummaries")


@google_api(product="analyticsadmin", scopes=READ_USERS)
def list_bindings(request: HttpRequest, caller: FakeUser, property_id: str) -> dict:
    parent = _administered(caller, property_id)
    return page(
        request,
        [_binding(k, b) for k, b in state.find("ga_binding", parent=parent)],
        "accessBindings",
    )


@google_api(product="analyticsadmin", scopes=MANAGE_USERS)
def create_binding(request: HttpRequest, caller: FakeUser, property_id: str) -> dict:
    parent = _administered(caller, property_id)
    body = json_body(request)
    user, roles = body.get("user", "").lower(), body.get("roles", [])
    if "@" not in user or user.endswith("@" + world.NOT_GOOGLE_DOMAIN):
        raise invalid(f"The email address {user} is not associated with a Google account.")
    if not roles or any(role not in ROLES + DATA_RESTRICTIONS for role in roles):
        raise invalid("Invalid roles.")
    if state.find("ga_binding", parent=parent, user=user):
        raise already_exists(f"An access binding for {user} already exists.")
    name = f"{parent}/accessBindings/{state.new_id()}"
    state.put("ga_binding", name, {"parent": parent, "user": user, "roles": roles})
    return _binding(name, state.get("ga_binding", name) or {})


@google_api(product="analyticsadmin", scopes=READ_USERS)
def get_binding(request: HttpRequest, caller: FakeUser, property_id: str, binding_id: str) -> dict:
    parent = _administered(caller, property_id)
    name = f"{parent}/accessBindings/{binding_id}"
    binding = state.get("ga_binding", name)
    if binding is None:
        raise not_found()
    return _binding(name, binding)


@google_api(product="analyticsadmin", scopes=MANAGE_USERS)
def delete_binding(
    request: HttpRequest, caller: FakeUser, property_id: str, binding_id: str
) -> dict:
    parent = _administered(caller, property_id)
    if not state.delete("ga_binding", f"{parent}/accessBindings/{binding_id}"):
        raise not_found()
    return {}


bindings = by_method(GET=list_bindings, POST=create_binding)
binding = by_method(GET=get_binding, DELETE=delete_binding)


def _role(email: str, property_name: str) -> str:
    """The strongest role from the property's bindings and its account's; "" for none."""
    prop = state.get("ga_property", property_name)
    if prop is None:
        return ""
    held = [
        role
        for parent in (property_name, prop["account"])
        for _, b in state.find("ga_binding", parent=parent, user=email)
        for role in b["roles"]
        if role in ROLES
    ]
    return max(held, key=ROLES.index, default="")


def _administered(caller: FakeUser, property_id: str) -> str:
    name = f"properties/{property_id}"
    if state.get("ga_property", name) is None:
        raise not_found()
    if _role(caller.email, name) != "predefinedRoles/admin":
        raise denied()
    return name


def _binding(name: str, binding: dict) -> dict:
    return {"name": name, "user": binding["user"], "roles": binding["roles"]}
