from django.urls import path

from agencyaccess.inventory import views

urlpatterns = [
    path("inventory/", views.inventory, name="inventory-list"),
    path("inventory/export.csv", views.inventory_csv, name="inventory-export"),
]
