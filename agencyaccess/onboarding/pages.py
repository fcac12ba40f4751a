"""What every client page shares: finding the link, its language, its branding."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from agencyaccess.accounts.models import Agency
from agencyaccess.links.models import Link

SESSION_LANGUAGE = "onboarding_language"
LANGUAGES = ("en", "es", "nl")


class LinkNotFound(Exception):
    """Unknown id, or a link whose client was deleted: the friendly 404 page."""


def load_link(request: HttpRequest, link_id: str) -> Link:
    """The link this page is for, with its client and agency; activates the client's language
    (or the one they switched to on this link)."""
    link = Link.objects.select_related("client", "agency").filter(public_id=link_id).first()
    if link is None:
        raise LinkNotFound(link_id)
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
    """Render a client page with the link, the agency's branding and the language switcher."""
    base = {"link": link, "client": link.client, **branding(link.agency)}
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
