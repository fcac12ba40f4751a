"""The e-mails about agency staff accounts: one function per e-mail, its text in a template."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from agencyaccess.accounts.models import Invitation


def send_invitation(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "agency": invitation.agency,
        "inviter": invitation.invited_by,
        "url": settings.SITE_URL + reverse("accounts-accept-invitation", args=[token]),
    }
    subject = render_to_string("accounts/emails/invitation_subject.txt", context)
    body = render_to_string("accounts/emails/invitation.txt", context)
    # Replies go to the person who invited, not to a no-reply address.
    reply_to = [invitation.invited_by.email] if invitation.invited_by else []
    EmailMessage(" ".join(subject.split()), body, to=[invitation.email], reply_to=reply_to).send()
