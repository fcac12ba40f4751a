"""The fake Search Console (Webmasters v3 sites) and Site Verification v1 (webResource) APIs,
docs/platforms/google.md#search-console.

Owners are the owners of the site's verification resource; those who verified it themselves can
delegate ownership, the others (delegated owners) cannot, and a verified owner cannot be removed
while their token is in place. A site shows in someone's list only once they added it.
"""

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest

from agencyaccess.platforms.google import scopes
from agencyaccess.platforms.google.sandbox import state
from agencyaccess.platforms.google.sandbox.endpoint import (
    by_method,
    denied,
    google_api,
    invalid,
    json_body,
    not_found,
)
from agencyaccess.platforms.google.sandbox.world import FakeUser

read_sites = google_api(
    product="searchconsole",
    scopes=frozenset({scopes.WEBMASTERS, scopes.WEBMASTERS_READONLY}),
    legacy=True,
)
manage_sites = google_api(
    product="searchconsole", scopes=frozenset({scopes.WEBMASTERS}), legacy=True
)
verification = google_api(
    product="siteverification", scopes=frozenset({scopes.SITE_VERIFICATION}), legacy=True
)


@read_sites
def sites(request: HttpRequest, caller: FakeUser) -> dict:
    entries = [
        {"siteUrl": site["site"], "permissionLevel": _level(caller.email, site["site"])}
        for _, site in state.find("sc_listed", email=caller.email)
    ]
    return {"siteEntry": entries} if entries else {}


@read_sites
def get_site(request: HttpRequest, caller: FakeUser, site_url: str) -> dict:
    level = _level(caller.email, site_url)
    if level == "siteUnverifiedUser":
        raise denied(f"User does not have sufficient permission for site '{site_url}'.")
    return {"siteUrl": site_url, "permissionLevel": level}


@manage_sites
def add_site(request: HttpRequest, caller: FakeUser, site_url: str) -> None:
    state.put("sc_listed", f"{caller.email} {site_url}", {"email": caller.email, "site": site_url})


@manage_sites
def remove_site(request: HttpRequest, caller: FakeUser, site_url: str) -> None:
    if not state.delete("sc_listed", f"{caller.email} {site_url}"):
        raise not_found()


@verification
def web_resources(request: HttpRequest, caller: FakeUser) -> dict:
    """The resources the caller verified themselves."""
    items = [
        _resource(rid, resource)
        for rid, resource in state.find("sv_resource")
        if caller.email in resource["verified"]
    ]
    return {"items": items} if items else {}


@verification
def get_web_resource(request: HttpRequest, caller: FakeUser, resource_id: str) -> dict:
    resource = _owned(caller, resource_id)
    return _resource(resource_id, resource)


@verification
def update_web_resource(request: HttpRequest, caller: FakeUser, resource_id: str) -> dict:
    """The owners become exactly the list sent (webResource.update)."""
    resource = _owned(caller, resource_id)
    if caller.email not in resource["verified"]:
        raise denied("Only a verified owner can change the owners.")
    owners = [o.lower() for o in json_body(request).get("owners", [])]
    if caller.email not in owners:
        raise invalid("You cannot remove yourself as an owner with update: use delete.")
    if set(resource["verified"]) - set(owners):
        raise invalid("An owner who still has a verification token in place cannot be removed.")
    resource = resource | {"owners": owners}
    state.put("sv_resource", resource_id, resource)
    return _resource(resource_id, resource)


site = by_method(GET=get_site, PUT=add_site, DELETE=remove_site)
web_resource = by_method(GET=get_web_resource, PUT=update_web_resource)


def _level(email: str, site_url: str) -> str:
    resource = state.get("sv_resource", _resource_id(site_url))
    if resource and email in resource["owners"]:
        return "siteOwner"
    user = state.get("sc_user", f"{email} {site_url}")
    return user["level"] if user else "siteUnverifiedUser"


def _resource_id(site_url: str) -> str:
    """A domain property "sc-domain:example.com" is verified as "dns://example.com"; a
    URL-prefix property under its URL."""
    if site_url.startswith("sc-domain:"):
        return "dns://" + site_url.removeprefix("sc-domain:")
    return site_url


def _owned(caller: FakeUser, resource_id: str) -> dict[str, Any]:
    resource = state.get("sv_resource", resource_id)
    if resource is None:
        raise not_found()
    if caller.email not in resource["owners"]:
        raise denied("You are not an owner of this site.")
    return resource


def _resource(resource_id: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": quote(resource_id, safe=""),
        "site": {"type": resource["type"], "identifier": resource["identifier"]},
        "owners": resource["owners"],
    }
