"""Every dashboard table can be taken away as .csv or .xlsx, and says where its figures come
from: each download carries at least one basis column (the callers put one beside each figure
column) and the .xlsx a second sheet that explains the bases. A whole page comes as one workbook
(`workbook_response`): an about sheet, then one sheet per table with its title, source and frozen
header. The writing is formula-safe through `tabular.export.neutralise`, the only neutraliser."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


# Whole-page workbooks ----------------------------------------------------------------------------

# Characters Excel refuses in a sheet's name, and its length limit.
_SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
SHEET_NAME_MAX = 31
# Each table sheet: its title (row 1), its source (row 2), a note or nothing (row 3), the header
# (row 4, frozen with the lines above it), then the rows.
HEADER_ROW = 4


@dataclass(frozen=True)
class SheetTable:
    """One table of a page in a workbook: the tab's name, the title and the source of its
    figures, and (key, header) columns with one dict per row, a basis column beside each figure."""

    name: str
    title: str
    source: str
    columns: Sequence[tuple[str, str]]
    rows: list[dict[str, Any]]
    note: str = ""


def sheet_name(text: str, taken: set[str]) -> str:
    """A name Excel accepts (no []:*?/\\, at most 31 characters) and not yet in `taken`
    (compared as Excel does, ignoring case)."""
    base = " ".join(text.translate(_SHEET_NAME_FORBIDDEN).split()).strip("'") or "Bảng"
    name = base[:SHEET_NAME_MAX]
    number = 2
    while name.casefold() in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        number += 1
    taken.add(name.casefold())
    return name


def figure_format(value: Decimal) -> str:
    """An Excel format with thousands grouping and as many decimals as the figure was rounded
    to. The format code is always written with "." and ","; Excel shows them in the reader's
    locale: 66,24 and 1.234,5 on a Vietnamese machine, the cell itself stays a number."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0:
        return "#,##0"
    return "#,##0." + "0" * -exponent


def _about_sheet(sheet: Any, *, title: str, sheets: Sequence[SheetTable]) -> None:
    sheet.append([neutralise(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Tạo lúc: %(when)s") % {"when": localtime().strftime("%d/%m/%Y %H:%M")}])
    sheet.append([])
    sheet.append([_("Các bảng trong tệp"), _("Nguồn số liệu")])
    sheet[sheet.max_row][0].font = sheet[sheet.max_row][1].font = Font(bold=True)
    for table in sheets:
        sheet.append([neutralise(table.title), neutralise(table.source)])
    sheet.append([])
    sheet.append([_("Dấu"), _("Cơ sở"), _("Ý nghĩa")])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for mark in all_basis_marks():
        sheet.append([neutralise(mark.mark), neutralise(mark.label), neutralise(mark.explanation)])
    sheet.append([])
    sheet.append(
        [
            _("Làm tròn"),
            _(
                "Mọi số được làm tròn nửa lên đến số chữ số thập phân mà cơ quan chủ trì dùng "
                "khi công bố kỳ đó, như trên trang."
            ),
        ]
    )
    sheet.append(
        [
            _("Định dạng số"),
            _(
                "Mỗi ô số giữ giá trị số; Excel hiển thị dấu thập phân theo cài đặt vùng của máy "
                "(dấu phẩy với tiếng Việt: 66,24)."
            ),
        ]
    )
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 90


def _table_sheet(sheet: Any, table: SheetTable) -> None:
    keys = [key for key, _label in table.columns]
    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Nguồn: %(source)s") % {"source": table.source}])
    sheet["A2"].value = neutralise(sheet["A2"].value)
    sheet.append([neutralise(table.note)] if table.note else [])
    sheet.append([neutralise(label) for _key, label in table.columns])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values = [neutralise(row.get(key)) for key in keys]
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=True):
            if isinstance(value, Decimal):
                cell.number_format = figure_format(value)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    for number, (_key, label) in enumerate(table.columns, start=1):
        width = min(max(len(str(label)), 8) + 2, 45)
        sheet.column_dimensions[get_column_letter(number)].width = width


def workbook_response(*, title: str, sheets: Sequence[SheetTable], filename: str) -> HttpResponse:
    """A workbook of a whole page: an about sheet ("Giới thiệu": the tables, their sources and
    the basis marks), then one sheet per table, each with its title, its source and a frozen
    header. Every sheet with figures must have a basis column, as every table download."""
    for table in sheets:
        if not any(is_basis_column(key) for key, _label in table.columns):
            raise ValueError(f"Sheet {table.name!r} must say where its figures come from.")
    book = Workbook()
    taken: set[str] = set()
    about = book.active
    about.title = sheet_name(_("Giới thiệu"), taken)
    _about_sheet(about, title=title, sheets=sheets)
    for table in sheets:
        _table_sheet(book.create_sheet(sheet_name(table.name, taken)), table)
    response = HttpResponse(workbook_bytes(book), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    audit_record(kind=AuditKind.EXPORT, description=f"{filename}.xlsx")
    return response
