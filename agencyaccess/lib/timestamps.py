"""The API speaks in integers: milliseconds since the epoch."""

from datetime import UTC, datetime


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_epoch_ms(ms: int) -> datetime:
    """The moment `epoch_ms` gave `ms` for (to the millisecond), in UTC."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC)
