from django.urls import path

from agencyaccess.notify import webhook_views as views

ENDPOINT = "webhooks/<public_id:endpoint_id>"

urlpatterns = [
    path("webhooks/", views.webhooks_list, name="notify-webhooks"),
    path("webhooks/new/", views.create_webhook, name="notify-create-webhook"),
    path(f"{ENDPOINT}/", views.webhook, name="notify-webhook"),
    path(f"{ENDPOINT}/edit/", views.edit_webhook, name="notify-edit-webhook"),
    path(f"{ENDPOINT}/enable/", views.enable_webhook, name="notify-enable-webhook"),
    path(f"{ENDPOINT}/disable/", views.disable_webhook, name="notify-disable-webhook"),
    path(f"{ENDPOINT}/delete/", views.delete_webhook, name="notify-delete-webhook"),
    path(f"{ENDPOINT}/rotate/", views.rotate_webhook_secret, name="notify-rotate-webhook-secret"),
    path(f"{ENDPOINT}/test/", views.test_webhook, name="notify-test-webhook"),
    path(f"{ENDPOINT}/recover/", views.recover_deliveries, name="notify-recover-deliveries"),
    path(
        f"{ENDPOINT}/deliveries/<int:delivery_id>/resend/",
        views.resend_delivery,
        name="notify-resend-delivery",
    ),
]
