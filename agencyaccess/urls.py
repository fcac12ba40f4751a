from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path

from agencyaccess.accounts.views.auth import admin_login
from agencyaccess.api import api

# A database outage answers 503 with Retry-After on the site's pages too (lib/unavailable.py).
handler500 = "agencyaccess.lib.unavailable.server_error"


def home(request):
    return redirect("links-list" if request.user.is_authenticated else "accounts-login")


urlpatterns = [
    path("", home, name="home"),
    path("api/", api.urls),
    # Before the admin's own: its login form would skip the second factor and the login limits.
    path("admin/login/", admin_login, name="accounts-admin-login"),
    path("admin/", admin.site.urls),
    path("", include("agencyaccess.platforms.urls")),
    path("", include("agencyaccess.onboarding.urls")),
    path("", include("agencyaccess.lifecycle.urls")),
    path("account/", include("agencyaccess.accounts.urls")),
    path("", include("agencyaccess.clients.urls")),
    path("", include("agencyaccess.links.urls")),
    path("", include("agencyaccess.links.intake_urls")),
    path("", include("agencyaccess.links.access_page_urls")),
    path("", include("agencyaccess.apikeys.urls")),
    path("", include("agencyaccess.platforms.dashboard_urls")),
    path("", include("agencyaccess.notify.urls")),
    path("", include("agencyaccess.notify.webhook_urls")),
    path("", include("agencyaccess.inventory.urls")),
    path("", include("agencyaccess.audit.urls")),
]
