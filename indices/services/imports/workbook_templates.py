"""Downloadable import templates for the editions whose format the province controls."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from indices.models import LEVEL_UNIT_KINDS, IndexEdition
from tabular.export import neutralise
from units.models import Unit
from units.selectors import home_unit


def edition_template_xlsx(*, edition: IndexEdition) -> bytes:
    """An .xlsx with the right headers, the unit list and instructions in Vietnamese."""
    components = list(edition.components.filter(parent__isnull=True).order_by("order"))
    units = Unit.objects.valid_on(edition.reference_date).filter(
        kind__in=LEVEL_UNIT_KINDS[edition.level]
    )
    if edition.level != "province":
        units = units.filter(parent=home_unit())
    book = Workbook()
    sheet = book.active
    sheet.title = "Nhap lieu"
    # Names come from the catalogue, which admins edit: text, never a formula.
    sheet.append([neutralise(f"KẾT QUẢ {edition.index.name.upper()} NĂM {edition.year}")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        [neutralise(f"Phương pháp: {edition.methodology_version}. {edition.legal_basis}".strip())]
    )
    sheet.append([])
    header = ["STT", "Tên đơn vị"]
    header += [
        f"{c.name} (tối đa {c.max_points:g})" if c.max_points is not None else c.name
        for c in components
    ]
    header += ["Tổng điểm", "Xếp hạng", "Xếp loại"]
    sheet.append([neutralise(text) for text in header])
    fill = PatternFill("solid", fgColor="DDE7F0")
    for column in range(1, len(header) + 1):
        cell = sheet.cell(row=4, column=column)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = 18 if column > 2 else 8
    sheet.column_dimensions["B"].width = 45
    for number, unit in enumerate(units.order_by("kind", "name"), start=1):
        sheet.append([number, neutralise(unit.name)])
    notes = book.create_sheet("Huong dan")
    for line in (
        "HƯỚNG DẪN NHẬP LIỆU",
        "1. Giữ nguyên dòng tiêu đề (dòng 4) và tên đơn vị; không thêm, bớt hay đổi tên cột.",
        "2. Ghi số với dấu phẩy thập phân (85,32) hoặc dấu chấm (85.32); "
        "có thể ghi tỷ lệ % (91,44%).",
        "3. Ô không có dữ liệu ghi N/A; đơn vị không được công bố ghi KCB. Không để trống.",
        "4. Điểm mỗi lĩnh vực không vượt điểm tối đa ghi trong tiêu đề cột.",
        "5. Tổng điểm phải bằng tỷ lệ % tổng điểm đạt trên tổng điểm tối đa (sai số 0,05).",
        "6. Nhập tệp tại mục “Nhập dữ liệu” của Reform Portal; hệ thống kiểm tra trước khi ghi.",
    ):
        notes.append([line])
    notes["A1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
