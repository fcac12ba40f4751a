"""The part of the Google Ads Query Language the connector speaks: SELECT fields FROM a resource,
WHERE comparisons joined by AND (developers.google.com/google-ads/api/docs/query/grammar).

Rows come in flat, keyed by full field names ("customer_client.level"); results go out as the
REST interface writes them: nested by resource, camelCase, each with its resourceName.
"""

import re
from dataclasses import dataclass
from typing import Any

QUERY = re.compile(
    r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<resource>\w+)(?:\s+WHERE\s+(?P<where>.+?))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
CONDITION = re.compile(
    r"^\s*(?P<field>[\w.]+)\s*(?P<op>!=|<=|>=|=|<|>)\s*(?P<value>'[^']*'|\S+)\s*$"
)
COMPARE = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    resource: str
    fields: tuple[str, ...]
    conditions: tuple[tuple[str, str, str], ...]


def parse(text: str) -> Query:
    match = QUERY.match(text)
    if not match:
        raise QueryError(f"Error in query: {text!r}")
    conditions = []
    for part in re.split(r"\s+AND\s+", match["where"] or "", flags=re.IGNORECASE):
        if not part.strip():
            continue
        condition = CONDITION.match(part)
        if not condition:
            raise QueryError(f"Error in WHERE clause: {part!r}")
        conditions.append((condition["field"], condition["op"], condition["value"]))
    fields = tuple(f.strip() for f in match["fields"].split(","))
    return Query(match["resource"], fields, tuple(conditions))


def run(query: Query, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_project(query, row) for row in rows if _matches(query, row)]


def _matches(query: Query, row: dict[str, Any]) -> bool:
    for field, op, literal in query.conditions:
        if field not in row:
            raise QueryError(f"Unrecognized field in the query: '{field}'.")
        value: Any = row[field]
        wanted: Any = literal.strip("'")
        if not literal.startswith("'"):
            value, wanted = float(value), float(wanted)
        if not COMPARE[op](value, wanted):
            return False
    return True


def _project(query: Query, row: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, dict[str, Any]] = {}
    for field in (f"{query.resource}.resource_name", *query.fields):
        if field not in row:
            raise QueryError(f"Unrecognized field in the query: '{field}'.")
        resource, _, name = field.partition(".")
        result.setdefault(_camel(resource), {})[_camel(name)] = row[field]
    return result


def camel_path(field: str) -> str:
    """customer.descriptive_name -> customer.descriptiveName"""
    return ".".join(map(_camel, field.split(".")))


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)
