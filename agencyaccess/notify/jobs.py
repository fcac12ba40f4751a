"""Sending the queued e-mails, run by the worker (DESIGN.md, convention 10).

No e-mail is lost and none goes out twice under two names. Each row is claimed with a short
lease just before it is sent, so the row of a worker that died is sent again a minute later;
its Message-ID was fixed when it was queued, so a message the server had accepted before the
worker died goes out again with the same Message-ID, which mail systems treat as one message.
The row is marked sent as soon as the server accepts the message (the connection is closed
after that, not before), which leaves that window as small as it can be.
"""

import contextlib
import logging
import smtplib
import socket
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
BATCH = 50
# Failures of the server rather than of one message: the rest of the batch waits for the next
# pass (unclaimed, so charged no attempt) instead of each waiting out EMAIL_TIMEOUT in turn.
SERVER_DOWN = (
    TimeoutError,
    ConnectionError,
    socket.gaierror,
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
)

Status = OutgoingEmail.Status


def lease() -> timedelta:
    """How long a claimed row is left to its worker: sending one message takes a few exchanges
    with the server, each allowed EMAIL_TIMEOUT; after this a dead worker's row is sent again."""
    return timedelta(seconds=3 * settings.EMAIL_TIMEOUT)


def send_queued_emails() -> int:
    """Send the e-mails that are due, on one connection; returns how many were sent."""
    now = timezone.now()
    due = list(due_emails(now).select_related("agency").order_by("next_attempt")[:BATCH])
    if not due:
        return 0
    connection = get_connection()
    sent = 0
    for email in due:
        if not claim(email, timezone.now()):
            continue
        try:
            sent += _send(email, connection)
        except SERVER_DOWN:
            # Dropped with the backend, not closed: a polite QUIT would wait out the timeout again.
            return sent
    # Every message is recorded by now: a server that hangs up badly changes nothing.
    with contextlib.suppress(OSError):
        connection.close()
    return sent


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
    ).update(status=Status.SENDING, next_attempt=now + lease(), attempts=F("attempts") + 1)
    if claimed:
        email.attempts += 1
    return bool(claimed)


def _send(email: OutgoingEmail, connection: BaseEmailBackend) -> int:
    """1 when sent; a failure is recorded for a retry, and re-raised when it is the server's."""
    try:
        # Opened here, not by send(): a connection send() opens, it also closes (QUIT, and the
        # wait for the answer) before the row could be marked sent.
        connection.open()
        _message(email, connection).send()
    except Exception as e:  # whatever a backend raises, the row is retried
        _failed(email, e)
        if isinstance(e, SERVER_DOWN):
            raise
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
        headers={"Message-ID": email.message_id},
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
