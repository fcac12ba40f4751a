"""What the lifecycle tests share: a fake connector that answers verify() and revoke() as each
test tells it, and Jane's active grant on Alice's link."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.utils import timezone

from agencyaccess.links.models import Grant
from agencyaccess.notify.events import CATALOGUE
from agencyaccess.notify.models import Event
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import (
    Asset,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    GrantState,
    ServiceConnector,
    TokenSet,
)

MINUTE = timedelta(minutes=1)
ACTIVE = GrantOutcome(GrantState.ACTIVE, native_role="STANDARD", message="The agency has it.")
REVOKED = GrantOutcome(GrantState.REVOKED, message="The agency no longer has access.")


class FakeGoogleAds(ServiceConnector):
    """Answers with the next of its answers (an outcome, or an error to raise)."""

    service_keys = ("google_ads",)

    def __init__(self, *, verify=(), revoke=()):
        self.verify_answers = list(verify)
        self.revoke_answers = list(revoke)
        self.revoked: list[tuple[GrantRef, TokenSet | None]] = []

    def list_assets(self, tokens: TokenSet, service_key: str) -> list[Asset]:
        raise NotImplementedError

    def grant(self, tokens: TokenSet, request: GrantRequest) -> GrantOutcome:
        raise NotImplementedError

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        return self._answer(self.verify_answers)

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        self.revoked.append((ref, client_tokens))
        return self._answer(self.revoke_answers)

    @staticmethod
    def _answer(answers: list):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@contextmanager
def google_ads(connector: FakeGoogleAds) -> Iterator[FakeGoogleAds]:
    with mock.patch.dict(registry._CONNECTORS, {"google_ads": connector}):
        yield connector


def active_grant(link, account, *, asset_id: str = "customers/111", **fields) -> Grant:
    return Grant.objects.create(
        link=link,
        service_key=fields.pop("service_key", "google_ads"),
        connected_account=account,
        asset_id=asset_id,
        asset_name=fields.pop("asset_name", "Bakery Ads"),
        access_level="STANDARD",
        native_role="STANDARD",
        native_ref=f"{asset_id}/customerUserAccesses/5",
        state=GrantState.ACTIVE,
        next_check=fields.pop("next_check", timezone.now() - MINUTE),
        **fields,
    )


def events_of(event_type: str) -> list[Event]:
    """The events of this type, each checked against the catalogue's schema."""
    events = list(Event.objects.filter(type=event_type).order_by("id"))
    for event in events:
        CATALOGUE[event_type].data.model_validate(event.data)
    return events
