"""Google Analytics (GA4): the agency is added to a property at once, with an access binding
(docs/platforms/google.md#analytics: a direct grant). Bindings exist only in the Admin API's
v1alpha."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import map_side_by_side
from agencyaccess.platforms.base import (
    Asset,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    GrantState,
    TokenSet,
)
from agencyaccess.platforms.google.api import GoogleApi, GoogleError
from agencyaccess.platforms.google.connectors import GoogleConnector, active, granted, revoked
from agencyaccess.platforms.google.scopes import SERVICE_SCOPES

ADMIN_API = GoogleApi("analytics_admin", "Google Analytics")


class GoogleAnalytics(GoogleConnector):
    service_keys = ("google_analytics",)
    required_scopes = SERVICE_SCOPES["google_analytics"]
    product = ADMIN_API.product

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        self.check_scopes(tokens)
        properties = [
            (account, summary)
            for account in ADMIN_API.pages(
                "/v1beta/accountSummaries", tokens, "accountSummaries", {"pageSize": 200}
            )
            for summary in account.get("propertySummaries", [])
        ]
        return map_side_by_side(lambda p: self._property(tokens, *p), properties)

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self.check_scopes(tokens)
        email = request.agency.email
        reply = ADMIN_API.send(
            "POST",
            f"/v1alpha/{request.asset.external_id}/accessBindings",
            tokens,
            json={"user": email, "roles": [request.native_role]},
        )
        if reply.error and reply.error.status == "INVALID_ARGUMENT":
            # The user must be an existing Google Account; any other address is refused
            # ("This email doesn't match a Google Account", docs/platforms/google.md#analytics).
            return GrantOutcome(
                GrantState.FAILED,
                # Translators: %(email)s is the agency's e-mail address.
                message=_(
                    "Google Analytics did not accept %(email)s, usually because that address "
                    "is not a Google account. The agency needs to use an address that signs in "
                    "to Google; nothing was changed on your property."
                )
                % {"email": email},
            )
        binding = reply.data
        if reply.error:
            binding = self._existing_binding(tokens, request, reply.error)
        return granted(binding["name"], ",".join(binding["roles"]), email, request.asset.name)

    def verify_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        reply = ADMIN_API.send("GET", f"/v1alpha/{ref.native_ref}", tokens)
        if reply.error and reply.error.status == "NOT_FOUND":
            return revoked()
        if reply.error:
            raise ADMIN_API.failure(reply.error)
        return active(ref.native_ref, ",".join(reply.data.get("roles", [])))

    def verify_as_agency(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        visible = any(
            summary["property"] == ref.asset_id
            for account in ADMIN_API.pages(
                "/v1beta/accountSummaries", tokens, "accountSummaries", {"pageSize": 200}
            )
            for summary in account.get("propertySummaries", [])
        )
        return active(ref.native_ref) if visible else revoked()

    def revoke_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        reply = ADMIN_API.send("DELETE", f"/v1alpha/{ref.native_ref}", tokens)
        if reply.error and reply.error.status != "NOT_FOUND":
            raise ADMIN_API.failure(reply.error)
        return revoked(ref.native_ref)

    def _property(self, tokens: TokenSet, account: dict, summary: dict) -> Asset:
        # Only administrators may read a property's access bindings, so reading one tells
        # whether the signed-in person can share the property.
        admin = ADMIN_API.permitted(
            ADMIN_API.send(
                "GET",
                f"/v1alpha/{summary['property']}/accessBindings",
                tokens,
                params={"pageSize": 1},
            )
        )
        return Asset(
            asset_type="property",
            external_id=summary["property"],
            name=summary["displayName"],
            parent_id=account["account"],
            parent_name=account.get("displayName"),
            grantable=admin,
            not_grantable_reason=""
            if admin
            else _(
                "You can see this property but are not an administrator of it. Ask an "
                "administrator to share it, or to make you an administrator."
            ),
        )

    def _existing_binding(
        self, tokens: TokenSet, request: GrantRequest, error: GoogleError
    ) -> dict:
        """One binding per user and property: when the agency already has one, it is kept as it
        is (a grant never takes away access the agency already had)."""
        if error.status == "ALREADY_EXISTS":
            parent = request.asset.external_id
            for binding in ADMIN_API.pages(
                f"/v1alpha/{parent}/accessBindings", tokens, "accessBindings"
            ):
                if binding.get("user", "").lower() == request.agency.email.lower():
                    return binding
        raise ADMIN_API.failure(error)
