from django.urls import path

from agencyaccess.lifecycle import views

urlpatterns = [
    # The client's side: under the link's own address, like every client page.
    path("l/<str:link_id>/access/", views.client_access, name="lifecycle-client-access"),
    path(
        "l/<str:link_id>/access/<int:grant_id>/remove/",
        views.client_revoke,
        name="lifecycle-client-revoke",
    ),
    path(
        "l/<str:link_id>/access/sign-in/<slug:platform>/",
        views.client_sign_in,
        name="lifecycle-client-sign-in",
    ),
    path("offboarding/<str:offboarding_id>/", views.confirmation, name="lifecycle-confirmation"),
    # The agency's side.
    path(
        "clients/<public_id:client_id>/offboard/",
        views.offboard_client,
        name="lifecycle-offboard-client",
    ),
    path(
        "links/<public_id:link_id>/services/<slug:service_key>/offboard/",
        views.offboard_service,
        name="lifecycle-offboard-service",
    ),
    path(
        "offboardings/<public_id:offboarding_id>/retry/",
        views.retry_offboarding,
        name="lifecycle-retry-offboarding",
    ),
]
