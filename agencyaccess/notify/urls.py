from django.urls import path

from agencyaccess.notify import views

urlpatterns = [
    path("docs/events/", views.event_catalogue, name="notify-event-catalogue"),
]
