"""Where LinkedIn lives: its real sign-in and Marketing API, or the sandbox served by this app
under /sandbox/linkedin/ when no LINKEDIN_CLIENT_ID is configured. Read from settings on every
call, so tests and the sandbox can move it (docs/platforms/linkedin.md#sign-in)."""

from dataclasses import dataclass

from django.conf import settings

SANDBOX_CLIENT_ID = "sandbox-linkedin-app"
SANDBOX_CLIENT_SECRET = "sandbox-linkedin-secret"  # noqa: S105 (the sandbox's well-known fake)


@dataclass(frozen=True)
class LinkedInSettings:
    client_id: str
    client_secret: str
    oauth_url: str  # https://www.linkedin.com/oauth/v2: authorization, accessToken, revoke
    rest_url: str  # https://api.linkedin.com/rest: the versioned Marketing API
    userinfo_url: str  # the OpenID Connect userinfo endpoint
    version: str  # the LinkedIn-Version header, YYYYMM
    sandbox: bool


def linkedin_settings() -> LinkedInSettings:
    sandbox = not settings.LINKEDIN_CLIENT_ID
    if sandbox:
        www = api = f"{settings.SITE_URL}/sandbox/linkedin"
    else:
        www, api = "https://www.linkedin.com", "https://api.linkedin.com"
    urls = settings.LINKEDIN_URLS
    return LinkedInSettings(
        client_id=SANDBOX_CLIENT_ID if sandbox else settings.LINKEDIN_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET if sandbox else settings.LINKEDIN_CLIENT_SECRET,
        oauth_url=urls.get("oauth") or f"{www}/oauth/v2",
        rest_url=urls.get("rest") or f"{api}/rest",
        userinfo_url=urls.get("userinfo") or f"{api}/v2/userinfo",
        version=settings.LINKEDIN_API_VERSION,
        sandbox=sandbox,
    )
