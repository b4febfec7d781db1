"""Every dashboard table can be taken away as .csv or .xlsx, and says where its figures come
from: each download carries at least one basis column (the callers put one beside each figure
column) and the .xlsx a second sheet that explains the bases. Text cells that a spreadsheet would
read as a formula (=, +, -, @, tab, CR) are neutralised with a leading apostrophe. Figures stay
numbers in the .xlsx, shown with the decimals they were rounded to."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from indices.figures import all_basis_marks

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def number_format(value: Decimal) -> str:
    """The Excel format that shows a figure with as many decimals as it was rounded to, so
    41 rounded to two places reads 41.00, as on the page (and 0.6712 keeps its four)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0:
        return "0"
    return "0." + "0" * -exponent


def is_basis_column(key: str) -> bool:
    return key.endswith(("basis", "basis_label"))


def _legend_sheet(book: Workbook) -> None:
    sheet = book.create_sheet(_("Cơ sở số liệu"))
    sheet.append([_("Dấu"), _("Cơ sở"), _("Ý nghĩa")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for mark in all_basis_marks():
        sheet.append([mark.mark, mark.label, mark.explanation])
    sheet.append([])
    sheet.append(
        [
            "",
            _("Làm tròn"),
            _(
                "Mọi số được làm tròn nửa lên đến số chữ số thập phân mà cơ quan chủ trì dùng "
                "khi công bố kỳ đó, như trên trang."
            ),
        ]
    )


def table_response(
    *, columns: Sequence[tuple[str, str]], rows: Iterable[dict[str, Any]], filename: str, fmt: str
) -> HttpResponse:
    """`columns` are (key, header) pairs, at least one of them a basis column (a key ending in
    "basis" or "basis_label"); `fmt` is "csv" or "xlsx"."""
    keys = [key for key, _label in columns]
    if not any(is_basis_column(key) for key in keys):
        raise ValueError("A download must say where its figures come from: add a basis column.")
    headers = [label for _key, label in columns]
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = _("Số liệu")
        sheet.append([neutralise(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            values = [neutralise(row.get(key)) for key in keys]
            sheet.append(values)
            for cell, value in zip(sheet[sheet.max_row], values, strict=True):
                if isinstance(value, Decimal):
                    cell.number_format = number_format(value)
        _legend_sheet(book)
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
