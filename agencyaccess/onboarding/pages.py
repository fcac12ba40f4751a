"""What every client page shares: finding the link, its language, its branding."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from agencyaccess.accounts.models import Agency
from agencyaccess.clients.models import Client
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.lib.sql import PreparedQuery
from agencyaccess.links.models import Link
from agencyaccess.onboarding.journey import pop_just_shared

SESSION_LANGUAGE = "onboarding_language"
# The client's languages, in the switcher's order (settings.LANGUAGES).
LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


class LinkNotFound(Exception):
    """Unknown id, or a link whose client was deleted: the friendly 404 page."""


# Every client page loads its link, client and agency: three queries compiled once (lib/sql.py)
# cost less than one select_related compiled on every request.
_LINK = PreparedQuery(lambda public_id: Link.objects.filter(public_id=public_id)[:1], public_id=str)
_CLIENT = PreparedQuery(lambda pk: Client.objects.filter(pk=pk), pk=int)
_AGENCY = PreparedQuery(lambda pk: Agency.objects.filter(pk=pk), pk=int)


def load_link(request: HttpRequest, link_id: str) -> Link:
    """The link this page is for, with its client and agency; activates the client's language
    (or the one they switched to on this link)."""
    link = _LINK.first(public_id=link_id) if looks_like_public_id(link_id) else None
    if link is None:
        raise LinkNotFound(link_id)
    link.client = _CLIENT.objects(pk=link.client_id)[0]
    link.agency = _AGENCY.objects(pk=link.agency_id)[0]
    chosen = request.session.get(SESSION_LANGUAGE, {}).get(link.public_id)
    translation.activate(chosen if chosen in LANGUAGES else link.client.language)
    request.LANGUAGE_CODE = translation.get_language()
    return link


def remember_language(request: HttpRequest, link: Link, language: str) -> None:
    if language in LANGUAGES:
        chosen = request.session.get(SESSION_LANGUAGE, {})
        chosen[link.public_id] = language
        request.session[SESSION_LANGUAGE] = chosen
        translation.activate(language)


def render_page(
    request: HttpRequest, link: Link, template: str, context: dict | None = None, status: int = 200
) -> HttpResponse:
    """Render a client page with the link, the agency's branding, the language switcher and
    what the client shared just before (the flow moves on to this page after a grant)."""
    base = {
        "link": link,
        "client": link.client,
        "just_shared": pop_just_shared(request.session, link),
        **branding(link.agency),
    }
    return render(request, template, base | (context or {}), status=status)


def branding(agency: Agency) -> dict[str, Any]:
    """What onboarding/base.html needs to dress a page in the agency's colours."""
    return {
        "agency": agency,
        "brand": {
            "name": agency.shown_name,
            "color": agency.brand_color,
            "theme": agency.theme,
            "logo_url": agency.logo.url if agency.logo else "",
        },
        "languages": LANGUAGES,
    }


def not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/not_found.html", status=404)
