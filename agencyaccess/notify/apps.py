from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "agencyaccess.notify"
    label = "notify"
