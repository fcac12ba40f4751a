from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path("access-pages/", pending_page, name="links-access-pages"),
]
