from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path("intake-form/", pending_page, name="links-intake-form"),
]
