from django.urls import path, register_converter

from agencyaccess.apikeys import views
from agencyaccess.apikeys.models import LOOKUP_LENGTH
from agencyaccess.lib.ids import ALPHABET, PublicIdConverter


class KeyLookupConverter(PublicIdConverter):
    """A key's lookup id, the part of the key the dashboard shows; anything else is a 404."""

    regex = f"[{ALPHABET}]{{{LOOKUP_LENGTH}}}"


register_converter(KeyLookupConverter, "key_lookup")

urlpatterns = [
    path("api-keys/", views.api_keys, name="apikeys-list"),
    path("api-keys/new/", views.create_api_key, name="apikeys-create"),
    path("api-keys/<key_lookup:lookup>/roll/", views.roll_api_key, name="apikeys-roll"),
    path("api-keys/<key_lookup:lookup>/revoke/", views.revoke_api_key, name="apikeys-revoke"),
]
