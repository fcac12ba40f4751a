from django.apps import AppConfig


class LinksConfig(AppConfig):
    name = "agencyaccess.links"
    label = "links"
