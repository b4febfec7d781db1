"""The usual published table: one row per unit, one column per score (and rank, group, year)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from indices.services.imports.context import ParseContext
from indices.services.imports.layouts.detection import Layout
from indices.services.imports.mapping import (
    columns_map,
    duplicates_refuse,
    duplicates_settle,
    roles_and_names,
)
from indices.services.imports.results import UnitRecord
from indices.services.imports.values import (
    group_check,
    is_other_year,
    rank_check,
    value_cell,
    value_check,
)
from indices.services.imports.vocabulary import (
    ROLE_GROUP,
    ROLE_RANK,
    ROLE_UNIT,
    ROLE_YEAR,
    is_score_role,
    score_code,
)
from tabular.cells import cell_at, parse_cell, raw_text
from tabular.headers import column_letter, is_note_row
from tabular.reading import Sheet


def _columns(
    ctx: ParseContext, layout: Layout
) -> tuple[dict[int, str], dict[int, str], int] | None:
    """Each column's role and name, and the column of unit names; None when the file cannot be
    read by columns (no unit column, or two columns with the same role)."""
    sheet, header_index = layout.sheet, layout.header_index
    header = sheet.rows[header_index]
    keys_and_headers = [(str(i), cell) for i, cell in enumerate(header)]
    auto = {key: ctx.vocabulary.role_of(cell) for key, cell in keys_and_headers}
    if layout.unit_index is not None and layout.unit_index < len(header):
        # The names below decide which column holds the units, whatever its header says.
        auto[str(layout.unit_index)] = ROLE_UNIT
    duplicates_settle(ctx, keys_and_headers, auto, sheet.name)
    columns_map(ctx, keys_and_headers, auto)
    roles, names = roles_and_names(ctx)
    unit_columns = [i for i, r in roles.items() if r == ROLE_UNIT]
    if not unit_columns:
        ctx.report(
            "error",
            gettext_noop("Không xác định được cột tên đơn vị; hãy chọn cột trong phần ánh xạ"),
            sheet.name,
            header_index + 1,
        )
        return None
    unit_column = layout.unit_index if layout.unit_index in unit_columns else unit_columns[0]
    for i, role in roles.items():
        if is_score_role(role):
            ctx.column_names.setdefault(score_code(role), names[i])
        elif role == ROLE_RANK:
            ctx.column_names.setdefault("__rank__", names[i])
    for i, role in roles.items():
        if role == "" and names[i].strip() and i != unit_column:
            ctx.report(
                "error",
                gettext_noop(
                    "Không nhận ra cột này; hãy chọn vai trò của cột trong phần ánh xạ "
                    "(hoặc “bỏ qua”)"
                ),
                sheet.name,
                header_index + 1,
                names[i],
                names[i],
            )
    if not duplicates_refuse(ctx, sheet.name, rows=False):
        return None
    return roles, names, unit_column


def _row_read(
    ctx: ParseContext,
    sheet: Sheet,
    row: list[Any],
    offset: int,
    roles: dict[int, str],
    names: dict[int, str],
    record: UnitRecord | None,
) -> None:
    """One unit's row into its record (values are checked even when the unit is unknown)."""
    for i, role in roles.items():
        cell = cell_at(row, i)
        if role == ROLE_RANK:
            rank = rank_check(ctx, cell, sheet=sheet.name, row=offset, column=names[i])
            if record:
                record.rank = rank
        elif role == ROLE_GROUP:
            group = group_check(ctx, cell, sheet=sheet.name, row=offset, column=names[i])
            if record:
                record.group = group
        elif is_score_role(role):
            code = score_code(role)
            checked = value_check(
                ctx,
                value_cell(sheet, row, offset - 1, i),
                code,
                sheet=sheet.name,
                row=offset,
                column=names[i],
            )
            if record:
                record.values[code] = checked


def wide_parse(ctx: ParseContext, layout: Layout) -> None:
    columns = _columns(ctx, layout)
    if columns is None:
        return
    roles, names, unit_column = columns
    sheet, header_index = layout.sheet, layout.header_index
    header = sheet.rows[header_index]
    value_columns = [i for i, r in roles.items() if is_score_role(r)]
    year_column = next((i for i, r in roles.items() if r == ROLE_YEAR), None)
    untitled = {
        i
        for i, cell in enumerate(header)
        if not raw_text(cell) and str(i) not in ctx.overrides and i != unit_column
    }
    untitled_with_numbers: set[int] = set()
    for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2):
        if not any(raw_text(c) for c in row) or is_note_row(row):
            continue
        if year_column is not None and is_other_year(
            ctx, cell_at(row, year_column), sheet=sheet.name, row=offset, column=names[year_column]
        ):
            continue
        untitled_with_numbers |= {
            i for i in untitled if parse_cell(cell_at(row, i)).state == "value"
        }
        name = raw_text(cell_at(row, unit_column))
        if not name:
            has_numbers = any(parse_cell(cell_at(row, i)).state == "value" for i in value_columns)
            if has_numbers and (offset - 1, unit_column) not in sheet.formulas:
                ctx.report(
                    "error",
                    gettext_noop("Dòng có số liệu nhưng ô tên đơn vị trống"),
                    sheet.name,
                    offset,
                    names[unit_column],
                )
            continue
        unit = ctx.resolve_unit(name, sheet=sheet.name, row=offset, column=names[unit_column])
        record = UnitRecord(unit=unit, sheet=sheet.name, row=offset) if unit else None
        _row_read(ctx, sheet, row, offset, roles, names, record)
        if record:
            ctx.result.records.append(record)
    for i in sorted(untitled_with_numbers):
        ctx.report(
            "warning",
            gettext_noop(
                "Cột %(column)s không có tiêu đề nhưng có số liệu; đã bỏ qua (chọn vai trò của "
                "cột trong phần ánh xạ nếu cần)"
            ),
            sheet.name,
            header_index + 1,
            column_letter(i),
            params={"column": column_letter(i)},
        )
