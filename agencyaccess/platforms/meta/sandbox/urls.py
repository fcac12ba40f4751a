"""The Meta sandbox, mounted at /sandbox/meta/: Facebook Login and the Graph API under their
real paths (the version first, as on graph.facebook.com).
Asset ids are slugs ("act_1…", "5000…"): anything else, a NUL byte say, which PostgreSQL refuses
in a query with an error, is a 404 before the view runs."""

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import re_path

from agencyaccess.platforms.meta.config import meta_settings
from agencyaccess.platforms.meta.sandbox import api, oauth

VERSION = r"(?P<version>v\d+\.\d+)"
NODE = r"(?P<node>[A-Za-z0-9_]+)"


def sandbox_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The sandbox exists only while Meta is not configured, as Google's does: once META_APP_ID
    is set, its fake login and Graph API answer 404 (anyone could otherwise
    fill the database with its codes and tokens, or show a fake Facebook login on this site)."""

    @wraps(view)  # keeps csrf_exempt
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not meta_settings().sandbox:
            raise Http404("The Meta sandbox is off: this installation uses the real Meta.")
        return view(request, *args, **kwargs)

    return wrapper


urlpatterns = [
    re_path(rf"^{VERSION}/dialog/oauth$", sandbox_only(oauth.dialog), name="meta-sandbox-dialog"),
    re_path(
        rf"^{VERSION}/oauth/access_token$",
        sandbox_only(oauth.access_token),
        name="meta-sandbox-token",
    ),
    re_path(
        rf"^{VERSION}/debug_token$",
        sandbox_only(oauth.debug_token),
        name="meta-sandbox-debug-token",
    ),
    re_path(rf"^{VERSION}/me$", sandbox_only(api.me), name="meta-sandbox-me"),
    re_path(
        rf"^{VERSION}/{NODE}/(?P<edge>[a-z_]+)$", sandbox_only(api.edge), name="meta-sandbox-edge"
    ),
]
