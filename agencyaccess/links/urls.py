from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path("links/", pending_page, name="links-list"),
    path("intake-form/", pending_page, name="links-intake-form"),
    path("access-pages/", pending_page, name="links-access-pages"),
]
