"""Querysets compiled to SQL once, for the few queries every API request makes.

Django compiles a queryset to SQL each time it runs it: about 0.4 ms of CPU for a simple
lookup here, several times what the database then spends answering. The API's hot paths (the
key lookup, a client or a link by id) ask the same question on every request with different
values, so they compile once per process and run the SQL again (bench/api.py measures it).
What turns rows into values and model instances (the backend's converters, the model's
columns) is worked out at the same time, as Django's own iterables would on every run.

The queryset is still written with the ORM, so it follows the models: no SQL is typed by hand.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# A column's position, the backend's and the field's converters, and the column's expression.
Converters = list[tuple[int, list[Callable], Any]]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: list[tuple[str | None, Any]]  # (sample name, or None for a constant; its value)
    converters: Converters
    model: type[Model] | None  # None for values_list querysets
    model_columns: slice
    model_attnames: list[str]
    annotations: dict[str, int]  # annotation name -> column


class PreparedQuery(Generic[M]):
    """`build(**sample)` compiled once; run again with other values for the same names.

    The SQL's parameters are matched back to the names by value, so each sample value must be
    distinct from the others and from the constants the queryset filters on, and must reach the
    SQL as it is: exact lookups (`startswith` and friends rewrite the value). Parameters that
    match no sample value are constants of the query, sent as they were. `select_related` is
    not supported: these are single-table lookups, with annotations for related ids.
    """

    def __init__(self, build: Callable[..., QuerySet[M, Any]], **sample: Any) -> None:
        self.build = build
        self.sample = sample

    @cached_property
    def _compiled(self) -> _Compiled:
        queryset = self.build(**self.sample)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        by_value = {value: name for name, value in self.sample.items()}
        assert len(by_value) == len(self.sample), "sample values must be distinct"
        order = [(by_value.get(param), param) for param in params]
        missing = set(self.sample) - {name for name, _ in order}
        assert not missing, f"{missing} did not reach the SQL as given: use exact lookups"
        columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        ]
        klass_info = compiler.klass_info
        if klass_info is None:
            return _Compiled(sql, order, converters, None, slice(0), [], {})
        assert not klass_info.get("related_klass_infos"), "select_related is not supported"
        fields = klass_info["select_fields"]
        model_columns = slice(fields[0], fields[-1] + 1)
        return _Compiled(
            sql,
            order,
            converters,
            klass_info["model"],
            model_columns,
            [column.target.attname for column in columns[model_columns]],
            dict(compiler.annotation_col_map or {}),
        )

    def rows(self, **values: Any) -> list[tuple]:
        """The rows, with each column converted as the queryset would (booleans, dates...)."""
        compiled = self._compiled
        params = [values[name] if name else constant for name, constant in compiled.params]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if not compiled.converters:
            return fetched
        return [self._converted(row) for row in fetched]

    def _converted(self, row: tuple) -> tuple:
        converted = list(row)
        for position, functions, expression in self._compiled.converters:
            value = converted[position]
            for convert in functions:
                value = convert(value, expression, connection)
            converted[position] = value
        return tuple(converted)

    def objects(self, **values: Any) -> list[M]:
        """Model instances with their annotations, as the queryset would give them."""
        compiled = self._compiled
        assert compiled.model is not None, "a values_list query has rows, not objects"
        found = []
        for row in self.rows(**values):
            instance = compiled.model.from_db(
                connection.alias, compiled.model_attnames, row[compiled.model_columns]
            )
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found  # type: ignore[return-value]

    def first(self, **values: Any) -> M | None:
        found = self.objects(**values)
        return found[0] if found else None
