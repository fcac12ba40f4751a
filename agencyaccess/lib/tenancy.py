"""One agency's objects: the request type of the dashboard's views, and "this agency's object
or not found" for the dashboard and the API alike."""

from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from agencyaccess.lib.errors import NotFound
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.lib.sql import PreparedQuery

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from agencyaccess.accounts.models import Agency, Membership

M = TypeVar("M", bound=Model)


class AgencyRequest(HttpRequest):
    """For type checking: a request that went through accounts.access.agency_view, which sets
    these. Dashboard views take this instead of ignoring each attribute's type."""

    agency: "Agency"
    agency_id: int
    membership: "Membership"
    memberships: list["Membership"]
    capabilities: frozenset[str]
    htmx: "HtmxDetails"  # django_htmx's middleware


def agency_object(
    request: HttpRequest,
    source: type[M] | QuerySet[M, Any] | PreparedQuery[M],
    what: str,
    *,
    agency_field: str = "agency_id",
    **lookup: Any,
) -> M:
    """The object of the request's agency matching `lookup` (one field, e.g. `public_id=...`),
    from a model, a queryset (its select_related and filters kept) or a PreparedQuery taking
    `agency_id` and the lookup's name.

    Another agency's object, a missing one and an id that cannot be one (a public id that
    new_public_id could not have made: PostgreSQL refuses a NUL byte outright) are all raised
    alike: NotFound, which the API answers as its 404 envelope and the dashboard as its 404
    page (NotFound is an Http404). `what` names the object in the message.
    `agency_field`: the path to the agency's id where the model has none of its own
    (`endpoint__agency_id` for a webhook's deliveries).
    """
    [(field, value)] = lookup.items()
    found: M | None = None
    if field != "public_id" or looks_like_public_id(value):
        agency_id = request.agency_id  # type: ignore[attr-defined]
        if isinstance(source, PreparedQuery):
            found = source.first(agency_id=agency_id, **lookup)
        else:
            queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
            found = queryset.filter(**{agency_field: agency_id}, **lookup).first()
    if found is None:
        raise not_found(what, value)
    return found


def not_found(what: str, object_id: object) -> NotFound:
    return NotFound(f'No {what} of your agency has the id "{object_id}".')
