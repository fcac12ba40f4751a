from django.urls import path

from agencyaccess.platforms import dashboard_views as views

urlpatterns = [
    path("connected-accounts/", views.accounts, name="platforms-accounts"),
    path("connected-accounts/<str:platform>/add/", views.add_account, name="platforms-add-account"),
    path("connected-accounts/<str:platform>/connect/", views.connect, name="platforms-connect"),
    path(
        "connected-accounts/<public_id:account_id>/edit/",
        views.edit_account,
        name="platforms-edit-account",
    ),
    path(
        "connected-accounts/<public_id:account_id>/refresh/",
        views.refresh,
        name="platforms-refresh-account",
    ),
    path(
        "connected-accounts/<public_id:account_id>/choose/",
        views.choose_detail,
        name="platforms-choose-detail",
    ),
    path(
        "connected-accounts/<public_id:account_id>/disconnect/",
        views.disconnect,
        name="platforms-disconnect-account",
    ),
]
