"""Every dashboard table can be taken away as .csv or .xlsx, and says where its figures come
from: each download carries at least one basis column (the callers put one beside each figure
column) and the .xlsx a second sheet that explains the bases. The writing itself, formula-safe
and with number formats, is `tabular.export`'s, whose `neutralise` is the only one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from audit.services import AuditKind, audit_record
from indices.figures import all_basis_marks
from tabular.export import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    bold_header_row,
    neutralise,
    table_csv,
    table_workbook,
    workbook_bytes,
)


def is_basis_column(key: str) -> bool:
    return key.endswith(("basis", "basis_label"))


def _legend_sheet(book: Workbook) -> None:
    sheet = book.create_sheet(_("Cơ sở số liệu"))
    sheet.append([_("Dấu"), _("Cơ sở"), _("Ý nghĩa")])
    bold_header_row(sheet)
    for mark in all_basis_marks():
        sheet.append([neutralise(mark.mark), neutralise(mark.label), neutralise(mark.explanation)])
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
    if not any(is_basis_column(key) for key, _label in columns):
        raise ValueError("A download must say where its figures come from: add a basis column.")
    if fmt == "xlsx":
        book = table_workbook(columns=columns, rows=rows, title=_("Số liệu"))
        _legend_sheet(book)
        response = HttpResponse(workbook_bytes(book), content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(
            table_csv(columns=columns, rows=rows), content_type=CSV_CONTENT_TYPE
        )
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    audit_record(kind=AuditKind.EXPORT, description=f"{filename}.{fmt}")
    return response
