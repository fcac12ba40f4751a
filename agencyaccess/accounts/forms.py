"""Forms of the account pages: they check what was typed; the workflows are in actions.py."""

import re
from decimal import Decimal

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from PIL import Image

from agencyaccess.accounts import throttle, twofactor
from agencyaccess.accounts.models import Agency, Invitation, Membership, Theme, User
from agencyaccess.lib.text import OneLineField
from agencyaccess.notify import emails
from agencyaccess.notify.models import Frequency, NotificationKind
from agencyaccess.notify.preferences import Preferences, set_agency_defaults, set_own_choices

LOGO_MAX_BYTES = 15 * 1024 * 1024
LOGO_MAX_SIDE = 5000  # pixels; larger is no logo, and costs memory to check
# Pillow's format name -> the extension the stored file gets -> the type it is served with.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
LOGO_CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}
LOGO_EXTENSIONS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
REMINDER_MAX_DAYS = 60
REMINDER_MAX_COUNT = 10


def _email_field(**attrs: str) -> forms.EmailField:
    return forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", **attrs}),
    )


def _password_field(label: str, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


def throttled_message(minutes: int) -> str:
    return (
        f"Too many failed attempts. To protect the account, logging in is paused: "
        f"try again in {throttle.in_minutes(minutes)}, or reset your password."
    )


WRONG_CODE = (
    "That code is not right, or was already used. Codes from the app change every 30 seconds; "
    "each recovery code works once."
)


class LoginForm(forms.Form):
    email = _email_field(autocomplete="username", autofocus="")
    password = _password_field("Password", "current-password")

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: User | None = None

    def clean_email(self) -> str:
        # Addresses are stored in lower case; people type them in any case.
        return self.cleaned_data["email"].lower()

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if not (email and password):
            return cleaned
        if minutes := throttle.minutes_until_allowed(self.request, email):
            raise ValidationError(throttled_message(minutes))
        user = authenticate(self.request, email=email, password=password)
        if user is None:
            throttle.record_failure(self.request, email)
            raise ValidationError(
                "That e-mail address and password do not match an account. "
                "Check both, or reset your password."
            )
        self.user = user  # type: ignore[assignment]
        return cleaned


class CodeForm(forms.Form):
    """The second step of a login with two-factor authentication."""

    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": "", "spellcheck": "false"}
        ),
    )

    def __init__(self, request: HttpRequest, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if minutes := throttle.minutes_until_allowed(self.request, self.user.email):
            raise ValidationError(throttled_message(minutes))
        if not twofactor.verify(self.user, code):
            throttle.record_failure(self.request, self.user.email)
            raise ValidationError(WRONG_CODE)
        return code


class NewAccountForm(forms.Form):
    """Name and password of a new user; subclasses say where the e-mail address comes from."""

    name = forms.CharField(
        label="Your name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = _password_field("Password", "new-password")

    def account_email(self) -> str:
        raise NotImplementedError

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            # The validators compare the password with the address and the name.
            candidate = User(email=self.account_email(), name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as e:
                self.add_error("password", e)
        return cleaned


class SignUpForm(NewAccountForm):
    agency_name = OneLineField(
        label="Agency name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization", "autofocus": ""}),
    )
    email = _email_field()

    field_order = ["agency_name", "name", "email", "password"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "There is already an account with this address: log in instead. "
                "To join another agency's team, ask its owner for an invitation."
            )
        return email

    def account_email(self) -> str:
        return self.cleaned_data.get("email", "")


class InvitedSignUpForm(NewAccountForm):
    # Shown, not editable: the account gets the invited address (and password managers see it).
    email = forms.EmailField(
        label="E-mail address",
        disabled=True,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )

    field_order = ["email", "name", "password"]

    def __init__(self, invitation: Invitation, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["email"].initial = invitation.email

    def account_email(self) -> str:
        return self.invitation.email


class AgencyNameForm(forms.Form):
    name = OneLineField(
        label="Agency name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )


class Reauthentication:
    """The signed-in user proving again who they are, before a sensitive change or a secret.

    Failures count in the login's own limits (accounts/throttle.py), so no such form is a second
    way to guess a password or a code: wrong answers here pause logging in too, and the reverse.
    A form that is paused sets `throttled_minutes` (the view answers 429 with Retry-After).
    """

    request: HttpRequest
    user: User
    throttled_minutes = 0

    def check_allowed(self) -> None:
        if minutes := throttle.minutes_until_allowed(self.request, self.user.email):
            self.throttled_minutes = minutes
            raise ValidationError(
                f"Too many wrong passwords or codes. To protect the account, this check and "
                f"logging in are paused: try again in {throttle.in_minutes(minutes)}."
            )

    def right_password(self, password: str) -> bool:
        if self.user.check_password(password):
            return True
        throttle.record_failure(self.request, self.user.email)
        return False

    def right_code(self, code: str) -> bool:
        if twofactor.verify(self.user, code):
            return True
        throttle.record_failure(self.request, self.user.email)
        return False


class ReauthenticateForm(Reauthentication, forms.Form):
    """Before a secret is shown (a link's retained tokens) or a sensitive change (turning
    two-factor login off, new recovery codes): the password, and the two-factor code when it is
    on unless `with_code` is False."""

    password = _password_field("Your password", "current-password")
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def __init__(
        self, request: HttpRequest, user: User, *args, with_code: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user
        if not (with_code and user.has_two_factor):
            del self.fields["code"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned  # something left empty: nothing was tried, nothing counts
        self.check_allowed()
        if not self.right_password(cleaned["password"]):
            self.add_error("password", "That is not your password.")
        elif "code" in self.fields and not self.right_code(cleaned["code"]):
            self.add_error("code", WRONG_CODE)
        return cleaned


class ChangePasswordForm(Reauthentication, PasswordChangeForm):
    """Django's, with the old password's failures counted like the login's."""

    def __init__(self, request: HttpRequest, user: User, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        password = self.cleaned_data["old_password"]
        self.check_allowed()
        if not self.right_password(password):
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return password


class EnableTwoFactorForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, secret: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.secret = secret
        self.step = 0  # the time step of the code, once it matches

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        step = twofactor.matching_step(self.secret, code)
        if step is None:
            raise ValidationError(
                "That code does not match. Check that the app shows AgencyAccess and that "
                "your phone's clock is right, then type the code it shows now."
            )
        self.step = step
        return code


class AccountPasswordResetForm(PasswordResetForm):
    """Django's, except that it also reaches accounts made without a password (`create_agency`
    without --password): here a reset e-mail is how such an owner sets their first one; and
    that the e-mail is queued (notify.emails.password_reset) rather than sent."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # Queued, the worker retries it when the mail server fails (Django's would log and drop
        # it), and the answer takes as long for an address with an account as for one without.
        # The templates are the e-mail function's own, whatever the view names.
        emails.password_reset(context["user"], context["uid"], context["token"])


class InviteForm(forms.Form):
    email = _email_field(autocomplete="off")


class SettingsForm(forms.ModelForm):
    website = forms.URLField(label="Website", required=False, assume_scheme="https", max_length=500)
    support_email = forms.EmailField(
        label="Support e-mail address",
        help_text="Shown to your clients on their pages as the address to write to.",
    )
    monthly_link_limit = forms.IntegerField(
        label="Links a month",
        required=False,
        min_value=1,
        help_text="The most links your team may create in a calendar month. Leave empty for no limit.",
    )
    reminders_enabled = forms.BooleanField(
        label="Remind clients who have not finished", required=False
    )
    reminder_days = forms.CharField(
        label="Days after sending",
        required=False,
        help_text="For example: 2, 5, 10. Reminders stop once the client has finished.",
    )

    class Meta:
        model = Agency
        fields = [
            "name",
            "website",
            "support_email",
            "monthly_link_limit",
            "reminders_enabled",
            "reminder_days",
            "reverify_hours",
        ]
        labels = {"name": "Agency name", "reverify_hours": "Re-check every grant"}
        help_texts = {
            "reverify_hours": "How often AgencyAccess asks each platform whether your access "
            "is still there, so that access removed or changed by someone else is noticed."
        }
        field_classes = {"name": OneLineField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial["reminder_days"] = ", ".join(str(d) for d in self.instance.reminder_days)

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data["reminder_days"]
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        # ASCII digits: str.isdigit() also takes "²", which is no number.
        if not all(re.fullmatch("[0-9]+", p) for p in parts):
            raise ValidationError(
                "Write whole numbers of days separated by commas, such as 2, 5, 10."
            )
        # Compared as decimals, exact at any length: int() refuses over 4,300 digits.
        numbers = sorted({Decimal(p) for p in parts})
        if numbers and not 1 <= numbers[0] <= numbers[-1] <= REMINDER_MAX_DAYS:
            raise ValidationError(f"Each day must be between 1 and {REMINDER_MAX_DAYS}.")
        days = [int(n) for n in numbers]
        if len(days) > REMINDER_MAX_COUNT:
            raise ValidationError(f"At most {REMINDER_MAX_COUNT} reminders.")
        return days

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("reminders_enabled") and cleaned.get("reminder_days") == []:
            self.add_error("reminder_days", "Give at least one day, or turn reminders off.")
        return cleaned


class NotificationDefaultsForm(forms.Form):
    """The agency's default for each kind of notification e-mail, which owners set: what every
    teammate gets until they choose for themselves."""

    prefix = "notifications"  # beside the settings form, on one page

    def __init__(self, agency: Agency, preferences: Preferences, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label, choices=Frequency.choices, initial=preferences.default(agency.pk, kind)
            )

    def save(self) -> None:
        set_agency_defaults(self.agency, self.cleaned_data)


class OwnNotificationsForm(forms.Form):
    """A teammate's own choices, in each of their agencies; a kind left at the agency's default
    follows what the agency's owners choose, now and later."""

    def __init__(
        self, memberships: list[Membership], preferences: Preferences, *args, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        for membership in memberships:
            for kind, label in NotificationKind.choices:
                default = preferences.default(membership.agency_id, kind)
                self.fields[self._name(membership, kind)] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", f"The agency's default: {default.label}"), *Frequency.choices],
                    initial=preferences.own(membership, kind) or "",
                )

    @staticmethod
    def _name(membership: Membership, kind: str) -> str:
        return f"{membership.public_id}-{kind}"

    def agencies(self) -> list[tuple[Agency, list[forms.BoundField]]]:
        return [
            (m.agency, [self[self._name(m, kind)] for kind in NotificationKind.values])
            for m in self.memberships
        ]

    def save(self) -> None:
        for membership in self.memberships:
            set_own_choices(
                membership,
                {
                    kind: self.cleaned_data[self._name(membership, kind)] or None
                    for kind in NotificationKind.values
                },
            )


class BrandingForm(forms.ModelForm):
    display_name = OneLineField(
        label="Name shown to clients",
        required=False,
        max_length=200,
        help_text="Leave empty to show the agency name.",
    )
    brand_color = forms.RegexField(
        label="Brand colour",
        regex=r"^#[0-9a-fA-F]{6}$",
        error_messages={"invalid": "Use a colour such as #2563eb."},
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    theme = forms.ChoiceField(label="Theme", choices=Theme.choices, widget=forms.RadioSelect)
    logo = forms.FileField(
        label="Logo",
        required=False,
        help_text="PNG, JPEG, GIF or WebP, up to 15 MB. A square image looks best.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    logo_extension = ""  # set by clean_logo when a logo was uploaded

    class Meta:
        model = Agency
        fields = ["display_name", "brand_color", "theme"]

    def clean_brand_color(self) -> str:
        return self.cleaned_data["brand_color"].lower()

    def clean_logo(self) -> UploadedFile | None:
        upload = self.cleaned_data["logo"]
        if upload:
            self.logo_extension = check_logo(upload)
        return upload


def check_logo(upload: UploadedFile) -> str:
    """The extension to store a logo under, once it is known to be a PNG, JPEG, GIF or WebP image
    of a sensible size whose name says what it is; else ValidationError."""
    if (upload.size or 0) > LOGO_MAX_BYTES:
        raise ValidationError("The logo is larger than 15 MB. Please upload a smaller image.")
    extension = (upload.name or "").rpartition(".")[2].lower()
    if extension not in LOGO_EXTENSIONS:
        raise ValidationError("Upload a PNG, JPEG, GIF or WebP image.")
    try:
        with Image.open(upload, formats=list(LOGO_FORMATS)) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not a PNG, JPEG, GIF or WebP image, or it is damaged."
        ) from None
    finally:
        upload.seek(0)
    if LOGO_EXTENSIONS[extension] != image_format:
        raise ValidationError(
            f"This file is a {image_format} image but its name ends in .{extension}. "
            "Rename it or save it again as the format its name says."
        )
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            f"The logo is {width} by {height} pixels; the most is {LOGO_MAX_SIDE} on each side."
        )
    return LOGO_FORMATS[image_format]
