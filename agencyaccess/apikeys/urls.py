from django.urls import path

from agencyaccess.apikeys import views

urlpatterns = [
    path("api-keys/", views.api_keys, name="apikeys-list"),
    path("api-keys/new/", views.create_api_key, name="apikeys-create"),
    path("api-keys/<key_lookup:lookup>/roll/", views.roll_api_key, name="apikeys-roll"),
    path("api-keys/<key_lookup:lookup>/revoke/", views.revoke_api_key, name="apikeys-revoke"),
]
