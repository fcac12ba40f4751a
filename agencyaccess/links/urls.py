from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path("links/", pending_page, name="links-list"),
]
