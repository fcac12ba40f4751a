"""Where Meta lives: the real Facebook Login and Graph API, or the sandbox served by this app under
/sandbox/meta/ when no META_APP_ID is configured. Read from settings on every call, so tests and
the sandbox can move it; `META_URLS` entries replace a whole base URL, version included."""

from dataclasses import dataclass

from django.conf import settings

SANDBOX_APP_ID = "sandbox-meta-app"
SANDBOX_APP_SECRET = "sandbox-meta-secret"  # noqa: S105 (the sandbox's well-known fake secret)


@dataclass(frozen=True)
class MetaSettings:
    app_id: str
    app_secret: str
    config_id: str  # Facebook Login for Business configuration; replaces `scope` when set
    authorize_url: str
    graph_url: str  # with the version: https://graph.facebook.com/v26.0
    sandbox: bool


def meta_settings() -> MetaSettings:
    """Read on every call, so tests and the sandbox can redirect Meta. With no app id set, the
    local sandbox stands in; `META_URLS` entries replace a whole base URL, version included."""
    version = settings.META_API_VERSION
    sandbox = not settings.META_APP_ID
    if sandbox:
        facebook = graph = f"{settings.SITE_URL}/sandbox/meta"
    else:
        facebook, graph = "https://www.facebook.com", "https://graph.facebook.com"
    return MetaSettings(
        app_id=SANDBOX_APP_ID if sandbox else settings.META_APP_ID,
        app_secret=SANDBOX_APP_SECRET if sandbox else settings.META_APP_SECRET,
        config_id=settings.META_CONFIG_ID,
        authorize_url=settings.META_URLS.get("authorize") or f"{facebook}/{version}/dialog/oauth",
        graph_url=settings.META_URLS.get("graph") or f"{graph}/{version}",
        sandbox=sandbox,
    )
