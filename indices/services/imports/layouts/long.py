"""A long table: one row per unit and score, with a column of units, one of indicator labels
and one of values (the rank and group, when given, on the total's row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from indices.services.imports.context import ParseContext
from indices.services.imports.layouts.detection import Layout
from indices.services.imports.mapping import columns_map, duplicates_refuse, roles_and_names
from indices.services.imports.results import UnitRecord
from indices.services.imports.values import (
    group_check,
    is_other_year,
    rank_check,
    value_cell,
    value_check,
)
from indices.services.imports.vocabulary import (
    COMPONENT_PREFIX,
    LABEL_WORDS,
    ROLE_GROUP,
    ROLE_IGNORE,
    ROLE_LABEL,
    ROLE_RANK,
    ROLE_TOTAL,
    ROLE_UNIT,
    ROLE_VALUE,
    ROLE_YEAR,
    VALUE_WORDS,
)
from tabular.cells import cell_at, parse_cell, raw_text
from tabular.headers import is_note_row, normalize_header
from tabular.reading import Sheet
from units.models import Unit

_UNKNOWN = "?"  # a label that names no component: the row is reported and skipped


def _auto_role(ctx: ParseContext, layout: Layout, index: int, cell: Any) -> str:
    key = normalize_header(cell)
    role = ctx.vocabulary.role_of(cell)
    if role == ROLE_UNIT or index == layout.unit_index:
        return ROLE_UNIT
    if key in LABEL_WORDS:
        return ROLE_LABEL
    if key in VALUE_WORDS:
        return ROLE_VALUE
    if role in (ROLE_RANK, ROLE_GROUP, ROLE_YEAR, ROLE_IGNORE):
        return role
    return ""


@dataclass
class LongTable:
    """The columns of a long table, and what its rows have said so far."""

    ctx: ParseContext
    sheet: Sheet
    names: dict[int, str]
    unit: int
    label: int
    value: int
    rank: int | None
    group: int | None
    year: int | None
    records: dict[int, UnitRecord] = field(default_factory=dict)
    units: dict[str, Unit | None] = field(default_factory=dict)
    codes: dict[str, str | None] = field(default_factory=dict)
    seen: set[tuple[int, str | None]] = field(default_factory=set)

    @classmethod
    def mapped(cls, ctx: ParseContext, layout: Layout) -> LongTable | None:
        """The table with its columns mapped; None, with an error, when the unit, label or
        value column is missing or two columns claim the same role."""
        sheet, header_index = layout.sheet, layout.header_index
        header = sheet.rows[header_index]
        auto = {str(i): _auto_role(ctx, layout, i, cell) for i, cell in enumerate(header)}
        columns_map(ctx, [(str(i), cell) for i, cell in enumerate(header)], auto)
        roles, names = roles_and_names(ctx)
        if not {ROLE_UNIT, ROLE_LABEL, ROLE_VALUE} <= set(roles.values()):
            ctx.report(
                "error",
                gettext_noop("Bảng dạng dọc cần ba cột: đơn vị, thành phần và giá trị"),
                sheet.name,
                header_index + 1,
            )
            return None
        if not duplicates_refuse(ctx, sheet.name, rows=False):
            return None
        unit = (
            layout.unit_index
            if layout.unit_index is not None and roles.get(layout.unit_index) == ROLE_UNIT
            else next(i for i, r in roles.items() if r == ROLE_UNIT)
        )
        return cls(
            ctx=ctx,
            sheet=sheet,
            names=names,
            unit=unit,
            label=next(i for i, r in roles.items() if r == ROLE_LABEL),
            value=next(i for i, r in roles.items() if r == ROLE_VALUE),
            rank=next((i for i, r in roles.items() if r == ROLE_RANK), None),
            group=next((i for i, r in roles.items() if r == ROLE_GROUP), None),
            year=next((i for i, r in roles.items() if r == ROLE_YEAR), None),
        )

    def _unit_of(self, name: str, offset: int) -> Unit | None:
        if name not in self.units:
            self.units[name] = self.ctx.resolve_unit(
                name, sheet=self.sheet.name, row=offset, column=self.names[self.unit]
            )
        return self.units[name]

    def _code_of(self, label: str) -> str | None:
        """The component code a label names, None for the total, _UNKNOWN for neither."""
        if label not in self.codes:
            role = self.ctx.vocabulary.role_of(label)
            self.codes[label] = (
                None
                if role == ROLE_TOTAL
                else role[len(COMPONENT_PREFIX) :]
                if role.startswith(COMPONENT_PREFIX)
                else _UNKNOWN
            )
        return self.codes[label]

    def _unnamed(self, row: list[Any], offset: int) -> None:
        """A row without a unit name: an error if it holds a number (and not a formula)."""
        has_number = parse_cell(cell_at(row, self.value)).state == "value"
        if has_number and (offset - 1, self.unit) not in self.sheet.formulas:
            self.ctx.report(
                "error",
                gettext_noop("Dòng có số liệu nhưng ô tên đơn vị trống"),
                self.sheet.name,
                offset,
                self.names[self.unit],
            )

    def row_read(self, row: list[Any], offset: int) -> None:
        ctx, sheet = self.ctx, self.sheet
        if self.year is not None and is_other_year(
            ctx, cell_at(row, self.year), sheet=sheet.name, row=offset, column=self.names[self.year]
        ):
            return
        name = raw_text(cell_at(row, self.unit))
        if not name:
            self._unnamed(row, offset)
            return
        unit = self._unit_of(name, offset)
        label = raw_text(cell_at(row, self.label))
        code = self._code_of(label)
        if code == _UNKNOWN:
            if (offset - 1, self.label) not in sheet.formulas:
                ctx.report(
                    "error",
                    gettext_noop("Không nhận ra thành phần"),
                    sheet.name,
                    offset,
                    self.names[self.label],
                    label,
                )
            return
        cell = value_check(
            ctx,
            value_cell(sheet, row, offset - 1, self.value),
            code,
            sheet=sheet.name,
            row=offset,
            column=self.names[self.value],
        )
        if unit is None:
            return
        if (unit.pk, code) in self.seen:
            ctx.report(
                "error",
                gettext_noop("%(unit)s: thành phần “%(label)s” xuất hiện hai lần"),
                sheet.name,
                offset,
                self.names[self.label],
                label,
                params={"unit": unit.name, "label": label},
            )
            return
        self.seen.add((unit.pk, code))
        record = self.records.setdefault(
            unit.pk, UnitRecord(unit=unit, sheet=sheet.name, row=offset)
        )
        record.values[code] = cell
        if code is None:
            self._total_extras(record, row, offset)

    def _total_extras(self, record: UnitRecord, row: list[Any], offset: int) -> None:
        """The rank and group that go with a unit's total."""
        if self.rank is not None:
            record.rank = rank_check(
                self.ctx,
                cell_at(row, self.rank),
                sheet=self.sheet.name,
                row=offset,
                column=self.names[self.rank],
            )
        if self.group is not None:
            record.group = group_check(
                self.ctx,
                cell_at(row, self.group),
                sheet=self.sheet.name,
                row=offset,
                column=self.names[self.group],
            )


def long_parse(ctx: ParseContext, layout: Layout) -> None:
    table = LongTable.mapped(ctx, layout)
    if table is None:
        return
    sheet, header_index = layout.sheet, layout.header_index
    for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
        if not any(raw_text(c) for c in row) or is_note_row(row):
            continue
        table.row_read(row, offset)
    ctx.result.records.extend(table.records.values())
