"""Names people type that end up in e-mail headers: the agency's (the sender's name), a
client's and a cc's (the recipients'). A header can never carry a line break: Django refuses to
send such a message (and unchecked, a CR or LF would start a header of the sender's choosing)."""

import re

from django import forms

# Line breaks as str.splitlines() knows them, with the spaces around them.
_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+\s*")


def one_line(text: str) -> str:
    """`text` with each line break, and the spaces around it, folded into one space."""
    return _LINE_BREAKS.sub(" ", text)


class OneLineField(forms.CharField):
    """A form's name field: stripped as usual, and on one line."""

    def to_python(self, value: object) -> str | None:
        text = super().to_python(value)
        return one_line(text) if text else text
