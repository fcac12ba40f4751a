"""The client's pages, all under the link's own address.

A service is named by its catalogue key, a slug: anything else (a NUL byte, which PostgreSQL
refuses in a query with an error) is a 404 before the view runs."""

from django.urls import path

from agencyaccess.onboarding import access_pages, guided, intake, views

urlpatterns = [
    path("l/<str:link_id>/", views.link_page, name="onboarding-link"),
    path("l/<str:link_id>/language/", views.set_language, name="onboarding-language"),
    path("l/<str:link_id>/connect/<str:platform>/", views.connect, name="onboarding-connect"),
    path("l/<str:link_id>/platform/<str:platform>/", views.assets, name="onboarding-assets"),
    path("l/<str:link_id>/skip/<slug:service>/", views.skip, name="onboarding-skip"),
    path("l/<str:link_id>/done/", views.done, name="onboarding-done"),
    path("l/<str:link_id>/steps/<slug:service>/", guided.steps, name="onboarding-steps"),
    path("l/<str:link_id>/intake/", intake.form, name="onboarding-intake"),
    path("l/<str:link_id>/intake/save/", intake.save, name="onboarding-intake-save"),
    # An access page's public page, where a visitor gets a link of their own.
    path("p/<str:page_id>/", access_pages.visit, name="links-visit-access-page"),
]
