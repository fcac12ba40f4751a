"""What the dashboard's list pages share: pages of rows that cost the same on page 1 of an
empty agency and of one with 100,000 clients. (Other agencies' ids: lib/tenancy.py.)"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import QuerySet

if TYPE_CHECKING:
    pass

T = TypeVar("T")


PER_PAGE = 50
# Far beyond any real list (5 million rows at 50 a page); bigger numbers would only make the
# database skip rows for nothing.
MAX_PAGE = 100_000


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
