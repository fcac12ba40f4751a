from django.urls import path

from agencyaccess.lib.pending import pending_page

urlpatterns = [
    path("connected-accounts/", pending_page, name="platforms-accounts"),
]
