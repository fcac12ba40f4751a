"""Schemas shared by every API router: the envelope, for the OpenAPI document."""

from typing import Generic, Literal, TypeVar

from ninja import Schema

T = TypeVar("T")


class Ok(Schema, Generic[T]):
    error: Literal[False] = False
    data: T


class ErrorOut(Schema):
    error: Literal[True] = True
    msg: str


ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 429)}
