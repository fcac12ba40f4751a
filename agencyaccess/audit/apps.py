from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "agencyaccess.audit"
    label = "audit"

    def ready(self) -> None:
        from agencyaccess.audit import signals  # noqa: F401  (connects the receivers)
