"""Who gets which notification e-mail, and how often (docs/events.md, "Teammates' e-mails").

Each teammate chooses, per kind, immediately, in a daily digest, or off; a kind they have not
chosen follows the agency's default, which owners set; a kind the agency has not set follows
DEFAULT_FREQUENCIES. The choices are NotificationSetting rows, read here for whole agencies at
once so that a batch of events costs the same few queries however many it holds.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import Q

from agencyaccess.accounts.models import Agency, Membership
from agencyaccess.notify.models import (
    DEFAULT_FREQUENCIES,
    Frequency,
    NotificationKind,
    NotificationSetting,
)


class Preferences:
    """The agencies' defaults and their teammates' own choices, loaded in one query."""

    def __init__(self, settings: Iterable[NotificationSetting]) -> None:
        self._defaults: dict[tuple[int, str], str] = {}
        self._own: dict[tuple[int, str], str] = {}
        for setting in settings:
            if setting.membership_id is None:
                self._defaults[setting.agency_id, setting.kind] = setting.frequency
            else:
                self._own[setting.membership_id, setting.kind] = setting.frequency

    @classmethod
    def of_agencies(cls, agency_ids: Iterable[int]) -> "Preferences":
        return cls(NotificationSetting.objects.filter(agency_id__in=list(agency_ids)))

    @classmethod
    def of_memberships(cls, memberships: Sequence[Membership]) -> "Preferences":
        """Only these teammates' own choices, and their agencies' defaults."""
        return cls(
            NotificationSetting.objects.filter(
                Q(membership__in=memberships)
                | Q(agency_id__in=[m.agency_id for m in memberships], membership=None)
            )
        )

    def default(self, agency_id: int, kind: str) -> Frequency:
        return Frequency(self._defaults.get((agency_id, kind), DEFAULT_FREQUENCIES[kind]))

    def own(self, membership: Membership, kind: str) -> Frequency | None:
        """The teammate's own choice; None when they follow the agency's default."""
        frequency = self._own.get((membership.pk, kind))
        return Frequency(frequency) if frequency else None

    def frequency(self, membership: Membership, kind: str) -> Frequency:
        return self.own(membership, kind) or self.default(membership.agency_id, kind)

    def delivery(self, membership: Membership, kinds: Iterable[str]) -> Frequency:
        """How the teammate hears of an event of these kinds: once, the most urgent they chose
        for any of them (an event is one e-mail, never one per kind)."""
        chosen = {self.frequency(membership, kind) for kind in kinds}
        for frequency in (Frequency.IMMEDIATELY, Frequency.DIGEST):
            if frequency in chosen:
                return frequency
        return Frequency.OFF


def set_agency_defaults(agency: Agency, frequencies: Mapping[str, str]) -> None:
    with transaction.atomic():
        NotificationSetting.objects.filter(agency=agency, membership=None).delete()
        NotificationSetting.objects.bulk_create(
            NotificationSetting(agency=agency, kind=kind, frequency=frequencies[kind])
            for kind in NotificationKind.values
        )


def set_own_choices(membership: Membership, frequencies: Mapping[str, str | None]) -> None:
    """A teammate's choices in one agency; None for a kind means "the agency's default"."""
    with transaction.atomic():
        NotificationSetting.objects.filter(membership=membership).delete()
        NotificationSetting.objects.bulk_create(
            NotificationSetting(
                agency_id=membership.agency_id,
                membership=membership,
                kind=kind,
                frequency=frequency,
            )
            for kind, frequency in frequencies.items()
            if frequency
        )
