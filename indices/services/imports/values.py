"""Reading one score cell against the edition: within its scale, a published 0 that means "no
data", a formula without a stored result, and rows of another year in a multi-year file."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from indices.services.imports.context import ParseContext
from tabular.cells import Cell, cell_at, parse_cell, raw_text, vn_number
from tabular.reading import Sheet


def _bounds(ctx: ParseContext, code: str | None) -> tuple[Decimal, Decimal]:
    edition = ctx.edition
    if code is None:
        return edition.total_min, edition.total_max
    component = ctx.by_code[code]
    if component.max_points is not None:
        return Decimal(0), component.max_points
    low = edition.component_min if edition.component_min is not None else Decimal(0)
    high = edition.component_max if edition.component_max is not None else edition.total_max
    return low, high


def value_check(
    ctx: ParseContext, cell: Cell, code: str | None, *, sheet: str, row: int, column: str
) -> Cell:
    """The cell as it will be stored (a 0 below the scale becomes "not available"); an invalid
    or out-of-scale value is reported as an error."""
    if cell.state == "invalid":
        if cell.reason:  # a formula cell has no reason here: formulas_note reports it
            ctx.report("error", cell.reason, sheet, row, column, cell.raw)
        return cell
    if cell.state != "value" or cell.value is None:
        return cell
    bounds = ctx.bounds.get(code)
    if bounds is None:
        bounds = ctx.bounds[code] = _bounds(ctx, code)
    low, high = bounds
    if low <= cell.value <= high and not (cell.value == 0 and low > 0):
        return cell
    if cell.value == 0 and low > 0:
        # Official PAPI files write missing data as 0; a 0 on a 1–10 scale is not a score.
        ctx.report(
            "warning",
            f"Giá trị 0 nằm ngoài thang {vn_number(low.normalize(), None)}–"
            f"{vn_number(high.normalize(), None)}: ghi nhận là không có dữ liệu",
            sheet,
            row,
            column,
            cell.raw,
        )
        return Cell("not_available", raw=cell.raw)
    ctx.report(
        "error",
        f"Giá trị ngoài thang điểm {vn_number(low.normalize(), None)}–"
        f"{vn_number(high.normalize(), None)}",
        sheet,
        row,
        column,
        cell.raw,
    )
    return cell


def value_cell(sheet: Sheet, row: list[Any], row_index: int, column: int) -> Cell:
    """A value cell; a formula with no stored result is not a blank (see formulas_note)."""
    formula = sheet.formulas.get((row_index, column))
    if formula is not None:
        return Cell("invalid", raw=formula)
    return parse_cell(cell_at(row, column))


def is_other_year(ctx: ParseContext, cell: Any, *, sheet: str, row: int, column: str) -> bool:
    """True for a row of another year in a file that holds several (counted, then skipped)."""
    text = raw_text(cell)
    match = re.search(r"(?<!\d)(?:19|20)\d\d(?!\d)", text)
    if match is None:
        ctx.report("error", "Không đọc được năm của dòng", sheet, row, column, text)
        return True
    if match.group(0) == str(ctx.edition.year):
        return False
    ctx.other_years[match.group(0)] += 1
    return True
