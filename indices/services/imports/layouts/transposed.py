"""A table turned on its side: one column per unit (named in the header row), one row per
score, the indicator labels in the columns before the first unit."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from indices.services.imports.context import ParseContext
from indices.services.imports.layouts.detection import Layout
from indices.services.imports.mapping import columns_map, duplicates_refuse, duplicates_settle
from indices.services.imports.results import ColumnInfo, UnitRecord
from indices.services.imports.values import group_check, rank_check, value_cell, value_check
from indices.services.imports.vocabulary import (
    LABEL_WORDS,
    ROLE_GROUP,
    ROLE_IGNORE,
    ROLE_RANK,
    ROLE_UNIT,
    ROLE_YEAR,
    STT_WORDS,
    UNIT_WORDS,
    is_score_role,
    score_code,
)
from tabular.cells import cell_at, parse_cell, raw_text
from tabular.headers import column_letter, is_note_row, normalize_header
from tabular.reading import Sheet
from units.models import Unit

# Headers of the columns that hold the indicators' labels or codes, not a unit's scores.
_LABEL_COLUMN_WORDS = LABEL_WORDS | STT_WORDS | UNIT_WORDS | {"ma", "ma chi so", "code"}

Rows = list[tuple[int, list[Any]]]  # (row number, cells) of the rows under the header


def _unit_columns(ctx: ParseContext, layout: Layout, data_rows: Rows) -> dict[int, Unit]:
    """The header's unit names by column. A column of numbers under a name that is no unit
    is a misspelt unit: say which."""
    sheet, header_index = layout.sheet, layout.header_index
    header = sheet.rows[header_index]
    unit_columns: dict[int, Unit] = {}
    for i, cell in enumerate(header):
        text = raw_text(cell)
        if ctx.looks_like_unit(cell):
            unit = ctx.resolve_unit(
                text, sheet=sheet.name, row=header_index + 1, column=column_letter(i)
            )
            if unit:
                unit_columns[i] = unit
            continue
        if (header_index, i) in sheet.formulas:
            continue
        column = [parse_cell(cell_at(row, i)).state for _offset, row in data_rows]
        numbers, words = column.count("value"), column.count("invalid")
        if not text:
            if numbers and unit_columns:
                ctx.report(
                    "error",
                    gettext_noop(
                        "Cột %(column)s có số liệu nhưng không có tên đơn vị ở dòng tiêu đề"
                    ),
                    sheet.name,
                    header_index + 1,
                    column_letter(i),
                    params={"column": column_letter(i)},
                )
            continue
        if (
            isinstance(cell, int | float)
            or numbers <= words
            or normalize_header(text) in _LABEL_COLUMN_WORDS
        ):
            continue  # the indicator labels' (or codes') own column
        ctx.resolve_unit(text, sheet=sheet.name, row=header_index + 1, column=column_letter(i))
    return unit_columns


def _label_rows(
    ctx: ParseContext, sheet: Sheet, data_rows: Rows, unit_columns: dict[int, Unit], first: int
) -> list[tuple[str, Any]]:
    """(row number, label) of each data row: a recognised label before the first unit's
    column if there is one, else the first text there (or anywhere outside the units)."""
    label_rows: list[tuple[str, Any]] = []
    for offset, row in data_rows:
        candidates = [c for i, c in enumerate(row[:first]) if raw_text(c)] or [
            c for i, c in enumerate(row) if i not in unit_columns and raw_text(c)
        ]
        label = next(
            (c for c in candidates if ctx.vocabulary.role_of(c) not in ("", ROLE_IGNORE)),
            candidates[0] if candidates else None,
        )
        if label is None:
            in_formula = any((offset - 1, i) in sheet.formulas for i in range(first))
            has_numbers = any(parse_cell(cell_at(row, i)).state == "value" for i in unit_columns)
            if has_numbers and not in_formula:
                ctx.report(
                    "error",
                    gettext_noop("Dòng có số liệu nhưng không có tên chỉ tiêu"),
                    sheet.name,
                    offset,
                )
            continue
        label_rows.append((str(offset), label))
    return label_rows


def _row_read(
    ctx: ParseContext,
    sheet: Sheet,
    header: list[Any],
    info: ColumnInfo,
    unit_columns: dict[int, Unit],
    records: dict[int, UnitRecord],
) -> None:
    """One indicator row across the unit columns."""
    row_number = int(info.key)
    row = sheet.rows[row_number - 1]
    role = info.role
    for i, unit in unit_columns.items():
        cell = cell_at(row, i)
        column = raw_text(header[i])
        record = records[unit.pk]
        if role == ROLE_RANK:
            record.rank = rank_check(ctx, cell, sheet=sheet.name, row=row_number, column=column)
        elif role == ROLE_GROUP:
            record.group = group_check(ctx, cell, sheet=sheet.name, row=row_number, column=column)
        elif is_score_role(role):
            code = score_code(role)
            record.values[code] = value_check(
                ctx,
                value_cell(sheet, row, row_number - 1, i),
                code,
                sheet=sheet.name,
                row=row_number,
                column=column,
            )


def transposed_parse(ctx: ParseContext, layout: Layout) -> None:
    sheet, header_index = layout.sheet, layout.header_index
    header = sheet.rows[header_index]
    data_rows = [
        (offset, row)
        for offset, row in enumerate(sheet.rows[header_index + 1 :], start=header_index + 2)
        if any(raw_text(c) for c in row) and not is_note_row(row)
    ]
    unit_columns = _unit_columns(ctx, layout, data_rows)
    first_unit = min(unit_columns, default=len(header))
    label_rows = _label_rows(ctx, sheet, data_rows, unit_columns, first_unit)
    auto = {}
    for key, label in label_rows:
        role = ctx.vocabulary.role_of(label)
        auto[key] = ROLE_IGNORE if role in (ROLE_UNIT, ROLE_YEAR) else role
    duplicates_settle(ctx, label_rows, auto, sheet.name)
    columns_map(ctx, label_rows, auto)
    if not duplicates_refuse(ctx, sheet.name, rows=True):
        return
    records = {
        unit.pk: UnitRecord(unit=unit, sheet=sheet.name, row=header_index + 1)
        for unit in unit_columns.values()
    }
    for info in ctx.result.columns:
        if info.role == "":
            ctx.report(
                "warning",
                gettext_noop(
                    "Dòng chỉ tiêu không khớp thành phần nào của kỳ; đã bỏ qua "
                    "(chọn thành phần trong phần ánh xạ nếu cần)"
                ),
                sheet.name,
                int(info.key),
                "",
                info.header,
            )
            continue
        _row_read(ctx, sheet, header, info, unit_columns, records)
    ctx.result.records.extend(records.values())
