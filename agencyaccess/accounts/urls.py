from django.contrib.auth import views as auth_views
from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="accounts-login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("no-agency/", pending_page, name="accounts-no-agency"),
    path("security/", pending_page, name="accounts-security"),
    path("team/", pending_page, name="accounts-team"),
    path("settings/", pending_page, name="accounts-settings"),
    path("branding/", pending_page, name="accounts-branding"),
]
