from django.urls import path

from agencyaccess.clients import views

urlpatterns = [
    path("clients/", views.clients_list, name="clients-list"),
    path("clients/new/", views.clients_create, name="clients-create"),
    path("clients/<public_id:client_id>/", views.clients_detail, name="clients-detail"),
    path("clients/<public_id:client_id>/edit/", views.clients_edit, name="clients-edit"),
    path("clients/<public_id:client_id>/delete/", views.clients_delete, name="clients-delete"),
]
