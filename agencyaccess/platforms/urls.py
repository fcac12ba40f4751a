from django.urls import include, path

from agencyaccess.platforms import oauth
from agencyaccess.platforms.registry import INTEGRATIONS

urlpatterns = [
    path("oauth/<str:platform>/callback/", oauth.callback, name="platforms-oauth-callback"),
    *(
        path(f"sandbox/{key}/", include(integration.sandbox_urls))
        for key, integration in INTEGRATIONS.items()
    ),
]
