from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "agencyaccess.platforms"
    label = "platforms"
