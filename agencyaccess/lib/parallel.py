"""Independent calls to a platform's API made side by side.

Listing a client's assets takes a call per account (its details, the person's role in it): one
after another, ten accounts at a quarter of a second each keep the client waiting seconds on
the asset list. The calls wait on the network, not on our CPU, so threads overlap them.
"""

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, cast

from django.utils import translation

T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A")
B = TypeVar("B")

# At most this many calls at once for one page, whatever the number of accounts: the platforms'
# per-user rate limits stay far away, and the threads live only as long as the listing.
MAX_CALLS_AT_ONCE = 8


def map_side_by_side(function: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """[function(item) for item in items], the calls overlapping, results in the items' order.
    An exception is raised as the loop would raise it: the first item's to fail, in order.

    Each call runs in the caller's language (messages are translated in them). `function` must
    not use the database: a thread of its own would open a connection of its own.
    """
    items = list(items)
    if len(items) < 2:
        return [function(item) for item in items]
    language = translation.get_language()

    def in_callers_language(item: T) -> R:
        with translation.override(language):
            return function(item)

    with ThreadPoolExecutor(max_workers=min(MAX_CALLS_AT_ONCE, len(items))) as pool:
        return list(pool.map(in_callers_language, items))


def both_side_by_side(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """(first(), second()), the two calls overlapping: two lists that do not depend on each
    other. If both fail, first's exception is raised, as calling them in this order would."""
    calls: list[Callable[[], object]] = [first, second]
    a, b = map_side_by_side(lambda call: call(), calls)
    return cast(A, a), cast(B, b)
