"""Where TikTok lives: the real TikTok API for Business, or the sandbox served by this app under
/sandbox/tiktok/ when no TIKTOK_APP_ID is configured. Read from settings on every call, so tests
and the sandbox can move it; `TIKTOK_URLS` entries replace a whole base URL, version included."""

from dataclasses import dataclass

from django.conf import settings

SANDBOX_APP_ID = "sandbox-tiktok-app"
SANDBOX_APP_SECRET = "sandbox-tiktok-secret"  # noqa: S105 (the sandbox's well-known fake secret)
API_VERSION = "v1.3"


@dataclass(frozen=True)
class TikTokSettings:
    app_id: str
    secret: str
    authorize_url: str  # the advertiser authorization page (docs/platforms/tiktok.md#sign-in)
    api_url: str  # with the version: https://business-api.tiktok.com/open_api/v1.3
    sandbox: bool

    def partner_requests_url(self, bc_id: str) -> str:
        """Where the agency's Business Center sees partner requests (Business Center >
        Partners) [infer]."""
        if self.sandbox:
            return f"{settings.SITE_URL}/sandbox/tiktok/bc/{bc_id}/partners/"
        return f"https://business.tiktok.com/manage/partner?org_id={bc_id}"


def tiktok_settings() -> TikTokSettings:
    sandbox = not settings.TIKTOK_APP_ID
    base = f"{settings.SITE_URL}/sandbox/tiktok" if sandbox else "https://business-api.tiktok.com"
    return TikTokSettings(
        app_id=SANDBOX_APP_ID if sandbox else settings.TIKTOK_APP_ID,
        secret=SANDBOX_APP_SECRET if sandbox else settings.TIKTOK_APP_SECRET,
        authorize_url=settings.TIKTOK_URLS.get("authorize") or f"{base}/portal/auth",
        api_url=settings.TIKTOK_URLS.get("api") or f"{base}/open_api/{API_VERSION}",
        sandbox=sandbox,
    )
