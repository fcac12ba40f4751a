"""Sending the queued e-mails, run by the worker (DESIGN.md, convention 10)."""

import logging
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, QuerySet
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.lib.text import one_line
from agencyaccess.notify.emails import CARRY_SECRETS
from agencyaccess.notify.models import OutgoingEmail

logger = logging.getLogger(__name__)

# After the n-th failed attempt, wait RETRY_DELAYS[n-1]; after the last one, give up.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
# A worker that dies while sending leaves the row claimed; after this it is tried again.
LEASE = timedelta(minutes=10)
BATCH = 50

Status = OutgoingEmail.Status


def send_queued_emails() -> int:
    """Send the e-mails that are due; returns how many were sent."""
    now = timezone.now()
    due = due_emails(now).select_related("agency").order_by("next_attempt")[:BATCH]
    connection = get_connection()
    return sum(_send(email, connection) for email in due if claim(email, now))


def due_emails(now: datetime) -> QuerySet[OutgoingEmail]:
    """The e-mails to send now: queued ones whose time has come, and claimed ones whose
    worker's lease ran out."""
    return OutgoingEmail.objects.filter(
        status__in=[Status.QUEUED, Status.SENDING], next_attempt__lte=now
    )


def claim(email: OutgoingEmail, now: datetime) -> bool:
    """Take the row for this worker. A conditional UPDATE on the state read: of several workers
    that read the same row, exactly one changes it."""
    claimed = OutgoingEmail.objects.filter(
        pk=email.pk, status=email.status, next_attempt=email.next_attempt
    ).update(status=Status.SENDING, next_attempt=now + LEASE, attempts=F("attempts") + 1)
    if claimed:
        email.attempts += 1
    return bool(claimed)


def _send(email: OutgoingEmail, connection: BaseEmailBackend) -> int:
    try:
        _message(email, connection).send()
    except Exception as e:  # whatever a backend raises, the row is retried, the batch goes on
        _failed(email, e)
        return 0
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent=timezone.now(), last_error="", **_done_with(email)
    )
    return 1


def _failed(email: OutgoingEmail, error: Exception) -> None:
    gave_up = email.attempts > len(RETRY_DELAYS)
    logger.warning(
        "e-mail %s (%s), attempt %d failed%s: %s",
        email.pk,
        email.kind,
        email.attempts,
        ", giving up" if gave_up else "",
        error,
    )
    outcome = (
        {"status": Status.FAILED, **_done_with(email)}
        if gave_up
        else {
            "status": Status.QUEUED,
            "next_attempt": timezone.now() + RETRY_DELAYS[email.attempts - 1],
        }
    )
    OutgoingEmail.objects.filter(pk=email.pk).update(
        last_error=f"{type(error).__name__}: {error}"[:2000], **outcome
    )


def _done_with(email: OutgoingEmail) -> dict[str, str]:
    """What to change in a row no longer to be sent: a text that carries a credential is erased
    (the subject and addresses stay, as the record of what was sent to whom)."""
    return {"text": "", "html": ""} if email.kind in CARRY_SECRETS else {}


def _message(email: OutgoingEmail, connection: BaseEmailBackend) -> EmailMultiAlternatives:
    # Every header on one line: names are cleaned as they are typed, but a row queued before
    # that (or an agency renamed since) must not fail at each attempt until it is given up.
    message = EmailMultiAlternatives(
        subject=one_line(email.subject),
        body=email.text,
        from_email=one_line(_sender(email.agency)),
        to=[one_line(address) for address in email.to],
        cc=[one_line(address) for address in email.cc],
        reply_to=[one_line(address) for address in email.reply_to],
        connection=connection,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    return message


def _sender(agency: Agency | None) -> str:
    """The install's own address under the agency's name: the client sees who writes to them,
    and the mail still comes from a domain the install may send from."""
    if agency is None:
        return settings.DEFAULT_FROM_EMAIL
    return formataddr((agency.shown_name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
