"""The Snapchat sandbox, mounted at /sandbox/snapchat/: Snap's sign-in endpoints and the
Marketing API calls under their real paths, plus a test hook for what the agency's person does
in Snapchat's e-mail (accepting the invitation)."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from agencyaccess.platforms.snapchat.config import snapchat_settings
from agencyaccess.platforms.snapchat.sandbox import api, oauth
from agencyaccess.platforms.snapchat.sandbox.api import ads_call


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The sandbox exists only while Snapchat is not configured."""

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not snapchat_settings().sandbox:
            raise Http404("The Snapchat sandbox is off: this installation uses Snapchat.")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    path(
        "login/oauth2/authorize", sandbox_only(oauth.authorize), name="snapchat-sandbox-authorize"
    ),
    path("login/oauth2/access_token", sandbox_only(oauth.token), name="snapchat-sandbox-token"),
    path("v1/me", sandbox_only(ads_call(GET=api.me))),
    path("v1/me/organizations", sandbox_only(ads_call(GET=api.my_organizations))),
    path(
        "v1/organizations/<str:organization>/members",
        sandbox_only(ads_call(GET=api.list_members, POST=api.create_members)),
    ),
    path(
        "v1/organizations/<str:organization>/roles",
        sandbox_only(ads_call(POST=api.create_organization_roles)),
    ),
    path(
        "v1/adaccounts/<str:ad_account>/roles",
        sandbox_only(ads_call(POST=api.create_ad_account_roles)),
    ),
    path(
        "v1/members/<str:member_id>",
        sandbox_only(ads_call(GET=api.get_member, DELETE=api.delete_member)),
    ),
    path("v1/members/<str:member_id>/roles", sandbox_only(ads_call(GET=api.member_roles))),
    path("v1/roles/<str:role_id>", sandbox_only(ads_call(DELETE=api.delete_role))),
    path(
        "testapi/members/<uuid:member_id>/accept/",  # Snap's member ids are UUIDs
        sandbox_only(api.accept_invitation),
    ),
]
