"""Schemas shared by every API router: the envelope, for the OpenAPI document, and field types."""

from typing import Annotated, Any, Generic, Literal, TypeVar

from ninja import Field, Schema
from pydantic import StrictStr

T = TypeVar("T")


class Ok(Schema, Generic[T]):
    error: Literal[False] = False
    data: T


class ErrorOut(Schema):
    error: Literal[True] = True
    msg: str


# The errors of an operation that checks a key and a body. Those any request can get from the
# middleware (405, 413, 429, 500) are added to every operation by agencyaccess/openapi.py.
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409)}


# The type of a validation error whose message is a whole sentence, naming its own field
# (agencyaccess/api.py's validation_message shows it as it is).
SENTENCE = "sentence"


def documented(**json_schema: Any) -> Any:
    """Field metadata for the OpenAPI document only, where a validator checks the same rule
    with a message of its own (or accepts more spellings than an enum shows, docs/api.md)."""
    return Field(json_schema_extra=json_schema)


Email = Annotated[StrictStr, Field(max_length=254), documented(format="email")]
