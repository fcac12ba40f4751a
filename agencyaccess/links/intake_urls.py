from django.urls import path

from agencyaccess.links import intake_editor as views

urlpatterns = [
    path("intake-form/", views.intake_form, name="links-intake-form"),
    path("intake-form/enabled/", views.enable_intake, name="links-enable-intake"),
    path("intake-form/questions/new/", views.add_question, name="links-add-question"),
    path("intake-form/questions/<slug:key>/", views.edit_question, name="links-edit-question"),
    path("intake-form/questions/<slug:key>/move/", views.move_question, name="links-move-question"),
    path(
        "intake-form/questions/<slug:key>/delete/",
        views.delete_question,
        name="links-delete-question",
    ),
]
