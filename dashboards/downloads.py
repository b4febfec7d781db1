"""Every dashboard table can be taken away as .csv or .xlsx, and says where its figures come
from: each download carries at least one basis column (the callers put one beside each figure
column) and the .xlsx a second sheet that explains the bases. A whole page comes as one workbook
(`workbook_response`): an about sheet, then one sheet per table with its title, source and frozen
header; a sheet holding illustrative figures says so above its header and on every printed page,
and its source line never credits them to the publisher. Every sheet prints landscape, one page
wide, its header row repeated. The writing is formula-safe through `tabular.export.neutralise`,
the only neutraliser."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from audit.services import AuditKind, audit_record
from indices.figures import all_basis_marks, basis_mark
from indices.models import Basis
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


# Illustrative figures --------------------------------------------------------------------------
# A sheet with an illustrative figure says so above its header and in every printed page's
# header, and its source line never credits those figures to the publisher.

ILLUSTRATIVE_BANNER = gettext_noop("Số liệu minh họa · không trích dẫn")
_WARNING_FONT = Font(bold=True, color="9C0006")
_WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")


def _bases(table: SheetTable) -> set[str]:
    """The basis words a sheet's rows carry (in its basis columns)."""
    keys = [key for key, _label in table.columns if is_basis_column(key)]
    return {str(row[key]) for row in table.rows for key in keys if row.get(key)}


def illustrative_state(table: SheetTable) -> str:
    """ "all" when every figure of the sheet is illustrative, "some" when some are, else ""."""
    bases = _bases(table)
    label = basis_mark(Basis.ILLUSTRATIVE).label
    if label not in bases:
        return ""
    return "all" if bases == {label} else "some"


def illustrative_warning() -> str:
    return _("Có số liệu minh họa, không phải số công bố: xem cột Cơ sở.")


def source_line(table: SheetTable) -> str:
    """ "Nguồn: …", never crediting an illustrative figure to the one who publishes the rest."""
    state = illustrative_state(table)
    if state == "all":
        text = _(
            "Nguồn: số minh họa do cổng tạo ra, không phải số của %(source)s; không trích dẫn."
        )
    elif state == "some":
        text = _(
            "Nguồn: %(source)s, trừ các số có cơ sở “Minh họa”: số do cổng tạo ra, không phải "
            "số công bố."
        )
    else:
        text = _("Nguồn: %(source)s")
    return text % {"source": table.source}


def _warn(cell: Any) -> None:
    cell.font = _WARNING_FONT
    cell.fill = _WARNING_FILL


# Printing ----------------------------------------------------------------------------------------

WIDTH_MIN, WIDTH_MAX = 8, 45


def _fit_columns(sheet: Any, *, from_row: int) -> None:
    """Each column as wide as its contents from `from_row` on (titles and sources wrap)."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=from_row):
        for cell in row:
            if cell.value is not None:
                longest = max(len(line) for line in str(cell.value).split("\n"))
                widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(max(width, WIDTH_MIN) + 2, WIDTH_MAX)


def _wrap_across(sheet: Any, row: int, last_column: int) -> None:
    """A long line (the source, a warning) wrapped across the table's width, tall enough."""
    cell = sheet.cell(row=row, column=1)
    if not cell.value:
        return
    last_column = max(last_column, 1)
    if last_column > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    width = sum(
        sheet.column_dimensions[get_column_letter(c)].width or WIDTH_MIN
        for c in range(1, last_column + 1)
    )
    lines = -(-len(str(cell.value)) // max(int(width), 1))
    sheet.row_dimensions[row].height = 15 * max(lines, 1)


def _print_setup(sheet: Any, *, banner: str = "") -> None:
    """Landscape, one page wide, the header row on every page, and the illustrative banner in
    every printed page's header when the sheet holds illustrative figures."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if banner:
        sheet.oddHeader.center.text = banner
        sheet.evenHeader.center.text = banner
        sheet.firstHeader.center.text = banner


def _about_sheet(sheet: Any, *, title: str, sheets: Sequence[SheetTable]) -> None:
    sheet.append([neutralise(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Tạo lúc: %(when)s") % {"when": localtime().strftime("%d/%m/%Y %H:%M")}])
    illustrative = [t for t in sheets if illustrative_state(t)]
    if illustrative:
        sheet.append(
            [
                _("%(banner)s. %(warning)s Các bảng có số minh họa: %(tables)s.")
                % {
                    "banner": _(ILLUSTRATIVE_BANNER),
                    "warning": illustrative_warning(),
                    "tables": "; ".join(t.title for t in illustrative),
                }
            ]
        )
        sheet["A3"].value = neutralise(sheet["A3"].value)
        _warn(sheet["A3"])
    else:
        sheet.append([])
    sheet.append([_("Các bảng trong tệp"), _("Nguồn số liệu")])
    sheet[sheet.max_row][0].font = sheet[sheet.max_row][1].font = Font(bold=True)
    for table in sheets:
        sheet.append([neutralise(table.title), neutralise(source_line(table))])
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
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _wrap_across(sheet, 3, 3)
    _print_setup(sheet, banner=_(ILLUSTRATIVE_BANNER) if illustrative else "")


def _table_sheet(sheet: Any, table: SheetTable) -> None:
    keys = [key for key, _label in table.columns]
    sheet.append([neutralise(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([neutralise(source_line(table))])
    illustrative = illustrative_state(table)
    row3 = " ".join(t for t in (illustrative and illustrative_warning(), table.note) if t)
    sheet.append([neutralise(row3)] if row3 else [])
    if illustrative:
        _warn(sheet["A3"])
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
    _fit_columns(sheet, from_row=HEADER_ROW)
    for line in (2, 3):
        _wrap_across(sheet, line, len(table.columns))
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_setup(sheet, banner=_(ILLUSTRATIVE_BANNER) if illustrative else "")


def workbook_response(*, title: str, sheets: Sequence[SheetTable], filename: str) -> HttpResponse:
    """A workbook of a whole page: an about sheet ("Giới thiệu": the tables, their sources and
    the basis marks), then one sheet per table, each with its title, its source and a frozen
    header. Every sheet with figures must have a basis column, as every table download."""
    for table in sheets:
        if not any(is_basis_column(key) for key, _label in table.columns):
            raise ValueError(f"Sheet {table.name!r} must say where its figures come from.")
    book = Workbook()
    book.properties.title = title
    book.properties.creator = "Reform Portal"
    book.properties.lastModifiedBy = "Reform Portal"
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
