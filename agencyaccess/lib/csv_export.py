"""CSV downloads that start at once and hold one row in memory at a time, and that a
spreadsheet opens as text.

A cell beginning with = + - @ (or a tab or carriage return) is a formula to Excel, LibreOffice
and Google Sheets: a client's or asset's name such as `=HYPERLINK(...)` would run when the
agency opens the file. Such cells get a leading apostrophe, which the spreadsheet hides and
which makes the cell text (OWASP, "CSV Injection").
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Line:
    """What csv.writer writes to: hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]):
    """A streamed download; `rows` is read as the response is sent (a queryset's iterator())."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
