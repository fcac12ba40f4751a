"""Where HubSpot lives: its OAuth pages and API (the dated version 2026-03 of the user
provisioning and OAuth APIs), or the sandbox served by this app under /sandbox/hubspot/ when no
HUBSPOT_CLIENT_ID is configured. Read from settings on every call, so tests and the sandbox can
move it; `HUBSPOT_URLS` entries replace a whole base URL (docs/platforms/hubspot.md#settings).
"""

from dataclasses import dataclass

from django.conf import settings

SANDBOX_CLIENT_ID = "sandbox-hubspot-app"
SANDBOX_CLIENT_SECRET = "sandbox-hubspot-secret"  # noqa: S105 (the sandbox's fake secret)

# What the connector needs: reading the account's users and permission sets, and adding and
# removing users (docs/platforms/hubspot.md#sign-in).
USERS_READ = "settings.users.read"
USERS_WRITE = "settings.users.write"
SCOPES = (USERS_READ, USERS_WRITE)
# What the install URL asks for: HubSpot requires every scope the app marks as required in the
# URL's `scope`, and `oauth` is required of every app; without it installing fails.
OAUTH = "oauth"
INSTALL_SCOPES = (OAUTH, *SCOPES)


@dataclass(frozen=True)
class HubSpotSettings:
    client_id: str
    client_secret: str
    authorize_url: str
    api_url: str  # the API's root, no version: https://api.hubapi.com
    version: str  # the dated API version, e.g. "2026-03"
    sandbox: bool

    @property
    def users_url(self) -> str:
        return f"{self.api_url}/settings/users/{self.version}"

    @property
    def oauth_url(self) -> str:
        return f"{self.api_url}/oauth/{self.version}/token"

    def users_page(self, hub_id: str) -> str:
        """Where a Super Admin of the account manages its users by hand."""
        if self.sandbox:
            return f"{settings.SITE_URL}/sandbox/hubspot/settings/{hub_id}/users/"
        return f"https://app.hubspot.com/settings/{hub_id}/users"


def hubspot_settings() -> HubSpotSettings:
    sandbox = not settings.HUBSPOT_CLIENT_ID
    urls = settings.HUBSPOT_URLS
    root = f"{settings.SITE_URL}/sandbox/hubspot"
    return HubSpotSettings(
        client_id=SANDBOX_CLIENT_ID if sandbox else settings.HUBSPOT_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET if sandbox else settings.HUBSPOT_CLIENT_SECRET,
        authorize_url=urls.get("authorize")
        or (f"{root}/oauth/authorize" if sandbox else "https://app.hubspot.com/oauth/authorize"),
        api_url=urls.get("api") or (root if sandbox else "https://api.hubapi.com"),
        version=settings.HUBSPOT_API_VERSION,
        sandbox=sandbox,
    )
