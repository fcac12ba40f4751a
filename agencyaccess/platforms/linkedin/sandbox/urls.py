"""The LinkedIn sandbox, mounted at /sandbox/linkedin/: the sign-in under www.linkedin.com's
paths, the Marketing API under api.linkedin.com's (`rest/…`, `v2/userinfo`). Compound keys are
matched loosely here and parsed by the views, which refuse what LinkedIn would."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, re_path

from agencyaccess.platforms.linkedin.config import linkedin_settings
from agencyaccess.platforms.linkedin.sandbox import api, oauth

KEY = r"(?P<raw_key>\([A-Za-z0-9:_,.\-]+\))"


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Off (404) once LinkedIn is configured, as Google's and Meta's sandboxes are."""

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not linkedin_settings().sandbox:
            raise Http404("The LinkedIn sandbox is off: this installation uses the real LinkedIn.")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path(
        "oauth/v2/authorization",
        sandbox_only(oauth.authorization),
        name="linkedin-sandbox-authorize",
    ),
    path("oauth/v2/accessToken", sandbox_only(oauth.access_token), name="linkedin-sandbox-token"),
    path("oauth/v2/revoke", sandbox_only(oauth.revoke), name="linkedin-sandbox-revoke"),
    path("v2/userinfo", sandbox_only(oauth.userinfo), name="linkedin-sandbox-userinfo"),
    path(
        "rest/adAccountUsers",
        sandbox_only(api.ad_account_users),
        name="linkedin-sandbox-account-users",
    ),
    re_path(
        rf"^rest/adAccountUsers/{KEY}$",
        sandbox_only(api.ad_account_user),
        name="linkedin-sandbox-account-user",
    ),
    path("rest/adAccounts", sandbox_only(api.ad_accounts), name="linkedin-sandbox-accounts"),
    path(
        "rest/organizationAcls", sandbox_only(api.organization_acls), name="linkedin-sandbox-acls"
    ),
    re_path(
        rf"^rest/organizationAcls/{KEY}$",
        sandbox_only(api.organization_acl),
        name="linkedin-sandbox-acl",
    ),
    path(
        "rest/organizations", sandbox_only(api.organizations), name="linkedin-sandbox-organizations"
    ),
]
