"""Tables written for download as .csv or .xlsx without turning into formulas.

Text cells that a spreadsheet would read as a formula (=, +, -, @, tab, CR, LF, and their
full-width forms) are neutralised with a leading apostrophe. `neutralise` is the one place this
is done: web downloads, the export commands' CSV and the import templates all go through it.
Figures stay numbers in the .xlsx, shown with the decimals they were rounded to. The .csv starts
with a BOM so that Excel opens UTF-8 Vietnamese text correctly."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# OWASP's list, the line feed, and the full-width forms some spreadsheets also take.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^[+-]?[0-9]+([.,][0-9]+)?$")


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe; "-3,5" stays, and
    anything that is not text is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def neutralise_row(row: dict[str, Any]) -> dict[str, Any]:
    """A row of a table (column → value) with every value neutralised."""
    return {key: neutralise(value) for key, value in row.items()}


def number_format(value: Decimal) -> str:
    """The Excel format that shows a figure with as many decimals as it was rounded to, so
    41 rounded to two places reads 41.00, as on the page (and 0.6712 keeps its four)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0:
        return "0"
    return "0." + "0" * -exponent


def bold_header_row(sheet: Any) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def table_workbook(
    *, columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]], title: str
) -> Workbook:
    """A workbook of one sheet named `title`: a bold header of the `columns`' labels, then one
    line per row (a dict by column key). Add sheets to it, then `workbook_bytes`."""
    keys = [key for key, _label in columns]
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([neutralise(label) for _key, label in columns])
    bold_header_row(sheet)
    for row in rows:
        values = [neutralise(row.get(key)) for key in keys]
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = number_format(value)
    return book


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_csv(*, columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> str:
    """The table as CSV text with a BOM; a missing value is an empty field."""
    keys = [key for key, _label in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(label) for _key, label in columns])
    for row in rows:
        writer.writerow(["" if row.get(k) is None else neutralise(row.get(k)) for k in keys])
    return "\ufeff" + buffer.getvalue()
