from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path("clients/", pending_page, name="clients-list"),
]
