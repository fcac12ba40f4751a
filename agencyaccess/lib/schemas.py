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
# (validation_message below shows it as it is).
SENTENCE = "sentence"


def documented(**json_schema: Any) -> Any:
    """Field metadata for the OpenAPI document only, where a validator checks the same rule
    with a message of its own (or accepts more spellings than an enum shows, docs/api.md)."""
    return Field(json_schema_extra=json_schema)


Email = Annotated[StrictStr, Field(max_length=254), documented(format="email")]


# links/create's words for a clientID that is not one of the agency's clients (the API guide's).
INVALID_CLIENT = "Please provide a valid clientID"

_PROBLEMS = {
    "missing": "is required",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "list_type": "must be an array",
    "string_too_short": "must not be empty",
}


def validation_message(errors: list[dict]) -> str:
    """pydantic's errors as sentences naming each field: 'metadata.plan must be a string.'"""
    sentences: list[str] = []
    for error in errors:
        loc = (
            [str(part) for part in error.get("loc", ())[2:]]
            if error.get("loc", ("",))[0] == "body"
            else [str(part) for part in error.get("loc", ())[1:]]
        )
        if loc and loc[0] == "clientID":
            sentence = INVALID_CLIENT
        elif not loc and error.get("type") in (
            "missing",
            "model_attributes_type",
            "dict_type",
            "model_type",
        ):
            sentence = "The request body must be a JSON object."
        else:
            sentence = _sentence(loc, error)
        if sentence not in sentences:
            sentences.append(sentence)
    if sentences == [INVALID_CLIENT]:
        return INVALID_CLIENT  # the guide's exact words, as for an unknown clientID
    return " ".join(s if s.endswith(".") else s + "." for s in sentences)


def _sentence(loc: list[str], error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == SENTENCE:
        return str(ctx["sentence"])
    if kind == "value_error":
        problem = str(ctx.get("error", error.get("msg", "")))
    elif kind == "string_too_long":
        problem = f"must be at most {ctx.get('max_length')} characters"
    elif kind == "too_long":
        problem = f"may hold at most {ctx.get('max_length')} items"
    else:
        problem = _PROBLEMS.get(kind) or str(error.get("msg", "is invalid")).lower()
    if loc:
        return f"{_path(loc)} {problem}"
    # A model validator's sentence starts with a field name, whose case is part of the name.
    return problem if kind == "value_error" else problem[:1].upper() + problem[1:]


def _path(loc: list[str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if part.isdigit() else (f".{part}" if path else part)
    return path
