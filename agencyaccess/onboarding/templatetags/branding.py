"""Template filters for the agency's branding on the client's pages."""

import re

from django import template

register = template.Library()

_HEX_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@register.filter
def text_on(color: str) -> str:
    """Black or white, whichever contrasts more with the brand colour (WCAG relative luminance):
    a pale brand colour gets dark text on its buttons."""
    if not isinstance(color, str) or not _HEX_COLOR.match(color):
        return "#fff"
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    # Contrast with white is 1.05 / (L + .05), with black (L + .05) / .05: equal at L ≈ 0.179.
    return "#000" if luminance > 0.179 else "#fff"
