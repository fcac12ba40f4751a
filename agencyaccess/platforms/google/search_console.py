"""Google Search Console (docs/platforms/google.md#search-console).

Google has no API to add Full or Restricted users: those levels are steps the client follows in
Search Console. The Owner level is granted through the Site Verification API, which lets a
*verified* owner delegate ownership: the agency's address is added to the site's owners. Owners
can see everything and add or remove other users, so the messages say so plainly.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    GrantState,
    InsufficientRights,
    TokenSet,
)
from agencyaccess.platforms.google.api import GoogleApi
from agencyaccess.platforms.google.connectors import (
    GoogleConnector,
    active,
    best_effort,
    revoked,
)
from agencyaccess.platforms.google.scopes import SERVICE_SCOPES, WEBMASTERS

SITES = GoogleApi("search_console", "Google Search Console")
VERIFICATION = GoogleApi("site_verification", "Google Search Console")
OWNER = "OWNER"
# What the agency sees in its own site list once a level is in place (sites.list).
SEEN_AS = {
    "OWNER": {"siteOwner"},
    "FULL": {"siteOwner", "siteFullUser"},
    "RESTRICTED": {"siteOwner", "siteFullUser", "siteRestrictedUser"},
}


class GoogleSearchConsole(GoogleConnector):
    service_keys = ("google_search_console",)
    required_scopes = SERVICE_SCOPES["google_search_console"]
    product = SITES.product

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        self.check_scopes(tokens)
        verified = {_identity(r["site"]) for r in _verified_resources(tokens)}
        return [
            _site_asset(entry, verified)
            for entry in SITES.call("GET", "/sites", tokens).get("siteEntry", [])
            if entry["permissionLevel"] != "siteUnverifiedUser"
        ]

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        if request.native_role != OWNER:
            return _add_user_by_hand(
                request.asset.external_id, request.agency.email, request.native_role
            )
        self.check_scopes(tokens)
        site, email = request.asset.external_id, request.agency.email
        resource = _resource_of(tokens, site)
        if email.lower() not in {owner.lower() for owner in resource.get("owners", [])}:
            # The update replaces the owners with the list sent: send all of them, plus one.
            VERIFICATION.call(
                "PUT",
                f"/webResource/{resource['id']}",
                tokens,
                json={**resource, "owners": [*resource.get("owners", []), email]},
            )
        agency_sees_it = self._add_to_agency_list(request.agency.tokens, site)
        return GrantOutcome(
            GrantState.ACTIVE,
            native_ref=resource["id"],
            native_role=OWNER,
            # Translators: %(email)s is the agency's e-mail address, %(site)s a Search Console property.
            message=_(
                "Done: %(email)s is now an owner of %(site)s. Owners can see all the data and "
                "add or remove other users, so remove this access when you stop working with "
                "the agency."
            )
            % {"email": email, "site": site}
            + ("" if agency_sees_it else " " + _not_listed_yet()),
        )

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if ref.native_role != OWNER:
            return self._verify_added_by_hand(ref)
        return super().verify(ref, client_tokens=client_tokens)

    def verify_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        reply = VERIFICATION.send("GET", f"/webResource/{ref.native_ref}", tokens)
        if reply.error and reply.error.http_status == 404:
            return revoked()
        if reply.error:
            raise VERIFICATION.failure(reply.error)
        owners = {owner.lower() for owner in reply.data.get("owners", [])}
        return active(ref.native_ref) if ref.agency.email.lower() in owners else revoked()

    def verify_as_agency(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        level = _agency_level(tokens, ref.asset_id)
        return active(ref.native_ref) if level in SEEN_AS[OWNER] else revoked()

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if ref.native_role != OWNER:
            return _remove_user_by_hand(ref.asset_id, ref.agency.email)
        return super().revoke(ref, client_tokens=client_tokens)

    def revoke_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        reply = VERIFICATION.send("GET", f"/webResource/{ref.native_ref}", tokens)
        if reply.error and reply.error.http_status == 404:
            return revoked(ref.native_ref)
        if reply.error:
            raise VERIFICATION.failure(reply.error)
        resource = reply.data
        owners = [o for o in resource.get("owners", []) if o.lower() != ref.agency.email.lower()]
        if owners != resource.get("owners", []):
            VERIFICATION.call(
                "PUT", f"/webResource/{ref.native_ref}", tokens, json={**resource, "owners": owners}
            )
        return revoked(ref.native_ref)

    def _add_to_agency_list(self, agency_tokens: TokenSet | None, site: str) -> bool:
        """A new owner does not see the property until it is in their own list
        (googleapis/google-api-php-client-services#5428): add it with the agency's sign-in."""
        if agency_tokens is None or WEBMASTERS not in agency_tokens.scopes:
            return False
        try:
            SITES.call("PUT", f"/sites/{_quoted(site)}", agency_tokens)
        except ConnectorError as e:
            best_effort("add the site to the agency's Search Console", e)
            return False
        return True

    def _verify_added_by_hand(self, ref: GrantRef) -> GrantOutcome:
        """Full and Restricted users are added by hand; once they are, the site shows in the
        agency's own list with that permission."""
        if ref.agency.tokens and _agency_level(ref.agency.tokens, ref.asset_id) in SEEN_AS.get(
            ref.native_role, set()
        ):
            return active(ref.native_ref)
        return _add_user_by_hand(ref.asset_id, ref.agency.email, ref.native_role)


def _verified_resources(tokens: TokenSet) -> list[dict[str, Any]]:
    """The sites the person verified themselves (webResource.list): only those can be shared."""
    return VERIFICATION.call("GET", "/webResource", tokens).get("items", [])


def _resource_of(tokens: TokenSet, site: str) -> dict[str, Any]:
    # Google's resource ids are the URL-encoded site, used as returned (webResource.list).
    for resource in _verified_resources(tokens):
        if _identity(resource["site"]) == _site_identity(site):
            return resource
    raise InsufficientRights(_delegated_owner_reason())


def _agency_level(tokens: TokenSet, site: str) -> str:
    reply = SITES.send("GET", f"/sites/{_quoted(site)}", tokens)
    if reply.error and reply.error.http_status in (403, 404):
        return ""
    if reply.error:
        raise SITES.failure(reply.error)
    return reply.data.get("permissionLevel", "")


def _site_asset(entry: dict[str, Any], verified: set[tuple[str, str]]) -> Asset:
    site, level = entry["siteUrl"], entry["permissionLevel"]
    reason = ""
    if level != "siteOwner":
        reason = _(
            "You are a user of this property, not an owner. Only an owner can share it: ask "
            "the owner to add the agency."
        )
    elif _site_identity(site) not in verified:
        reason = _delegated_owner_reason()
    return Asset(
        asset_type="site",
        external_id=site,
        name=site.removeprefix("sc-domain:"),
        grantable=not reason,
        not_grantable_reason=reason,
        metadata={"permission_level": level},
    )


def _site_identity(site: str) -> tuple[str, str]:
    """A Search Console property as Site Verification names it: a domain property
    "sc-domain:example.com" is an INET_DOMAIN, a URL-prefix property a SITE."""
    if site.startswith("sc-domain:"):
        return ("INET_DOMAIN", site.removeprefix("sc-domain:"))
    return ("SITE", site)


def _identity(resource_site: dict[str, str]) -> tuple[str, str]:
    return (resource_site["type"], resource_site["identifier"])


def _quoted(site: str) -> str:
    return quote(site, safe="")


def _delegated_owner_reason() -> str:
    return _(
        "You are an owner of this property through someone else, not its verified owner. "
        "Only the person who verified it (with the HTML tag or the DNS record) can make the "
        "agency an owner: ask them to share it."
    )


def _not_listed_yet() -> str:
    return _(
        "The agency will see the property once it adds it in its own Search Console; its "
        "ownership is already verified."
    )


def _level_label(native_role: str) -> str:
    return _("Full") if native_role == "FULL" else _("Restricted")


def _add_user_by_hand(site: str, email: str, native_role: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        native_role=native_role,
        # Translators: %(site)s is a Search Console property, %(email)s the agency's e-mail address, %(permission)s "Full" or "Restricted".
        message=_(
            "Google offers no way for apps to add Search Console users, so this step is done "
            "by hand and takes a minute: open Search Console for %(site)s (the button below), go "
            "to Settings, then Users and permissions, click Add user, enter %(email)s, choose "
            "the permission %(permission)s and click Add."
        )
        % {"site": site, "email": email, "permission": _level_label(native_role)},
        next_action_url=_users_page(site),
    )


def _remove_user_by_hand(site: str, email: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        # Translators: %(site)s is a Search Console property, %(email)s the agency's e-mail address.
        message=_(
            "Google offers no way for apps to remove Search Console users: open Search Console "
            "for %(site)s, go to Settings, then Users and permissions, and remove %(email)s."
        )
        % {"site": site, "email": email},
        next_action_url=_users_page(site),
    )


def _users_page(site: str) -> str:
    return f"https://search.google.com/search-console/users?resource_id={_quoted(site)}"
