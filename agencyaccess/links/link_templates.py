"""Templates: an agency's saved sets of requested services ("SEO package", "Paid social"), and
how a link starts from one.

The builder of a new link, of a link's edit page and of an access page can start from a
template (?template=<id>); the API's links/create takes one as its `templateID` extension
(docs/api.md), under what its requestedAccounts says. A template is checked as a link's
requestedAccounts when saved (links/template_views.py), and again on each use, as accounts can
be disconnected after it was saved.
"""

from collections.abc import Mapping
from typing import Any

from agencyaccess.catalog import platform_by_name
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.links.models import LinkTemplate

# -- Looking templates up and using them ---------------------------------------------------------


def template_of_agency(agency_id: int, public_id: str) -> LinkTemplate | None:
    """The agency's template with this id; None for another agency's or no template."""
    if not looks_like_public_id(public_id):
        return None
    return LinkTemplate.objects.filter(agency_id=agency_id, public_id=public_id).first()


def chosen_template(request: AgencyRequest) -> LinkTemplate | None:
    """The template a builder page was asked to start from (?template=<id>): a 404 for an id
    that is not one of the agency's."""
    if public_id := request.GET.get("template"):
        return agency_object(request, LinkTemplate, "template", public_id=public_id)
    return None


def template_menu(agency_id: int) -> list[LinkTemplate]:
    """The agency's templates for a builder's "Start from a template" menu."""
    return list(LinkTemplate.objects.filter(agency_id=agency_id).order_by("name", "id"))


def with_template(
    template: Mapping[str, Mapping[str, Any]], requested: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The template's services with `requested` laid over them: a service both name is
    configured as `requested` says, and `requested` may add services. Names are matched as
    the catalogue matches them (in any case); a name it does not know is kept as sent, for
    the validation to refuse."""
    merged: dict[str, dict[str, Any]] = {
        platform: dict(services) for platform, services in template.items()
    }
    for platform_name, services in requested.items():
        platform = platform_by_name(platform_name)
        platform_key = platform.name if platform else platform_name
        target = merged.setdefault(platform_key, {})
        if not isinstance(services, Mapping):
            merged[platform_key] = services  # not an object: the validation says so
            continue
        for service_name, config in services.items():
            service = platform.service(service_name) if platform else None
            target[service.name if service else service_name] = config
    return merged


def described(requested: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per platform, each service with its level as a person reads it:
    "Google: Google Ads (Standard), Google Analytics (Viewer)"."""
    lines = []
    for platform_name, services in requested.items():
        platform = platform_by_name(platform_name)
        shown = []
        for service_name, config in services.items():
            service = platform.service(service_name) if platform else None
            level = str(config.get("accessLevel") or "")
            shown.append(
                f"{service_name} ({service.level_label(level)})" if service else service_name
            )
        lines.append(f"{platform_name}: {', '.join(shown)}")
    return lines
