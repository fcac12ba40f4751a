"""What the dashboard's list and detail pages share: 404s for other agencies' ids, and pages of
rows that cost the same on page 1 of an empty agency and of one with 100,000 clients."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from agencyaccess.lib.errors import NotFound

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from agencyaccess.accounts.models import Agency, Membership

T = TypeVar("T")


class AgencyRequest(HttpRequest):
    """For type checking: a request that went through accounts.access.agency_view, which sets
    these. Dashboard views take this instead of ignoring each attribute's type."""

    agency: "Agency"
    agency_id: int
    membership: "Membership"
    memberships: list["Membership"]
    capabilities: frozenset[str]
    htmx: "HtmxDetails"  # django_htmx's middleware


PER_PAGE = 50
# Far beyond any real list (5 million rows at 50 a page); bigger numbers would only make the
# database skip rows for nothing.
MAX_PAGE = 100_000


def get_or_404(get_for_request: Callable[..., T], request: HttpRequest, *args: Any) -> T:
    """Call a get_<thing>_for_request helper, which the API shares: its NotFound (an API
    error) becomes the dashboard's 404 page."""
    try:
        return get_for_request(request, *args)
    except NotFound as e:
        raise Http404(e.message) from None


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_index(self) -> int:
        """The position of the first item in the whole list, counting from 1."""
        return (self.number - 1) * PER_PAGE + 1

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1


def page_number(value: str | None) -> int:
    """?page=: a number from 1 to MAX_PAGE; anything else is the first page."""
    try:
        number = int(value or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate(queryset: QuerySet, number: int) -> Page:
    """One page of an ordered queryset, in one query and without COUNT(*).

    Counting is what makes a paginator slow on big lists: a search among 100,000 clients took
    longer to count than to show (bench/dashboard.py). One row past the page says whether
    there is a next one, and that is all Previous/Next needs.
    """
    start = (number - 1) * PER_PAGE
    rows = list(queryset[start : start + PER_PAGE + 1])
    return Page(items=rows[:PER_PAGE], number=number, has_next=len(rows) > PER_PAGE)
