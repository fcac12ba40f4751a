"""Google Merchant Center: the client invites the agency as a user of the account, and the agency
accepts the e-mailed invitation (Merchant API accounts/v1,
docs/platforms/google.md#merchant-center: an invitation)."""

from collections.abc import Sequence
from urllib.parse import quote

from django.utils.translation import gettext as _

from agencyaccess.lib.parallel import map_side_by_side
from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    TokenSet,
)
from agencyaccess.platforms.google.api import GoogleApi, GoogleError
from agencyaccess.platforms.google.connectors import (
    GoogleConnector,
    active,
    granted,
    invited,
    revoked,
)
from agencyaccess.platforms.google.scopes import SERVICE_SCOPES


class MerchantApi(GoogleApi):
    def failure(self, error: GoogleError) -> ConnectorError:
        # Every call from a Google Cloud project not registered with Merchant Center fails with
        # 401 "GCP project … is not registered with the merchant account"
        # (developers.google.com/merchant/api/guides/quickstart/registration): that is the
        # installation's set-up, not the person's sign-in.
        if error.http_status == 401 and "not registered" in error.message:
            return ConnectorError(
                _(
                    "This AgencyAccess installation is not yet registered with Google Merchant "
                    "Center. Please tell your agency: the administrator of the installation has "
                    "to register its Google Cloud project with the Merchant API once."
                ),
                platform_code=error.status or None,
                http_status=error.http_status,
            )
        return super().failure(error)


MERCHANT = MerchantApi("merchant", "Google Merchant Center")


class GoogleMerchantCenter(GoogleConnector):
    service_keys = ("google_merchant_center",)
    required_scopes = SERVICE_SCOPES["google_merchant_center"]
    product = MERCHANT.product

    def list_assets(self, tokens: TokenSet, service_key: str) -> Sequence[Asset]:
        self.check_scopes(tokens)
        accounts = MERCHANT.pages("/accounts/v1/accounts", tokens, "accounts")
        return map_side_by_side(lambda account: self._account(tokens, account), accounts)

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        self.check_scopes(tokens)
        account, email = request.asset.external_id, request.agency.email
        reply = MERCHANT.send(
            "POST",
            f"/accounts/v1/{account}/users",
            tokens,
            params={"userId": email},
            json={"accessRights": [request.native_role]},
        )
        user = reply.data
        if reply.error and reply.error.status == "ALREADY_EXISTS":
            user = MERCHANT.call("GET", _user_path(account, email), tokens)
        elif reply.error:
            raise MERCHANT.failure(reply.error)
        if user.get("state") == "VERIFIED":
            return granted(user["name"], request.native_role, email, request.asset.name)
        return invited(user["name"], request.native_role, email)

    def verify_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        reply = MERCHANT.send("GET", _user_path(ref.asset_id, ref.agency.email), tokens)
        if reply.error and reply.error.status == "NOT_FOUND":
            return revoked()
        if reply.error:
            raise MERCHANT.failure(reply.error)
        if reply.data.get("state") == "VERIFIED":
            return active(ref.native_ref)
        return invited(ref.native_ref, ref.native_role, ref.agency.email)

    def verify_as_agency(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        """The account is among the agency's once it accepted; before that, nothing shows."""
        names = {a["name"] for a in MERCHANT.pages("/accounts/v1/accounts", tokens, "accounts")}
        if ref.asset_id in names:
            return active(ref.native_ref)
        return invited(ref.native_ref, ref.native_role, ref.agency.email)

    def revoke_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome:
        reply = MERCHANT.send("DELETE", _user_path(ref.asset_id, ref.agency.email), tokens)
        if reply.error and reply.error.status != "NOT_FOUND":
            raise MERCHANT.failure(reply.error)
        return revoked(ref.native_ref)

    def _account(self, tokens: TokenSet, account: dict) -> Asset:
        # `me` is the signed-in person (accounts.users.get); only admins may add users.
        me = MERCHANT.call("GET", f"/accounts/v1/{account['name']}/users/me", tokens)
        admin = "ADMIN" in me.get("accessRights", [])
        return Asset(
            asset_type="merchant_account",
            external_id=account["name"],
            name=account.get("accountName") or account["name"],
            grantable=admin,
            not_grantable_reason=""
            if admin
            else _(
                "You are not an administrator of this Merchant Center account. Ask an "
                "administrator to share it, or to make you an administrator."
            ),
        )


def _user_path(account: str, email: str) -> str:
    return f"/accounts/v1/{account}/users/{quote(email, safe='@')}"
