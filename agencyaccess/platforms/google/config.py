"""Where Google lives: the real endpoints, or the sandbox served by this app under /sandbox/google/
when no GOOGLE_CLIENT_ID is configured (docs/platforms/README.md#sandboxes). Read from settings on
every call, so
tests and the sandbox can move it; any GOOGLE_URLS entry overrides one base URL."""

from urllib.parse import urlencode

from django.conf import settings

SANDBOX_CLIENT_ID = "sandbox-google-client"
SANDBOX_CLIENT_SECRET = "sandbox-google-secret"  # noqa: S105 (the sandbox's public fake)
SANDBOX_DEVELOPER_TOKEN = "sandbox-developer-token"  # noqa: S105
# A token the sandbox treats as approved for test accounts only (the setup check's tests).

# GOOGLE_URLS name -> (the real base URL, its path under /sandbox/google/).
BASE_URLS: dict[str, tuple[str, str]] = {
    "authorize": ("https://accounts.google.com/o/oauth2/v2/auth", "oauth/authorize"),
    "token": ("https://oauth2.googleapis.com/token", "oauth/token"),
    "revoke": ("https://oauth2.googleapis.com/revoke", "oauth/revoke"),
    "userinfo": ("https://openidconnect.googleapis.com/v1/userinfo", "oauth/userinfo"),
    "ads": ("https://googleads.googleapis.com", "ads"),
    "analytics_admin": ("https://analyticsadmin.googleapis.com", "analyticsadmin"),
    "tag_manager": ("https://tagmanager.googleapis.com/tagmanager/v2", "tagmanager/v2"),
    "merchant": ("https://merchantapi.googleapis.com", "merchant"),
    "business_accounts": (
        "https://mybusinessaccountmanagement.googleapis.com",
        "business/accounts",
    ),
    "business_information": (
        "https://mybusinessbusinessinformation.googleapis.com",
        "business/information",
    ),
    "search_console": ("https://www.googleapis.com/webmasters/v3", "webmasters/v3"),
    "site_verification": ("https://www.googleapis.com/siteVerification/v1", "siteVerification/v1"),
}


def in_sandbox() -> bool:
    return not settings.GOOGLE_CLIENT_ID


def base_url(name: str) -> str:
    if override := settings.GOOGLE_URLS.get(name):
        return override.rstrip("/")
    real, sandbox_path = BASE_URLS[name]
    return f"{settings.SITE_URL}/sandbox/google/{sandbox_path}" if in_sandbox() else real


def developer_token() -> str:
    return SANDBOX_DEVELOPER_TOKEN if in_sandbox() else settings.GOOGLE_ADS_DEVELOPER_TOKEN


def acceptance_url(email: str) -> str | None:
    """Where the agency accepts an e-mailed invitation: the sandbox's inbox page stands in for
    the agency's mailbox; with the real Google the invitation is in that mailbox."""
    if not in_sandbox():
        return None
    return f"{settings.SITE_URL}/sandbox/google/inbox/?{urlencode({'email': email})}"
