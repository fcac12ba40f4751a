from django.contrib import admin
from django.urls import include, path

from agencyaccess.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("agencyaccess.platforms.urls")),
    path("", include("agencyaccess.onboarding.urls")),
]
