"""The HubSpot sandbox, mounted at /sandbox/hubspot/: the install page and the OAuth endpoints,
the user provisioning API under its real paths (the dated version in settings), and the users
page of HubSpot's settings where a Super Admin finishes what the API cannot do."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from agencyaccess.platforms.hubspot.config import hubspot_settings
from agencyaccess.platforms.hubspot.sandbox import api, oauth, pages


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The sandbox exists only while HubSpot is not configured, as the other sandboxes do."""

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not hubspot_settings().sandbox:
            raise Http404("The HubSpot sandbox is off: this installation uses HubSpot.")
        return view(request, *args, **kwargs)

    return wrapper


VERSION = settings.HUBSPOT_API_VERSION
USERS = f"settings/users/{VERSION}"
OAUTH = f"oauth/{VERSION}/token"

urlpatterns = [
    path("oauth/authorize", sandbox_only(oauth.authorize), name="hubspot-sandbox-authorize"),
    path(OAUTH, sandbox_only(oauth.token), name="hubspot-sandbox-token"),
    path(f"{OAUTH}/introspect", sandbox_only(oauth.introspect)),
    path(f"{OAUTH}/revoke", sandbox_only(oauth.revoke)),
    path(USERS, sandbox_only(api.users)),
    path(f"{USERS}/roles", sandbox_only(api.roles)),
    path(f"{USERS}/<str:user_key>", sandbox_only(api.user)),
    path("settings/<int:hub_id>/users/", sandbox_only(pages.users), name="hubspot-sandbox-users"),
]
