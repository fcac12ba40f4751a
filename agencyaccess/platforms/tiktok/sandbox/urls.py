"""The TikTok sandbox, mounted at /sandbox/tiktok/: the advertiser authorization page and the
API for Business under their real paths (/portal/auth, /open_api/v1.3/…)."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from agencyaccess.platforms.tiktok.config import tiktok_settings
from agencyaccess.platforms.tiktok.sandbox import api, oauth


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The sandbox exists only while TikTok is not configured, like Google's and Meta's."""

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not tiktok_settings().sandbox:
            raise Http404("The TikTok sandbox is off: this installation uses the real TikTok.")
        return view(request, *args, **kwargs)

    return wrapper


API = "open_api/v1.3/"
ENDPOINTS = {
    "oauth2/access_token/": api.access_token,
    "oauth2/revoke_token/": api.revoke_token,
    "oauth2/advertiser/get/": api.advertiser_get,
    "user/info/": api.user_info,
    "bc/get/": api.bc_get,
    "bc/asset/get/": api.bc_asset_get,
    "bc/asset/admin/get/": api.asset_admin_get,
    "bc/partner/add/": api.partner_add,
    "bc/partner/asset/get/": api.partner_asset_get,
    "bc/partner/asset/delete/": api.partner_asset_delete,
}

urlpatterns = [
    path("portal/auth", sandbox_only(oauth.authorize), name="tiktok-sandbox-auth"),
    *(
        path(API + route, sandbox_only(view), name=f"tiktok-sandbox-{route.strip('/')}")
        for route, view in ENDPOINTS.items()
    ),
]
