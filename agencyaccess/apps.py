from django.apps import AppConfig


class AgencyAccessConfig(AppConfig):
    """The project package itself: its management commands (serve, worker, seed_demo), and the
    URL converters every app's urls.py may use."""

    name = "agencyaccess"
    verbose_name = "AgencyAccess"

    def ready(self) -> None:
        from django.urls import register_converter

        from agencyaccess.lib.ids import KeyLookupConverter, PublicIdConverter

        register_converter(PublicIdConverter, "public_id")
        register_converter(KeyLookupConverter, "key_lookup")
