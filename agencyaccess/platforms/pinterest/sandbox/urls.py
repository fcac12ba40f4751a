"""The Pinterest sandbox, mounted at /sandbox/pinterest/: the OAuth page (Pinterest's
www.pinterest.com/oauth/) and the API v5 operations the connector makes, under their real
paths."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from agencyaccess.platforms.pinterest.config import pinterest_settings
from agencyaccess.platforms.pinterest.sandbox import api, contract, oauth


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The sandbox exists only while Pinterest is not configured, as the others' do; what it
    receives and answers is held against Pinterest's definitions in the tests (contract.py)."""

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not pinterest_settings().sandbox:
            raise Http404("The Pinterest sandbox is off: this installation uses Pinterest.")
        checked = contract.exchange(request)
        return checked(view(request, *args, **kwargs))

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


BUSINESS = "v5/businesses/<str:business_id>"
urlpatterns = [
    path("oauth/", sandbox_only(oauth.authorize), name="pinterest-sandbox-authorize"),
    path("v5/oauth/token", sandbox_only(oauth.token), name="pinterest-sandbox-token"),
    path("v5/user_account", sandbox_only(api.user_account)),
    path("v5/ad_accounts", sandbox_only(api.ad_accounts)),
    path("v5/businesses/employers", sandbox_only(api.employers)),
    path("v5/businesses/invites", sandbox_only(api.respond_to_invites)),
    path(f"{BUSINESS}/invites", sandbox_only(api.invites)),
    path(f"{BUSINESS}/invites/assets/access", sandbox_only(api.invite_assets)),
    path(f"{BUSINESS}/partners", sandbox_only(api.partners)),
    path(f"{BUSINESS}/partners/assets", sandbox_only(api.partner_assets)),
    path(f"{BUSINESS}/partners/<str:partner_id>/assets", sandbox_only(api.partner_asset_access)),
    path(f"{BUSINESS}/assets", sandbox_only(api.business_assets)),
    path(f"{BUSINESS}/assets/<str:asset_id>/partners", sandbox_only(api.asset_partners)),
]
