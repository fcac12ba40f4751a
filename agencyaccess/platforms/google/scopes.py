"""The OAuth scopes each Google service needs (docs/platforms/google.md#sign-in), in one place: the
sign-in
asks for them, the connectors check them, the sandbox enforces them."""

AUTH = "https://www.googleapis.com/auth/"
ADWORDS = AUTH + "adwords"
ANALYTICS_READONLY = AUTH + "analytics.readonly"
ANALYTICS_MANAGE_USERS = AUTH + "analytics.manage.users"
ANALYTICS_MANAGE_USERS_READONLY = AUTH + "analytics.manage.users.readonly"
TAGMANAGER_READONLY = AUTH + "tagmanager.readonly"
TAGMANAGER_MANAGE_USERS = AUTH + "tagmanager.manage.users"
WEBMASTERS = AUTH + "webmasters"
WEBMASTERS_READONLY = AUTH + "webmasters.readonly"
SITE_VERIFICATION = AUTH + "siteverification"
CONTENT = AUTH + "content"
BUSINESS_MANAGE = AUTH + "business.manage"

# Sign-in scopes: who signed in. Google reports "email" and "profile" back under their long
# names in the token response's `scope` (developers.google.com/identity/protocols/oauth2/scopes).
IDENTITY = ("openid", "email", "profile")
USERINFO_EMAIL = AUTH + "userinfo.email"
USERINFO_PROFILE = AUTH + "userinfo.profile"

SERVICE_SCOPES: dict[str, frozenset[str]] = {
    "google_ads": frozenset({ADWORDS}),
    "google_ads_mcc": frozenset({ADWORDS}),
    "google_analytics": frozenset({ANALYTICS_READONLY, ANALYTICS_MANAGE_USERS}),
    "google_tag_manager": frozenset({TAGMANAGER_READONLY, TAGMANAGER_MANAGE_USERS}),
    "google_merchant_center": frozenset({CONTENT}),
    "google_business_profile": frozenset({BUSINESS_MANAGE}),
    # `webmasters` rather than the table's `webmasters.readonly`: the same sign-in serves the
    # agency, whose copy of the site is added to its own list with sites.add, which needs the
    # full scope (developers.google.com/webmaster-tools/v1/sites/add).
    "google_search_console": frozenset({WEBMASTERS, SITE_VERIFICATION}),
}
