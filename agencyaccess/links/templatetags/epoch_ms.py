"""Template filters for data in the API's shape, such as links.tokens.retained_tokens."""

from datetime import datetime

from django import template

from agencyaccess.lib.timestamps import from_epoch_ms

register = template.Library()


@register.filter
def epoch_ms_date(ms: int | None) -> datetime | None:
    """An API time (milliseconds since the epoch) as a datetime, for the `date` filter."""
    return None if ms is None else from_epoch_ms(ms)
