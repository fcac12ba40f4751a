from django.apps import AppConfig


class ApikeysConfig(AppConfig):
    name = "agencyaccess.apikeys"
    label = "apikeys"
