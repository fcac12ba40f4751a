"""Queries compiled to SQL once, for the few queries every API request makes.

Django compiles a queryset to SQL each time it runs it: about 0.4 ms of CPU for a simple
lookup here, several times what the database then spends answering. The API's hot paths (the
key lookup, a client or a link by id) ask the same question on every request with different
values, so they compile once per process and run the SQL again (bench/api.py measures it).
What turns rows into values and model instances (the backend's converters, the model's
columns) is worked out at the same time, as Django's own iterables would on every run.

The queryset is still written with the ORM, so it follows the models: no SQL is typed by hand.
Inserts likewise: PreparedInsert writes its INSERT from the model's fields.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import NOT_PROVIDED, Field, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable

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
        # What is run here is what ModelIterable and ValuesListIterable do: nothing more.
        assert queryset._iterable_class in (ModelIterable, ValuesListIterable), "not supported"
        assert not queryset._prefetch_related_lookups, "prefetch_related is not supported"  # type: ignore[attr-defined]
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
        db = _this_threads_connection()
        for position, functions, expression in self._compiled.converters:
            value = converted[position]
            for convert in functions:
                value = convert(value, expression, db)
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


def _this_threads_connection() -> BaseDatabaseWrapper:
    """The connection itself: each attribute read through `django.db.connection`, a proxy,
    looks up the thread's connection again, and the converters read several per value."""
    return connections[DEFAULT_DB_ALIAS]


class PreparedInsert:
    """Rows of one model in one INSERT, its SQL written from the model once per number of rows.

    bulk_create builds a model instance per row and compiles its INSERT on every call: for a
    link of 8 services and 16 receiving accounts that was a third of links/create's CPU. Rows
    here are dicts of attribute names (`link_id`, not `link`); a field left out gets its
    default, as the model would give it. No signals are sent, as with bulk_create. Meant for
    the few rows of one request: all of them go in one statement.
    """

    def __init__(
        self, model: type[Model], returning: tuple[str, ...] = (), ignore_conflicts: bool = False
    ) -> None:
        """`ignore_conflicts`: a row that would break a unique constraint is left out, without
        an error (`ON CONFLICT DO NOTHING`, the same words on SQLite and PostgreSQL)."""
        self.model = model
        self.returning = returning
        self.ignore_conflicts = ignore_conflicts
        self.fields: list[Field] = [
            field for field in model._meta.concrete_fields if not field.primary_key
        ]
        self.attnames = frozenset(field.attname for field in self.fields)
        for field in self.fields:  # what save() computes and a plain default would not
            assert not getattr(field, "auto_now", False), f"{field}: auto_now is not supported"
            assert not getattr(field, "auto_now_add", False), f"{field}: auto_now_add either"
            assert field.db_default is NOT_PROVIDED, f"{field}: db_default is not supported"
            assert not field.generated, f"{field}: generated fields are not supported"
        self._sql: dict[int, str] = {}

    def insert(self, rows: list[dict[str, Any]]) -> list[tuple]:
        """Inserts the rows; returns the `returning` columns of each, in no particular order."""
        if not rows:
            return []
        for row in rows:
            if unknown := row.keys() - self.attnames:
                raise ValueError(f"{self.model.__name__} has no column {sorted(unknown)}")
        db = _this_threads_connection()
        params = [
            field.get_db_prep_save(
                row[field.attname] if field.attname in row else field.get_default(), db
            )
            for row in rows
            for field in self.fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(self._sql_for(len(rows)), params)
            return cursor.fetchall() if self.returning else []

    def _sql_for(self, count: int) -> str:
        if count not in self._sql:
            quote = connection.ops.quote_name
            meta = self.model._meta
            column_of = {field.name: str(field.column) for field in meta.concrete_fields}
            columns = ", ".join(quote(column_of[field.name]) for field in self.fields)
            values = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
            # Names from the model, quoted; every value a placeholder.
            table = quote(meta.db_table)
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([values] * count)}"  # noqa: S608
            if self.ignore_conflicts:
                sql += " ON CONFLICT DO NOTHING"
            if self.returning:
                sql += " RETURNING " + ", ".join(quote(column_of[n]) for n in self.returning)
            self._sql[count] = sql
        return self._sql[count]
