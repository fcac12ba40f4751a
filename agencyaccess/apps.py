from django.apps import AppConfig


class AgencyAccessConfig(AppConfig):
    """The project package itself: its management commands (serve, worker, seed_demo)."""

    name = "agencyaccess"
    verbose_name = "AgencyAccess"
