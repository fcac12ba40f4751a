"""Work waiting for a worker, made directly in the database, for the probes' and the metrics'
tests: an e-mail, a webhook delivery and a grant check, each due `waited` ago."""

from datetime import timedelta

from django.utils import timezone

from agencyaccess.links.models import Grant, Link
from agencyaccess.notify import emails
from agencyaccess.notify.models import Delivery, Event, EventType, OutgoingEmail, WebhookEndpoint
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.models import ConnectedAccount


def email_due(link: Link, waited: timedelta) -> OutgoingEmail:
    email = emails.invitation(link)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt=timezone.now() - waited)
    return email


def delivery_due(link: Link, waited: timedelta, *, endpoint_active: bool = True) -> Delivery:
    event = Event.objects.create(
        agency=link.agency, type=EventType.LINK_CREATED, dedupe_key=f"test:{link.pk}", body="{}"
    )
    endpoint = WebhookEndpoint.objects.create(
        agency=link.agency, url="https://hooks.example/", is_active=endpoint_active
    )
    return Delivery.objects.create(
        event=event, endpoint=endpoint, next_attempt=timezone.now() - waited
    )


def grant_check_due(link: Link, account: ConnectedAccount, waited: timedelta) -> Grant:
    return Grant.objects.create(
        link=link,
        service_key="google_ads",
        connected_account=account,
        asset_id="1112223333",
        access_level="STANDARD",
        state=GrantState.PENDING_CLIENT,
        next_check=timezone.now() - waited,
    )
