from django.urls import path

from agencyaccess.links import access_pages as views

urlpatterns = [
    path("access-pages/", views.access_pages, name="links-access-pages"),
    path("access-pages/new/", views.create_access_page, name="links-create-access-page"),
    path(
        "access-pages/<public_id:page_id>/", views.edit_access_page, name="links-edit-access-page"
    ),
    path(
        "access-pages/<public_id:page_id>/delete/",
        views.delete_access_page,
        name="links-delete-access-page",
    ),
]
