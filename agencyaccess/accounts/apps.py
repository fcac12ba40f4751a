from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "agencyaccess.accounts"
    label = "accounts"
