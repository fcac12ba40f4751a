"""The dashboard's client form: the API's checks (clients/validation.py), as form errors."""

from collections.abc import Callable
from typing import Any

from django import forms

from agencyaccess.clients import validation
from agencyaccess.clients.models import Client, ClientType, Language
from agencyaccess.lib.text import OneLineField

# Blank metadata rows under the filled ones; saving and editing again gives three more.
METADATA_EXTRA_ROWS = 3


def checked(check: Callable[[str], str], value: str, field: str) -> str:
    """Run a check the API shares (clients/validation.py, links/validation.py); its ValueError,
    the rest of a sentence ("must be …"), becomes the form field's error after `field`."""
    try:
        return check(value)
    except ValueError as e:
        raise forms.ValidationError(f"{field} {e}.") from None


class ClientForm(forms.Form):
    name = OneLineField(max_length=200, label="Name")
    email = forms.CharField(max_length=254, label="Email", widget=forms.EmailInput)
    company = forms.CharField(max_length=200, required=False, label="Company")
    website = forms.CharField(
        max_length=500,
        required=False,
        label="Website",
        help_text="Such as https://example.com.",
    )
    language = forms.ChoiceField(
        choices=Language.choices,
        initial=Language.ENGLISH,
        label="Language",
        help_text="The client's pages and e-mails are in this language.",
    )
    type = forms.ChoiceField(
        choices=ClientType.choices,
        initial=ClientType.CLIENT,
        label="Type",
        help_text="A prospect's links ask for read-only access only.",
    )

    def clean_email(self) -> str:
        return checked(validation.clean_email, self.cleaned_data["email"], "Email")

    def clean_website(self) -> str:
        return checked(validation.clean_website, self.cleaned_data["website"], "Website")


class MetadataRow(forms.Form):
    key = forms.CharField(max_length=validation.METADATA_MAX_KEY_LENGTH, required=False)
    value = forms.CharField(
        max_length=validation.METADATA_MAX_VALUE_LENGTH, required=False, strip=False
    )


class BaseMetadataRows(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        metadata: dict[str, str] = {}
        for row in self.forms:
            key, value = row.cleaned_data.get("key", ""), row.cleaned_data.get("value", "")
            if not key:
                if value:
                    raise forms.ValidationError(f'The value "{value[:40]}" needs a key.')
                continue
            if key in metadata:
                raise forms.ValidationError(f'The key "{key}" is there twice.')
            metadata[key] = value
        try:
            self.metadata = validation.clean_metadata(metadata)
        except ValueError as e:
            raise forms.ValidationError(f"Metadata {e}.") from None


MetadataRows = forms.formset_factory(
    MetadataRow,
    formset=BaseMetadataRows,
    extra=METADATA_EXTRA_ROWS,
    max_num=validation.METADATA_MAX_KEYS,
    absolute_max=validation.METADATA_MAX_KEYS + METADATA_EXTRA_ROWS,
)


def client_forms(data: Any = None, client: Client | None = None) -> tuple[ClientForm, Any]:
    """The client form and its metadata rows, bound to `data` or showing `client`."""
    if client is None:
        return ClientForm(data), MetadataRows(data, prefix="metadata")
    initial = {field: getattr(client, field) for field in ClientForm.base_fields}
    rows = [{"key": key, "value": value} for key, value in client.metadata.items()]
    return ClientForm(data, initial=initial), MetadataRows(data, initial=rows, prefix="metadata")


def metadata_changes(current: dict[str, str], wanted: dict[str, str]) -> dict[str, str | None]:
    """What update_client merges to turn `current` into `wanted`: removed keys as None."""
    return {**{key: None for key in current if key not in wanted}, **wanted}
