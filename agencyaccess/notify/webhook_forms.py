from django import forms

from agencyaccess.lib.errors import ActionError
from agencyaccess.notify.events import CATALOGUE
from agencyaccess.notify.webhooks import MAX_URL_LENGTH, check_url


class EndpointForm(forms.Form):
    """A webhook endpoint: where to send, a note to recognise it by, which events."""

    url = forms.CharField(
        label="URL",
        max_length=MAX_URL_LENGTH,
        help_text="A public https:// address of your receiver. We POST each event to it.",
    )
    description = forms.CharField(
        max_length=200,
        required=False,
        help_text="What receives the events, such as “CRM” or “Slack bot”.",
    )
    event_types = forms.MultipleChoiceField(
        label="Events",
        choices=[(event_type, event_type) for event_type in CATALOGUE],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None chosen: every event, including the types added later.",
    )

    def clean_url(self) -> str:
        try:
            return check_url(self.cleaned_data["url"])
        except ActionError as e:
            raise forms.ValidationError(e.message) from None


class RecoverForm(forms.Form):
    since = forms.DateField(
        label="Failed since",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Choose a date.", "invalid": "Enter a date."},
    )
