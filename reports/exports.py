"""Every dashboard table can be taken away as .csv or .xlsx. Text cells that a spreadsheet
would read as a formula (=, +, -, @, tab, CR) are neutralised with a leading apostrophe."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def table_response(
    *, columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]], filename: str, fmt: str
) -> HttpResponse:
    """`columns` are (key, header) pairs; `fmt` is "csv" or "xlsx"."""
    keys = [key for key, _label in columns]
    headers = [label for _key, label in columns]
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append([neutralise(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([neutralise(row.get(key)) for key in keys])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        buffer_text = io.StringIO()
        writer = csv.writer(buffer_text)
        writer.writerow([neutralise(h) for h in headers])
        for row in rows:
            writer.writerow(["" if row.get(k) is None else neutralise(row.get(k)) for k in keys])
        # A BOM so that Excel opens UTF-8 Vietnamese text correctly.
        response = HttpResponse(
            "\ufeff" + buffer_text.getvalue(), content_type="text/csv; charset=utf-8"
        )
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
