"""Where Pinterest lives: its OAuth page and API v5, or the sandbox served by this app under
/sandbox/pinterest/ when no PINTEREST_CLIENT_ID is configured. Read from settings on every call,
so tests and the sandbox can move it; `PINTEREST_URLS` entries replace a whole base URL
(docs/platforms/pinterest.md#settings)."""

from dataclasses import dataclass

from django.conf import settings

SANDBOX_CLIENT_ID = "1500001"  # Pinterest app ids are numbers
SANDBOX_CLIENT_SECRET = "sandbox-pinterest-secret"  # noqa: S105 (the sandbox's fake secret)

# What the connector asks for (docs/platforms/pinterest.md#sign-in): business access to read
# and share, the ad accounts' names, and who signed in.
BIZ_READ, BIZ_WRITE, ADS_READ, ACCOUNT_READ = (
    "biz_access:read",
    "biz_access:write",
    "ads:read",
    "user_accounts:read",
)
SCOPES = (BIZ_READ, BIZ_WRITE, ADS_READ, ACCOUNT_READ)


@dataclass(frozen=True)
class PinterestSettings:
    client_id: str
    client_secret: str
    authorize_url: str  # https://www.pinterest.com/oauth/
    api_url: str  # with the version: https://api.pinterest.com/v5
    sandbox: bool

    @property
    def token_url(self) -> str:
        return f"{self.api_url}/oauth/token"

    def business_access_url(self, business_id: str) -> str:
        """Where a business's admin answers partner invites by hand (Business Manager, then
        Partners) [unconfirmed URL]."""
        if self.sandbox:
            return f"{settings.SITE_URL}/sandbox/pinterest/"
        return f"https://www.pinterest.com/business/business-access/{business_id}/partners/"


def pinterest_settings() -> PinterestSettings:
    sandbox = not settings.PINTEREST_CLIENT_ID
    urls = settings.PINTEREST_URLS
    if sandbox:
        www = api = f"{settings.SITE_URL}/sandbox/pinterest"
    else:
        www, api = "https://www.pinterest.com", "https://api.pinterest.com"
    return PinterestSettings(
        client_id=SANDBOX_CLIENT_ID if sandbox else settings.PINTEREST_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET if sandbox else settings.PINTEREST_CLIENT_SECRET,
        authorize_url=urls.get("authorize") or f"{www}/oauth/",
        api_url=urls.get("api") or f"{api}/v5",
        sandbox=sandbox,
    )
