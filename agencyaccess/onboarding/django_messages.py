"""Django's own messages a client can read (the intake form's and the public access page's
errors), repeated here so that `make messages` keeps them in our catalogues.

Our LOCALE_PATHS come before Django's bundled catalogues, so our translations of these win: they
speak in our voice for each language (Spanish "tú" where Django's Spanish says "usted";
Brazilian Portuguese where Django's "pt" is European) and fill what Django's catalogue of a
language leaves untranslated. locale/README.md lists the voices. Nothing calls this tuple: the
strings are lazy and are read by makemessages, and by the test that checks every language
translates them (onboarding/tests/test_translations.py).

The msgids must match Django's word for word (django/forms/fields.py, django/core/validators.py).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

CLIENT_VISIBLE = (
    _("This field is required."),
    _("Enter a number."),
    _("Enter a valid email address."),
    _("Enter a valid URL."),
    _("Enter a list of values."),
    _("Null characters are not allowed."),
    _("Select a valid choice. %(value)s is not one of the available choices."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
)
