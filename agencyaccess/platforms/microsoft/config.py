"""Where Microsoft Advertising lives: the Microsoft identity platform and the Customer Management
API v13 (REST), or the sandbox served by this app under /sandbox/microsoft/ when no
MICROSOFT_CLIENT_ID is configured. Read from settings on every call, so tests and the sandbox can
move it; `MICROSOFT_URLS` entries replace a whole base URL (docs/platforms/microsoft.md#settings).
"""

from dataclasses import dataclass

from django.conf import settings

SANDBOX_CLIENT_ID = "sandbox-microsoft-app"
SANDBOX_CLIENT_SECRET = "sandbox-microsoft-secret"  # noqa: S105 (the sandbox's fake secret)
SANDBOX_DEVELOPER_TOKEN = "sandbox-developer-token"  # noqa: S105 (likewise)

# The one scope the Customer Management API takes since multi-factor authentication became
# mandatory, and the one that brings a refresh token (docs/platforms/microsoft.md#sign-in).
MANAGE_SCOPE = "https://ads.microsoft.com/msads.manage"
OFFLINE_SCOPE = "offline_access"


@dataclass(frozen=True)
class MicrosoftSettings:
    client_id: str
    client_secret: str
    developer_token: str
    authorize_url: str
    token_url: str
    api_url: str  # the Customer Management REST root, version included
    sandbox: bool

    @property
    def ads_url(self) -> str:
        """Where a client accepts a link request or an agency an invitation by hand."""
        if self.sandbox:
            return f"{settings.SITE_URL}/sandbox/microsoft/"
        return "https://ads.microsoft.com/"


def microsoft_settings() -> MicrosoftSettings:
    sandbox = not settings.MICROSOFT_CLIENT_ID
    urls = settings.MICROSOFT_URLS
    if sandbox:
        login = api = f"{settings.SITE_URL}/sandbox/microsoft"
    else:
        login = "https://login.microsoftonline.com"
        api = "https://clientcenter.api.bingads.microsoft.com"
    # "common": work or school and personal Microsoft accounts alike sign in, as the Ads
    # authentication guide asks of the app registration.
    tenant = f"{login}/common/oauth2/v2.0"
    return MicrosoftSettings(
        client_id=SANDBOX_CLIENT_ID if sandbox else settings.MICROSOFT_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET if sandbox else settings.MICROSOFT_CLIENT_SECRET,
        developer_token=(
            SANDBOX_DEVELOPER_TOKEN if sandbox else settings.MICROSOFT_ADS_DEVELOPER_TOKEN
        ),
        authorize_url=urls.get("authorize") or f"{tenant}/authorize",
        token_url=urls.get("token") or f"{tenant}/token",
        api_url=urls.get("customer_management") or f"{api}/CustomerManagement/v13",
        sandbox=sandbox,
    )
