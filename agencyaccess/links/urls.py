from django.urls import path

from agencyaccess.links import views

urlpatterns = [
    path("links/", views.links_list, name="links-list"),
    path("links/new/", views.links_create, name="links-create"),
    path("links/<str:link_id>/", views.links_detail, name="links-detail"),
    path("links/<str:link_id>/edit/", views.links_edit, name="links-edit"),
    path("links/<str:link_id>/remind/", views.links_remind, name="links-remind"),
    path("links/<str:link_id>/delete/", views.links_delete, name="links-delete"),
]
