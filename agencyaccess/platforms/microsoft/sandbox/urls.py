"""The Microsoft sandbox, mounted at /sandbox/microsoft/: the identity platform's endpoints and
the Customer Management REST operations under their real paths, plus test hooks for what
people do in Microsoft's own pages (accepting an invitation from its e-mail)."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from agencyaccess.platforms.microsoft.config import microsoft_settings
from agencyaccess.platforms.microsoft.sandbox import api, oauth

OAUTH = "common/oauth2/v2.0"
CM = "CustomerManagement/v13"


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The sandbox exists only while Microsoft is not configured, as Google's and Meta's do."""

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not microsoft_settings().sandbox:
            raise Http404("The Microsoft sandbox is off: this installation uses Microsoft.")
        return view(request, *args, **kwargs)

    return wrapper


def by_method(**views: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """One REST path, several operations told apart by the HTTP method."""

    def view(request: HttpRequest) -> HttpResponse:
        chosen = views.get(request.method or "")
        if chosen is None:
            raise Http404("No such operation.")
        return chosen(request)

    view.csrf_exempt = True  # type: ignore[attr-defined]
    return view


urlpatterns = [
    path(f"{OAUTH}/authorize", sandbox_only(oauth.authorize), name="microsoft-sandbox-authorize"),
    path(f"{OAUTH}/token", sandbox_only(oauth.token), name="microsoft-sandbox-token"),
    path(f"{CM}/User/Query", sandbox_only(api.get_user)),
    path(f"{CM}/UserRoles", sandbox_only(by_method(PUT=api.update_user_roles))),
    path(f"{CM}/Customer/Query", sandbox_only(api.get_customer)),
    path(f"{CM}/Accounts/Search", sandbox_only(api.search_accounts)),
    path(
        f"{CM}/ClientLinks",
        sandbox_only(by_method(POST=api.add_client_links, PUT=api.update_client_links)),
    ),
    path(f"{CM}/ClientLinks/Search", sandbox_only(api.search_client_links)),
    path(f"{CM}/UserInvitation/Send", sandbox_only(api.send_user_invitation)),
    path(f"{CM}/UserInvitations/Search", sandbox_only(api.search_user_invitations)),
    path(
        "testapi/invitations/<int:number>/accept/<slug:person_key>/",
        sandbox_only(api.accept_invitation),
    ),
    path("testapi/invitations/<int:number>/expire/", sandbox_only(api.expire_invitation)),
    path(
        "testapi/clientlinks/<int:managing>/<int:account>/<str:status>/",
        sandbox_only(api.unlinking),
    ),
]
