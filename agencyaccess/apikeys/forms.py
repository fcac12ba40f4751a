from django import forms

from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey


class ApiKeyForm(forms.Form):
    """A new key: a name to recognise it by and what it may do, with the API guide's names."""

    name = forms.CharField(
        max_length=ApiKey._meta.get_field("name").max_length,
        help_text="Where it is used, such as “Zapier” or “CRM sync”.",
    )
    capabilities = forms.MultipleChoiceField(
        choices=list(API_CAPABILITIES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what the integration needs: a key that only reads cannot change anything.",
        error_messages={"required": "Choose at least one capability."},
    )

    def __init__(self, agency_id: int, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agency_id = agency_id

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if ApiKey.objects.live().filter(agency_id=self.agency_id, name=name).exists():
            raise forms.ValidationError("Another key has this name: choose another.")
        return name
