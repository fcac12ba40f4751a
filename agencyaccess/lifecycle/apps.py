from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "agencyaccess.lifecycle"
    default_auto_field = "django.db.models.BigAutoField"
