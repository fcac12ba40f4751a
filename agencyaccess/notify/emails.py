"""The e-mails the product sends: one function per e-mail (DESIGN.md, convention 11).

Each function renders its templates in the recipient's language and queues an OutgoingEmail;
the worker sends it, retrying on failure (notify/jobs.py). Nothing is sent during a request.
E-mails to a link's client use `emails/<kind>.subject.txt`, `.txt` and `.html`. Those to agency
staff are in English like the dashboard: the account e-mails keep text-only templates under
`accounts/emails/`; the notifications of the agency's events use `emails/<kind>.*` too.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from agencyaccess.accounts.models import Agency, Invitation, Membership, Role, User
from agencyaccess.catalog import service_by_key
from agencyaccess.links.models import Link, ServiceStatus, shown_grant_state
from agencyaccess.notify import activity
from agencyaccess.notify.models import DigestItem, Event, EventType, OutgoingEmail, WebhookEndpoint

if TYPE_CHECKING:
    from agencyaccess.clients.models import Client
    from agencyaccess.lifecycle.models import Offboarding
    from agencyaccess.links.models import RequestedService

# The staff pages, and so the e-mails to staff, are in English only.
STAFF_LANGUAGE = "en"

# E-mails whose link is a credential (it joins a team, or sets a password) while the database
# keeps only a digest of it: the worker erases their text once it is done with them.
CARRY_SECRETS = frozenset({"team_invitation", "password_reset"})


@dataclass(frozen=True)
class Templates:
    subject: str
    text: str
    html: str = ""  # none: a text-only e-mail

    @classmethod
    def by_kind(cls, kind: str) -> "Templates":
        return cls(f"emails/{kind}.subject.txt", f"emails/{kind}.txt", f"emails/{kind}.html")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


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


def team_invitation(invitation: Invitation, token: str) -> OutgoingEmail:
    """The link to join the agency's team; `token` is the one secret that opens it. Replies go
    to the person who invited, not to a no-reply address."""
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "agency": invitation.agency,
        "inviter": inviter,
        "url": settings.SITE_URL + reverse("accounts-accept-invitation", args=[token]),
    }
    return _queue(
        "team_invitation",
        Templates("accounts/emails/invitation_subject.txt", "accounts/emails/invitation.txt"),
        context,
        language=STAFF_LANGUAGE,
        agency=invitation.agency,
        to=[invitation.email],
        reply_to=[inviter.email] if inviter else [],
    )


def password_reset(user: User, uid: str, token: str) -> OutgoingEmail:
    """The link to choose a new password (Django's uid and token; accounts/forms.py). From the
    install, not from an agency: a user may belong to several."""
    context = {"user": user, "uid": uid, "token": token, "site_url": settings.SITE_URL}
    return _queue(
        "password_reset",
        Templates(
            "accounts/emails/password_reset_subject.txt", "accounts/emails/password_reset.txt"
        ),
        context,
        language=STAFF_LANGUAGE,
        agency=None,
        to=[user.email],
    )


def teammate_notification(event: Event, memberships: Sequence[Membership]) -> list[OutgoingEmail]:
    """An event of the agency, e-mailed to each of these teammates (one e-mail each, rendered
    once): what happened, to which client, what was granted and where it stands, what waits for
    the agency, and links to the link's page and to one's notification settings. The memberships'
    agency and user must be loaded. Only the fields named here reach the templates: never the
    tokens a link.completed may carry."""
    agency = memberships[0].agency
    data = event.data
    context = {
        "agency_name": agency.name,
        "headline": activity.sentence(event.type, data),
        "client": data.get("client") or {},
        "services": _services_of(event.type, data),
        "awaiting": [_asset(asset) for asset in activity.awaiting_agency(event.type, data)],
        "intake": event.type == EventType.INTAKE_COMPLETED,
        "link_url": _link_page(activity.link_id(event.type, data)),
        "settings_url": settings.SITE_URL + reverse("accounts-notifications"),
    }
    rendered = _render(Templates.by_kind("teammate_notification"), context, STAFF_LANGUAGE)
    return OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            agency=agency,
            link_id=event.link_id,
            kind="teammate_notification",
            to=[membership.user.email],
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
        )
        for membership in memberships
    )


def daily_digest(user: User, items: Sequence[DigestItem]) -> OutgoingEmail:
    """The events a user chose to read once a day, grouped by agency, oldest first; each a
    sentence with a link to its link's page. The items' event and membership agency must be
    loaded."""
    by_agency: dict[Agency, list[dict[str, Any]]] = {}
    for item in items:
        event = item.event
        by_agency.setdefault(item.membership.agency, []).append(
            {
                "occurred": event.occurred,
                "headline": activity.sentence(event.type, event.data),
                "action_needed": bool(activity.awaiting_agency(event.type, event.data)),
                "link_url": _link_page(activity.link_id(event.type, event.data)),
            }
        )
    agencies = list(by_agency)
    context = {
        "count": len(items),
        "agencies": [(agency.name, by_agency[agency]) for agency in agencies],
        "settings_url": settings.SITE_URL + reverse("accounts-notifications"),
    }
    return _queue(
        "daily_digest",
        Templates.by_kind("daily_digest"),
        context,
        language=STAFF_LANGUAGE,
        # From the agency's name when there is one agency to speak of.
        agency=agencies[0] if len(agencies) == 1 else None,
        to=[user.email],
    )


def _link_page(link_id: str) -> str:
    return settings.SITE_URL + reverse("links-detail", args=[link_id]) if link_id else ""


def _services_of(event_type: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The services an event reports on, with their assets, as the e-mails list them."""
    if event_type == EventType.LINK_COMPLETED:
        services = data.get("services", [])
    elif event_type == EventType.SERVICE_GRANTED:
        services = [data]
    else:
        return []
    return [
        {
            "platform": service.get("platform", ""),
            "service": service.get("service", ""),
            "status": service.get("status", ""),
            "assets": [_asset(asset) for asset in service.get("assets", [])],
            "assets_truncated": service.get("assets_truncated", False),
        }
        for service in services
    ]


def _asset(asset: Mapping[str, Any]) -> dict[str, str]:
    return {
        "service": asset.get("service", ""),
        "name": asset.get("name") or asset.get("native_id", ""),
        "native_id": asset.get("native_id", ""),
        "state": shown_grant_state(asset.get("state", ""))[0],
        "account": (asset.get("connected_account") or {}).get("name", ""),
        "notes": asset.get("notes", ""),
    }


def webhook_disabled(endpoint: WebhookEndpoint) -> OutgoingEmail:
    """To the agency's owners: an endpoint was disabled (410, or failing for days), with what
    to do once its receiver works again."""
    agency = endpoint.agency
    owners = User.objects.filter(memberships__agency=agency, memberships__role=Role.OWNER)
    return _queue(
        "webhook_disabled",
        Templates(
            "notify/emails/webhook_disabled_subject.txt", "notify/emails/webhook_disabled.txt"
        ),
        {
            "agency": agency,
            "endpoint": endpoint,
            "url": settings.SITE_URL + reverse("notify-webhook", args=[endpoint.public_id]),
        },
        language=STAFF_LANGUAGE,
        agency=agency,
        to=sorted(owners.values_list("email", flat=True)),
    )


def _waiting_for(link: Link):
    return link.services.filter(requested=True).exclude(status=ServiceStatus.GRANTED)


def offboarding_confirmation(offboarding: "Offboarding", page_url: str) -> OutgoingEmail:
    """The dated confirmation of an offboarding, to the client: what was removed and when, what
    is left to remove by hand, what could not be removed, and what they may still check. The
    same as the page at `page_url`."""
    revocations = offboarding.revocations.select_related("grant").order_by("grant__created")
    return _to_client(
        "offboarding_confirmation",
        offboarding.link or offboarding.client.links.order_by("-created").first(),
        client=offboarding.client,
        extra={
            "offboarding": offboarding,
            "page_url": page_url,
            "revocations": [
                {
                    "service": service_by_key(r.grant.service_key).name,
                    "asset": r.grant.asset_name or r.grant.asset_id,
                    "status": r.status,
                    "done": r.done,
                    "message": r.message,
                }
                for r in revocations
            ],
        },
    )


def access_ending(link: Link, services: Sequence["RequestedService"]) -> OutgoingEmail:
    """To the client, some days before a link's (or a service's) access ends by itself."""
    return _to_client(
        "access_ending",
        link,
        extra={"ending": [(s.service.name, s.ends) for s in services]},  # type: ignore[attr-defined]
    )


def access_ending_team(
    link: Link, services: Sequence["RequestedService"], to: Sequence[str]
) -> OutgoingEmail | None:
    """To the teammates, when the client is told that access ends (access_ending)."""
    if not to:
        return None
    context = {
        "agency_name": link.agency.name,
        "client": link.client,
        "ending": [(s.service.name, s.ends) for s in services],  # type: ignore[attr-defined]
        "link_url": _link_page(link.public_id),
    }
    return _queue(
        "access_ending_team",
        Templates("emails/access_ending_team.subject.txt", "emails/access_ending_team.txt"),
        context,
        language=STAFF_LANGUAGE,
        agency=link.agency,
        link=link,
        to=list(to),
    )


def _to_client(
    kind: str,
    link: Link | None,
    *,
    services=None,
    client: "Client | None" = None,
    extra: Mapping[str, Any] | None = None,
) -> OutgoingEmail:
    """An e-mail to a link's client (or to a client, about no link in particular). Each has
    the address of the client's own page, where they see and can remove the agency's access."""
    client = client or link.client  # type: ignore[union-attr]
    agency = client.agency
    context = {
        "client": client,
        "brand": branding(agency),
        "link_url": link.url if link else "",
        "access_url": client_access_url(link) if link else "",
        "services": [service.service.name for service in services.order_by("position")]
        if services is not None
        else [],
        "intake": link is not None and link.intake_form_requested and link.intake_completed is None,
        **(extra or {}),
    }
    return _queue(
        kind,
        Templates.by_kind(kind),
        context,
        language=client.language,
        agency=agency,
        link=link,
        to=[formataddr((client.name, client.email))],
        cc=[formataddr((cc.get("name", ""), cc["email"])) for cc in (link.cc if link else [])],
        reply_to=[agency.support_email] if agency.support_email else [],
    )


def client_access_url(link: Link) -> str:
    """The client's own page (lifecycle.views.client_access), reached with the link's id."""
    return settings.SITE_URL + reverse("lifecycle-client-access", args=[link.public_id])


def branding(agency: Agency) -> dict[str, str]:
    """What an e-mail shows of the agency. Addresses are absolute: a mail client has no page to
    resolve a relative one against."""
    return {
        "name": agency.shown_name,
        "color": agency.brand_color,
        "logo_url": settings.SITE_URL + agency.logo.url if agency.logo else "",
        "support_email": agency.support_email,
    }


def _render(templates: Templates, context: dict[str, Any], language: str) -> Rendered:
    with translation.override(language):
        # A subject is one line whatever the template's line breaks.
        subject = " ".join(render_to_string(templates.subject, context).split())
        text = render_to_string(templates.text, context)
        html = (
            render_to_string(templates.html, context | {"language": language})
            if templates.html
            else ""
        )
    return Rendered(subject[:300], text, html)


def _queue(
    kind: str,
    templates: Templates,
    context: dict[str, Any],
    *,
    language: str,
    agency: Agency | None,
    link: Link | None = None,
    to: Sequence[str],
    cc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
) -> OutgoingEmail:
    rendered = _render(templates, context, language)
    return OutgoingEmail.objects.create(
        agency=agency,
        link=link,
        kind=kind,
        to=list(to),
        cc=list(cc),
        reply_to=list(reply_to),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
