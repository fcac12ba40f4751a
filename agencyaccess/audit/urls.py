from django.urls import path

from agencyaccess.audit import views

urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/export.csv", views.audit_csv, name="audit-export"),
]
