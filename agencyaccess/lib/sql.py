"""Queries compiled to SQL once, for the few queries every API request makes.

Django compiles a queryset to SQL each time it runs it: about 0.4 ms of CPU for a simple
lookup here, several times what the database then spends answering. The API's hot paths (the
key lookup, a client or a link by id) ask the same question on every request with different
values, so they compile once per process and run the SQL again (bench/api.py measures it
against the same queries run through the ORM: docs/benchmarks.md).
What turns rows into values and model instances (the backend's converters, the model's
columns) is worked out at the same time, as Django's own iterables would on every run.

The queryset is still written with the ORM, so it follows the models: no SQL is typed by hand.
Inserts likewise: PreparedInsert writes its INSERT from the model's fields.

What this reads of Django's compiler (`klass_info`, `annotation_col_map`, `select`,
`col_count`, `get_converters`) is not public API: agencyaccess/tests/test_sql.py checks each
piece, and every prepared query of the project against the ORM's own answer, so a Django
upgrade that changes them fails the tests rather than running a wrong query.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import NOT_PROVIDED, Field, Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable

M = TypeVar("M", bound=Model)

# A column's position, the backend's and the field's converters, and the column's expression.
Converters = list[tuple[int, list[Callable], Any]]

# Placeholder values the queryset is compiled with, one per parameter name, so each can be
# told from the constants of the query in the SQL's parameters. Far from the ids and small
# numbers queries filter on; any integer column (32 bits signed) can hold them.
_SAMPLE_INTS = itertools.count(-2_000_000_000, -1)
_SAMPLE_STRINGS = itertools.count(1)


class UnsupportedQuery(Exception):
    """A queryset PreparedQuery cannot run exactly as the ORM would: raised when it is
    compiled (on its first run; the tests compile every one), never a different query run."""


@dataclass(frozen=True)
class _Compiled:
    alias: str  # the queryset's database: the SQL is in its dialect
    sql: str
    params: list[tuple[str | None, Any]]  # (parameter name, or None for a constant; its value)
    converters: Converters
    model: type[Model] | None  # None for values_list querysets
    model_columns: slice
    model_attnames: list[str]
    annotations: dict[str, int]  # annotation name -> column


class PreparedQuery(Generic[M]):
    """`build(**values)` compiled once; run again with other values for the same names.

    `parameters` names each parameter with its type (`int` or `str`): the queryset is compiled
    with a placeholder value of that type chosen here, unique to that parameter, and the SQL's
    parameters equal to a placeholder are the ones replaced on each run; the others are
    constants of the query, sent as they were. Each parameter must reach the SQL as given:
    exact lookups (`startswith` and friends rewrite the value). Model instances (with
    annotations, `only()` and `defer()`) and `values_list` rows are supported; `select_related`,
    `prefetch_related` and other result shapes are not. Anything else raises UnsupportedQuery.
    """

    def __init__(self, build: Callable[..., QuerySet[M, Any]], **parameters: type) -> None:
        self.build = build
        self.parameters = parameters
        self.sample = _placeholders(parameters)

    @cached_property
    def _compiled(self) -> _Compiled:
        queryset = self.build(**self.sample)
        _refuse_unsupported(queryset)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        order = self._named(sql, params, queryset.db)
        columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        ]
        if queryset._iterable_class is ValuesListIterable:  # rows: no model to build
            return _Compiled(queryset.db, sql, order, converters, None, slice(0), [], {})
        klass_info = compiler.klass_info
        if klass_info.get("related_klass_infos"):
            raise UnsupportedQuery("select_related is not supported")
        fields = klass_info["select_fields"]
        model_columns = slice(fields[0], fields[-1] + 1)
        return _Compiled(
            queryset.db,
            sql,
            order,
            converters,
            klass_info["model"],
            model_columns,
            [column.target.attname for column in columns[model_columns]],
            dict(compiler.annotation_col_map or {}),
        )

    def _named(self, sql: str, params: tuple | list, alias: str) -> list[tuple[str | None, Any]]:
        """Each SQL parameter with the name whose placeholder it is, or None for a constant.

        The queryset is compiled a second time with other placeholders: a parameter is one
        that follows its placeholder from one compilation to the other; one that equals a
        placeholder the first time and stays put is a constant that would be replaced.
        """
        other_sample = _placeholders(self.parameters)
        other_sql, other_params = (
            self.build(**other_sample).query.get_compiler(using=alias).as_sql()
        )
        if other_sql != sql or len(other_params) != len(params):
            raise UnsupportedQuery("the SQL itself changes with the values: not preparable")
        by_value = {(type(value), value): name for name, value in self.sample.items()}
        order: list[tuple[str | None, Any]] = []
        for param, other_param in zip(params, other_params, strict=True):
            name = by_value.get((type(param), param))
            if name is not None and other_param != other_sample[name]:
                raise UnsupportedQuery(
                    f"a constant of the query equals {name}'s placeholder {param!r}"
                )
            if name is None and other_param != param:
                raise UnsupportedQuery(f"a parameter ({param!r}) is derived from a value")
            order.append((name, param))
        if missing := self.sample.keys() - {name for name, _ in order}:
            raise UnsupportedQuery(
                f"{sorted(missing)} did not reach the SQL as given: use exact lookups"
            )
        return order

    def rows(self, **values: Any) -> list[tuple]:
        """The rows, with each column converted as the queryset would (booleans, dates...)."""
        compiled = self._compiled
        if values.keys() != self.sample.keys():
            raise TypeError(f"expected values for {sorted(self.sample)}, got {sorted(values)}")
        params = [values[name] if name else constant for name, constant in compiled.params]
        db = connections[compiled.alias]
        with db.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        if not compiled.converters:
            return fetched
        return [self._converted(row, db) for row in fetched]

    def _converted(self, row: tuple, db: BaseDatabaseWrapper) -> tuple:
        converted = list(row)
        for position, functions, expression in self._compiled.converters:
            value = converted[position]
            for convert in functions:
                value = convert(value, expression, db)
            converted[position] = value
        return tuple(converted)

    def objects(self, **values: Any) -> list[M]:
        """Model instances with their annotations, as the queryset would give them."""
        compiled = self._compiled
        if compiled.model is None:
            raise UnsupportedQuery("a values_list query has rows, not objects")
        found = []
        for row in self.rows(**values):
            instance = compiled.model.from_db(
                compiled.alias, compiled.model_attnames, row[compiled.model_columns]
            )
            for name, position in compiled.annotations.items():
                setattr(instance, name, row[position])
            found.append(instance)
        return found  # type: ignore[return-value]

    def first(self, **values: Any) -> M | None:
        found = self.objects(**values)
        return found[0] if found else None


def _placeholders(parameters: dict[str, type]) -> dict[str, object]:
    """A fresh placeholder for each parameter, of its type, unlike any other placeholder."""
    sample: dict[str, object] = {}
    for name, kind in parameters.items():
        if kind is int:
            sample[name] = next(_SAMPLE_INTS)
        elif kind is str:
            sample[name] = f"prepared-query-{name}-{next(_SAMPLE_STRINGS)}"
        else:
            raise UnsupportedQuery(f"{name}: parameters are int or str, not {kind!r}")
    return sample


def _refuse_unsupported(queryset: QuerySet) -> None:
    """What is run here is what ModelIterable and ValuesListIterable do: nothing more."""
    if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
        raise UnsupportedQuery(
            f"{queryset._iterable_class.__name__}: only model instances and values_list rows"
        )
    if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise UnsupportedQuery("prefetch_related is not supported")
    if queryset.query.select_related:
        raise UnsupportedQuery("select_related is not supported")


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
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                raise UnsupportedQuery(f"{field}: auto_now and auto_now_add are not supported")
            if field.db_default is not NOT_PROVIDED:
                raise UnsupportedQuery(f"{field}: db_default is not supported")
            if field.generated:
                raise UnsupportedQuery(f"{field}: generated fields are not supported")
        self._sql: dict[tuple[str, int], str] = {}  # (database alias, rows) -> INSERT

    def insert(self, rows: list[dict[str, Any]]) -> list[tuple]:
        """Inserts the rows; returns the `returning` columns of each, in no particular order."""
        if not rows:
            return []
        for row in rows:
            if unknown := row.keys() - self.attnames:
                raise ValueError(f"{self.model.__name__} has no column {sorted(unknown)}")
        db = connections[router.db_for_write(self.model)]
        params = [
            field.get_db_prep_save(
                row[field.attname] if field.attname in row else field.get_default(), db
            )
            for row in rows
            for field in self.fields
        ]
        with db.cursor() as cursor:
            cursor.execute(self._sql_for(len(rows), db), params)
            return cursor.fetchall() if self.returning else []

    def _sql_for(self, count: int, db: BaseDatabaseWrapper) -> str:
        """The INSERT for `count` rows, in the words every backend here accepts."""
        key = (db.alias, count)
        if key not in self._sql:
            quote = db.ops.quote_name
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
            self._sql[key] = sql
        return self._sql[key]
