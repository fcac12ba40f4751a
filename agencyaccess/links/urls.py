from django.urls import path

from agencyaccess.links import template_views, views

urlpatterns = [
    path("links/", views.links_list, name="links-list"),
    path("links/new/", views.links_create, name="links-create"),
    path("links/<public_id:link_id>/", views.links_detail, name="links-detail"),
    path("links/<public_id:link_id>/edit/", views.links_edit, name="links-edit"),
    path("links/<public_id:link_id>/tokens/", views.links_tokens, name="links-reveal-tokens"),
    path("links/<public_id:link_id>/remind/", views.links_remind, name="links-remind"),
    path("links/<public_id:link_id>/delete/", views.links_delete, name="links-delete"),
    path(
        "links/<public_id:link_id>/grants/<int:grant_id>/check/",
        views.links_check_grant,
        name="links-check-grant",
    ),
    path("templates/", template_views.templates_list, name="links-templates"),
    path("templates/new/", template_views.templates_create, name="links-create-template"),
    path(
        "templates/<public_id:template_id>/",
        template_views.templates_edit,
        name="links-edit-template",
    ),
    path(
        "templates/<public_id:template_id>/delete/",
        template_views.templates_delete,
        name="links-delete-template",
    ),
]
