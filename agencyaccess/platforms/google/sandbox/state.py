"""The sandbox's state: SandboxRecord rows of platform "google", each a kind, a key and JSON data.

The world of world.py is written on first use (and again after a reset or a test's flush); any
number of processes may do so at once: the rows are unique and conflicts are ignored.
"""

import secrets
from typing import Any

from django.db.models import QuerySet

from agencyaccess.platforms.google.sandbox import world
from agencyaccess.platforms.models import SandboxRecord

PLATFORM = "google"
WORLD_VERSION = "2"  # bump when initial_records() changes, so existing sandboxes get it
# What a reset keeps: the sign-ins, so connected accounts keep working.
KEPT_ON_RESET = ("code", "access_token", "refresh_token")


def ensure_world() -> None:
    if _records("world").filter(key=WORLD_VERSION).exists():
        return
    rows = [("world", WORLD_VERSION, {}), *world.initial_records()]
    SandboxRecord.objects.bulk_create(
        [SandboxRecord(platform=PLATFORM, kind=k, key=key, data=data) for k, key, data in rows],
        ignore_conflicts=True,
    )


def reset() -> None:
    SandboxRecord.objects.filter(platform=PLATFORM).exclude(kind__in=KEPT_ON_RESET).delete()
    ensure_world()


def get(kind: str, key: str) -> dict[str, Any] | None:
    record = _records(kind).filter(key=key).first()
    return record.data if record else None


def put(kind: str, key: str, data: dict[str, Any]) -> None:
    SandboxRecord.objects.update_or_create(
        platform=PLATFORM, kind=kind, key=key, defaults={"data": data}
    )


def delete(kind: str, key: str) -> bool:
    deleted, _ = _records(kind).filter(key=key).delete()
    return bool(deleted)


def take(kind: str, key: str) -> dict[str, Any] | None:
    """Read and delete in one go; of two processes taking the same record, one gets it."""
    record = _records(kind).filter(key=key).first()
    if record is None:
        return None
    deleted, _ = SandboxRecord.objects.filter(pk=record.pk).delete()
    return record.data if deleted else None


def find(kind: str, **match: Any) -> list[tuple[str, dict[str, Any]]]:
    """(key, data) of the records of a kind whose data has these values, oldest first."""
    lookups = {f"data__{field}": value for field, value in match.items()}
    return [(r.key, r.data) for r in _records(kind).filter(**lookups).order_by("created", "pk")]


def new_id() -> str:
    """A numeric id, as Google's are, unique without a counter to share between processes."""
    return str(10**8 + secrets.randbelow(9 * 10**8))


def knob(name: str) -> bool:
    stored = get("knob", name)
    return stored["on"] if stored else world.KNOBS[name][0]


def set_knob(name: str, on: bool) -> None:
    if name not in world.KNOBS:
        raise KeyError(name)
    put("knob", name, {"on": on})


def _records(kind: str) -> QuerySet[SandboxRecord]:
    return SandboxRecord.objects.filter(platform=PLATFORM, kind=kind)
