from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "agencyaccess.clients"
    label = "clients"
