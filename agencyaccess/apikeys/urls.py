from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path("api-keys/", pending_page, name="apikeys-list"),
]
