"""Where Snapchat lives: Snap's OAuth endpoints and the Marketing API (Ads API v1), or the sandbox
served by this app under /sandbox/snapchat/ when no SNAPCHAT_CLIENT_ID is configured. Read from
settings on every call, so tests and the sandbox can move it; `SNAPCHAT_URLS` entries replace a
whole base URL (docs/platforms/snapchat.md#settings).
"""

from dataclasses import dataclass

from django.conf import settings

SANDBOX_CLIENT_ID = "sandbox-snapchat-app"
SANDBOX_CLIENT_SECRET = "sandbox-snapchat-secret"  # noqa: S105 (the sandbox's fake secret)

# The one scope of the Marketing API (developers.snap.com/api/marketing-api/Ads-API/authentication).
MARKETING_SCOPE = "snapchat-marketing-api"


@dataclass(frozen=True)
class SnapchatSettings:
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    api_url: str  # the Ads API root, version included
    sandbox: bool

    @property
    def business_manager_url(self) -> str:
        """Where people manage members and roles by hand."""
        if self.sandbox:
            return f"{settings.SITE_URL}/sandbox/snapchat/"
        return "https://business.snapchat.com/"


def snapchat_settings() -> SnapchatSettings:
    sandbox = not settings.SNAPCHAT_CLIENT_ID
    urls = settings.SNAPCHAT_URLS
    if sandbox:
        accounts = api = f"{settings.SITE_URL}/sandbox/snapchat"
    else:
        accounts, api = "https://accounts.snapchat.com", "https://adsapi.snapchat.com"
    return SnapchatSettings(
        client_id=SANDBOX_CLIENT_ID if sandbox else settings.SNAPCHAT_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET if sandbox else settings.SNAPCHAT_CLIENT_SECRET,
        authorize_url=urls.get("authorize") or f"{accounts}/login/oauth2/authorize",
        token_url=urls.get("token") or f"{accounts}/login/oauth2/access_token",
        api_url=urls.get("ads") or f"{api}/v1",
        sandbox=sandbox,
    )
