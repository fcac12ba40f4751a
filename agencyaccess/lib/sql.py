"""Querysets compiled to SQL once, for the few queries every API request makes.

Django compiles a queryset to SQL each time it runs it: about 0.4 ms of CPU for a simple
lookup here, several times what the database then spends answering. The API's hot paths (the
key lookup, a client or a link by id) ask the same question on every request with different
values, so they compile once per process and run the SQL again (bench/api.py measures it).

The queryset is still written with the ORM, so it follows the models: no SQL is typed by hand.
"""

from collections.abc import Callable
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class PreparedQuery(Generic[M]):
    """`build(**sample)` compiled once; run again with other values for the same names.

    The SQL's parameters are matched back to the names by value, so each sample value must be
    distinct from the others and from the constants the queryset filters on, and must reach the
    SQL as it is: exact lookups (`startswith` and friends rewrite the value). Parameters that
    match no sample value are constants of the query, sent as they were.
    """

    def __init__(self, build: Callable[..., QuerySet[M, Any]], **sample: Any) -> None:
        self.build = build
        self.sample = sample

    @cached_property
    def _compiled(self) -> tuple[QuerySet[M, Any], str, list[tuple[str | None, Any]]]:
        queryset = self.build(**self.sample)
        sql, params = queryset.query.sql_with_params()
        by_value = {value: name for name, value in self.sample.items()}
        assert len(by_value) == len(self.sample), "sample values must be distinct"
        order = [(by_value.get(param), param) for param in params]
        missing = set(self.sample) - {name for name, _ in order}
        assert not missing, f"{missing} did not reach the SQL as given: use exact lookups"
        return queryset, sql, order

    def _params(self, values: dict[str, Any]) -> list[Any]:
        return [values[name] if name else constant for name, constant in self._compiled[2]]

    def objects(self, **values: Any) -> list[M]:
        """Model instances, as the queryset would give them (fields converted from the DB)."""
        queryset, sql, _ = self._compiled
        return list(queryset.model._default_manager.raw(sql, self._params(values)))

    def first(self, **values: Any) -> M | None:
        found = self.objects(**values)
        return found[0] if found else None

    def rows(self, **values: Any) -> list[tuple]:
        """Plain tuples, for a `values_list` queryset of columns that need no conversion."""
        _, sql, _ = self._compiled
        with connection.cursor() as cursor:
            cursor.execute(sql, self._params(values))
            return cursor.fetchall()
