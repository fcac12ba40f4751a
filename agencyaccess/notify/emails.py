"""The e-mails the product sends: one function per e-mail (DESIGN.md, convention 11).

Each function renders `emails/<kind>.subject.txt`, `emails/<kind>.txt` and `emails/<kind>.html`
in the recipient's language and queues an OutgoingEmail; the worker sends it (notify/jobs.py).
"""

from collections.abc import Sequence
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from agencyaccess.accounts.models import Agency
from agencyaccess.links.models import Link, ServiceStatus
from agencyaccess.notify.models import OutgoingEmail


def invitation(link: Link) -> OutgoingEmail:
    """The link, to the client and the link's cc, in the client's language, in the agency's
    name and colours; replies go to the agency's support address."""
    return _to_client("invitation", link, services=link.services.filter(requested=True))


def reminder(link: Link) -> OutgoingEmail:
    """A reminder of what the client has not granted yet (notify/reminders.py decides when)."""
    return _to_client("reminder", link, services=_waiting_for(link))


def link_updated(link: Link) -> OutgoingEmail:
    """The dashboard's "e-mail the client that the request changed" (the API guide's
    sendUpdateEmail, which only the dashboard offers)."""
    return _to_client("link_updated", link, services=_waiting_for(link))


def _waiting_for(link: Link):
    return link.services.filter(requested=True).exclude(status=ServiceStatus.GRANTED)


def _to_client(kind: str, link: Link, *, services) -> OutgoingEmail:
    client = link.client
    context = {
        "client": client,
        "brand": branding(link.agency),
        "link_url": link.url,
        "services": [service.service.name for service in services.order_by("position")],
        "intake": link.intake_form_requested and link.intake_completed is None,
    }
    return _queue(
        kind,
        link,
        to=[formataddr((client.name, client.email))],
        cc=[formataddr((cc.get("name", ""), cc["email"])) for cc in link.cc],
        language=client.language,
        context=context,
    )


def branding(agency: Agency) -> dict[str, str]:
    """What an e-mail shows of the agency. Addresses are absolute: a mail client has no page to
    resolve a relative one against."""
    return {
        "name": agency.shown_name,
        "color": agency.brand_color,
        "logo_url": settings.SITE_URL + agency.logo.url if agency.logo else "",
        "support_email": agency.support_email,
    }


def _queue(
    kind: str,
    link: Link,
    *,
    to: Sequence[str],
    cc: Sequence[str],
    language: str,
    context: dict[str, Any],
) -> OutgoingEmail:
    agency = link.agency
    with translation.override(language):
        # A subject is one line whatever the template's line breaks.
        subject = " ".join(render_to_string(f"emails/{kind}.subject.txt", context).split())
        text = render_to_string(f"emails/{kind}.txt", context)
        html = render_to_string(f"emails/{kind}.html", context | {"language": language})
    return OutgoingEmail.objects.create(
        agency=agency,
        link=link,
        kind=kind,
        to=list(to),
        cc=list(cc),
        reply_to=[agency.support_email] if agency.support_email else [],
        subject=subject[:300],
        text=text,
        html=html,
    )
