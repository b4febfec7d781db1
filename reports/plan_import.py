"""Importing a plan's tasks and indicators from the .xlsx template: the same principles as score
imports (every problem with its row, column and value; all-or-nothing; safe reading)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font

from indices.models import Index
from reports.models import Indicator, IndicatorTarget, Plan, Task, TaskAim
from reports.services_manage import plan_period
from tabular.cells import parse_cell, raw_text
from tabular.headers import normalize_header
from tabular.problems import Problem, WithProblems
from tabular.reading import Sheet, UnreadableFile, read_spreadsheet
from units.models import Unit
from units.selectors import UnitMatcher, UnitNameError, unit_matcher_build

COLUMNS = [
    ("code", "Mã nhiệm vụ"),
    ("title", "Nhiệm vụ"),
    ("responsible", "Đơn vị chủ trì"),
    ("supporting", "Đơn vị phối hợp"),
    ("aims", "Chỉ số hướng tới"),
    ("start", "Bắt đầu"),
    ("due", "Hạn hoàn thành"),
    ("indicator", "Chỉ tiêu"),
    ("measure", "Đơn vị tính"),
    ("direction", "Chiều"),
    ("baseline", "Giá trị cơ sở"),
    ("quarterly", "Mục tiêu mỗi quý"),
]
REQUIRED = {"code", "title", "responsible", "start", "due"}
_LABELS = dict(COLUMNS)
UNIT_KINDS = [Unit.Kind.DEPARTMENT, Unit.Kind.CENTRAL_AGENCY, Unit.Kind.DISTRICT, Unit.Kind.COMMUNE]


@dataclass
class PlanRow:
    row: int
    code: str
    title: str
    responsible: Unit
    supporting: list[Unit]
    aims: list[tuple[Index, str]]
    start: dt.date
    due: dt.date
    indicator: dict[str, Any] | None


@dataclass
class PlanImport(WithProblems):
    rows: list[PlanRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def plan_template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiem vu"
    sheet.append(["KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH 2021–2025: NHIỆM VỤ VÀ CHỈ TIÊU"])
    sheet.append(
        ["Ngày ghi dạng 31/12/2025; chỉ số hướng tới dạng “PCI:4; PAR:3”; chiều: Tăng hoặc Giảm."]
    )
    sheet.append([label for _key, label in COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "1",
            "Ví dụ: rút ngắn thời gian cấp phép đầu tư",
            "Sở Kế hoạch và Đầu tư",
            "Sở Tư pháp",
            "PCI:4; PCI:1",
            "01/01/2021",
            "30/06/2025",
            "Thời gian cấp GCN đầu tư",
            "ngày",
            "Giảm",
            "15",
            "10",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = raw_text(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def _header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The template's header row in the first 20 and the position of each known column."""
    wanted = {normalize_header(label): key for key, label in COLUMNS}
    for index, row in enumerate(sheet.rows[:20]):
        found = {
            wanted[normalize_header(c)]: i
            for i, c in enumerate(row)
            if normalize_header(c) in wanted
        }
        if {"code", "title", "responsible"} <= set(found):
            return index, found
    return None


def _split(text: str) -> list[str]:
    """ "A; B;" → ["A", "B"]."""
    return [part for part in (p.strip() for p in text.split(";")) if part]


@dataclass
class _RowReader:
    """One task row of the template: each cell read and checked, each problem reported at
    the row and column with the cell's value."""

    result: PlanImport
    sheet: str
    number: int
    cells: dict[str, Any]

    def problem(self, key: str, message: str) -> None:
        self.result.problems.append(
            Problem("error", message, self.sheet, self.number, _LABELS[key], self.text(key))
        )

    def text(self, key: str) -> str:
        return raw_text(self.cells.get(key))

    def units(self, matcher: UnitMatcher) -> tuple[Unit | None, list[Unit]]:
        """The responsible unit and the supporting ones."""
        responsible = None
        if self.text("responsible"):
            try:
                responsible = matcher.resolve(self.text("responsible"))
            except UnitNameError as error:
                self.problem("responsible", str(error))
        supporting = []
        for name in _split(self.text("supporting")):
            try:
                supporting.append(matcher.resolve(name))
            except UnitNameError as error:
                self.problem("supporting", str(error))
        return responsible, supporting

    def aims(self, indices: dict[str, Index]) -> list[tuple[Index, str]]:
        """ "PCI:4; PAR:3" → the indices (and components) the task aims at."""
        aims = []
        for part in _split(self.text("aims")):
            index_code, _sep, component = part.partition(":")
            index = indices.get(index_code.strip().upper())
            if index is None:
                self.problem("aims", f"Không có chỉ số “{index_code.strip()}”")
            else:
                aims.append((index, component.strip()))
        return aims

    def dates(self) -> tuple[dt.date | None, dt.date | None]:
        start, due = _date(self.cells.get("start")), _date(self.cells.get("due"))
        for key, value in (("start", start), ("due", due)):
            if self.text(key) and value is None:
                self.problem(key, "Ngày không hợp lệ (ghi dạng 31/12/2025)")
        if start and due and start > due:
            self.problem("due", "Hạn hoàn thành trước ngày bắt đầu")
        return start, due

    def indicator(self) -> dict[str, Any] | None:
        if not self.text("indicator"):
            return None
        numbers: dict[str, Decimal | None] = {}
        for key in ("baseline", "quarterly"):
            if not self.text(key):
                numbers[key] = None
                continue
            cell = parse_cell(self.cells.get(key))
            if cell.state != "value":
                self.problem(key, "Không phải số")
            numbers[key] = cell.value
        direction = normalize_header(self.cells.get("direction"))
        if direction not in {"tang", "giam", "higher", "lower", ""}:
            self.problem("direction", "Chiều phải là Tăng hoặc Giảm")
        if not self.text("measure"):
            self.problem("measure", "Chỉ tiêu cần đơn vị tính")
        return {
            "name": self.text("indicator"),
            "measure": self.text("measure"),
            "direction": "lower" if direction in {"giam", "lower"} else "higher",
            **numbers,
        }


def plan_parse(*, plan: Plan, data: bytes, filename: str) -> PlanImport:
    result = PlanImport()
    try:
        sheets = read_spreadsheet(data=data, filename=filename)
    except UnreadableFile as error:
        result.problems.append(Problem("error", str(error)))
        return result
    sheet = sheets[0]
    header = _header(sheet)
    if header is None:
        result.problems.append(
            Problem(
                "error",
                "Không tìm thấy dòng tiêu đề của mẫu kế hoạch "
                "(cần các cột Mã nhiệm vụ, Nhiệm vụ, Đơn vị chủ trì)",
            )
        )
        return result
    header_index, positions = header
    matcher = unit_matcher_build(on_date=dt.date(plan.year_start, 12, 31), kinds=UNIT_KINDS)
    indices = {i.code: i for i in Index.objects.all()}
    seen: dict[str, int] = {}
    for number, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
        cells = {key: row[i] if i < len(row) else None for key, i in positions.items()}
        if not any(raw_text(v) for v in cells.values()):
            continue
        problems_before = len(result.problems)
        reader = _RowReader(result, sheet.name, number, cells)
        for key in REQUIRED:
            if not reader.text(key):
                reader.problem(key, "Thiếu nội dung bắt buộc")
        code = reader.text("code")
        if code in seen:
            reader.problem("code", f"Mã nhiệm vụ trùng với dòng {seen[code]}")
        seen.setdefault(code, number)
        responsible, supporting = reader.units(matcher)
        aims = reader.aims(indices)
        start, due = reader.dates()
        indicator = reader.indicator()
        if len(result.problems) == problems_before and responsible and start and due:
            result.rows.append(
                PlanRow(
                    number,
                    code,
                    reader.text("title"),
                    responsible,
                    supporting,
                    aims,
                    start,
                    due,
                    indicator,
                )
            )
    if not result.rows and not result.errors:
        result.problems.append(Problem("error", "Tệp không có nhiệm vụ nào"))
    return result


@transaction.atomic
def plan_import(*, plan: Plan, data: bytes, filename: str, commit: bool) -> PlanImport:
    """Validate, and when asked and error-free, create or update the plan's tasks by code."""
    result = plan_parse(plan=plan, data=data, filename=filename)
    if result.errors or not commit:
        return result
    if plan.period_id is None:  # a plan saved before periods: it belongs to its years' period
        plan.period = plan_period(plan)
        plan.save(update_fields=["period"])
    for row in result.rows:
        task, created = Task.objects.update_or_create(
            plan=plan,
            code=row.code,
            defaults={
                "title": row.title,
                "responsible": row.responsible,
                "start_date": row.start,
                "due_date": row.due,
            },
        )
        result.created += int(created)
        result.updated += int(not created)
        task.supporting.set(row.supporting)
        task.aims.all().delete()
        TaskAim.objects.bulk_create(
            TaskAim(task=task, index=index, component_code=component)
            for index, component in row.aims
        )
        if row.indicator:
            indicator, _created = Indicator.objects.update_or_create(
                task=task,
                name=row.indicator["name"],
                defaults={
                    "unit_of_measure": row.indicator["measure"],
                    "direction": row.indicator["direction"],
                    "baseline": row.indicator["baseline"],
                },
            )
            goal: Decimal | None = row.indicator["quarterly"]
            if goal is not None:
                for year in range(
                    max(plan.year_start, row.start.year), min(plan.year_end, row.due.year) + 1
                ):
                    for quarter in (1, 2, 3, 4):
                        IndicatorTarget.objects.update_or_create(
                            indicator=indicator,
                            year=year,
                            quarter=quarter,
                            defaults={"value": goal},
                        )
    return result
