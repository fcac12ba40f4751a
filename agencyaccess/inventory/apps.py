from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "agencyaccess.inventory"
    label = "inventory"
