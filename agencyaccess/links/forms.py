"""The link options beside the Requested Accounts Builder (links/builder.py), checked with the
API's own functions (clean_redirect, clean_email)."""

from datetime import datetime

from django import forms

from agencyaccess.clients.forms import checked
from agencyaccess.clients.validation import clean_email
from agencyaccess.lib.text import OneLineField
from agencyaccess.lib.timestamps import epoch_ms
from agencyaccess.links.validation import MAX_CC, check_access_until, clean_redirect

# The API's limit on thankYouMessage (links/api.py).
MAX_THANK_YOU = 2000


class LinkOptionsForm(forms.Form):
    """The link's settings the API takes beside requestedAccounts."""

    intake_form = forms.BooleanField(
        required=False,
        label="Ask the intake form",
        help_text="The client answers your intake questions after granting access.",
    )
    send_email = forms.BooleanField(
        required=False,
        initial=True,
        label="E-mail the link to the client",
        help_text="In the client's language, with your branding. Otherwise, copy the link and send it yourself.",
    )
    thank_you_message = forms.CharField(
        required=False,
        max_length=MAX_THANK_YOU,
        label="Thank-you message",
        help_text="Shown to the client when they are done.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    redirect = forms.CharField(
        required=False,
        max_length=500,
        label="Redirect when done",
        help_text="A page of your website to send the client to at the end, such as yourwebsite.com/thanks.",
    )
    retain_tokens = forms.BooleanField(
        required=False,
        label="Keep the client's access tokens for 30 days",
        help_text="For your Zapier integration; otherwise they are deleted as soon as access is granted.",
    )

    access_until = forms.DateTimeField(
        required=False,
        label="Access ends on",
        help_text="Optional (UTC). AgencyAccess then removes the access from the client's "
        "accounts, and e-mails the client and your team 3 days before.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def __init__(self, *args, intake_available: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not intake_available:
            # Only the checkbox is switched off: a request that ticks it anyway gets the
            # API's 409 from create_link, as when the form is disabled after the page loaded.
            self.fields["intake_form"].widget.attrs["disabled"] = True
            self.fields[
                "intake_form"
            ].help_text = "Your intake form is switched off or has no questions."

    def clean_redirect(self) -> str:
        return checked(clean_redirect, self.cleaned_data["redirect"], "The redirect")

    def clean_access_until(self) -> datetime | None:
        moment = self.cleaned_data["access_until"]
        if moment is not None:
            try:
                check_access_until(epoch_ms(moment))
            except ValueError as e:
                raise forms.ValidationError(f"The end date {e}.") from None
        return moment


class CcRow(forms.Form):
    name = OneLineField(required=False, max_length=200, label="Name")
    email = forms.CharField(
        max_length=254,
        label="E-mail",
        error_messages={"required": "Add their e-mail address, or clear the name."},
        widget=forms.EmailInput,
    )

    def clean_email(self) -> str:
        return checked(clean_email, self.cleaned_data["email"], "The e-mail address")


class BaseCcRows(forms.BaseFormSet):
    """Every row is there from the start, a few shown and the rest folded away, so adding a
    person needs no script."""

    SHOWN = 2

    def shown(self) -> list[forms.Form]:
        return self.forms[: self.SHOWN]

    def folded(self) -> list[forms.Form]:
        return self.forms[self.SHOWN :]

    def folded_in_use(self) -> bool:
        return any(row["name"].value() or row["email"].value() for row in self.folded())


CcRows = forms.formset_factory(
    CcRow, formset=BaseCcRows, extra=MAX_CC, max_num=MAX_CC, absolute_max=MAX_CC
)


class UpdateOptionsForm(forms.Form):
    send_update_email = forms.BooleanField(
        required=False,
        label="E-mail the client that the request changed",
        help_text="With the link, in the client's language.",
    )
