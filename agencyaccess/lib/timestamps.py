"""The API speaks in integers: milliseconds since the epoch."""

from datetime import datetime


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
