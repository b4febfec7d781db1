"""Reading one cell against the edition and the column it is stored in: a score within its scale
(a published 0 that means "no data"), a rank and a group the database can hold (and a group the
index's rating scheme knows), a formula without a stored result, and rows of another year in a
multi-year file. Every value is checked here, in the preview, so that nothing the preview
accepted can fail when it is written."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import cache
from typing import Any, cast

from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models import CharField, DecimalField
from django.utils.translation import gettext_noop

from indices.models import Score
from indices.services.imports.context import ParseContext, group_key
from tabular.cells import (
    MAX_INTEGER_DIGITS,
    NOT_FINITE_REASON,
    RANK_REASON,
    TOO_LARGE_REASON,
    Cell,
    cell_at,
    parse_cell,
    parse_rank,
    raw_text,
)
from tabular.problems import number_part
from tabular.reading import Sheet

_CONTROL = {"Cc", "Cs"}  # control characters (NUL, which PostgreSQL text cannot hold) and
# lone surrogates (which no UTF-8 database can)

_TOO_LARGE_TO_STORE = gettext_noop("Giá trị quá lớn để lưu")
# tabular.cells says why a cell is not a value in Vietnamese words, without parameters (it knows
# nothing of languages): its reasons as messages that translate, by their text. A reason not
# listed here is shown as tabular wrote it.
_CELL_REASONS: dict[str, tuple[str, dict[str, Any]]] = {
    TOO_LARGE_REASON: (
        gettext_noop("Số quá lớn (quá %(digits)s chữ số phần nguyên)"),
        {"digits": MAX_INTEGER_DIGITS},
    ),
    NOT_FINITE_REASON: (gettext_noop("Giá trị vô cực hoặc NaN, không phải số"), {}),
    "Ô chứa ngày tháng hoặc giá trị logic, không phải số": (
        gettext_noop("Ô chứa ngày tháng hoặc giá trị logic, không phải số"),
        {},
    ),
    "Không phải số": (gettext_noop("Không phải số"), {}),
    RANK_REASON: (gettext_noop("Thứ hạng phải là số nguyên dương"), {}),
    _TOO_LARGE_TO_STORE: (_TOO_LARGE_TO_STORE, {}),
}
_RANK_OVER = re.compile(r"Thứ hạng (\S+) vượt giới hạn (\d+)")


def reason_message(reason: str) -> tuple[str, dict[str, Any]]:
    """A reason from tabular.cells as a message and its parameters (the digits of a rank are
    the file's, so they are a parameter)."""
    known = _CELL_REASONS.get(reason)
    if known is not None:
        return known[0], dict(known[1])
    over = _RANK_OVER.fullmatch(reason)
    if over is not None:
        return gettext_noop("Thứ hạng %(rank)s vượt giới hạn %(maximum)s"), {
            "rank": over.group(1),
            "maximum": int(over.group(2)),
        }
    return reason, {}


@cache
def rank_maximum() -> int:
    """The largest rank Score.published_rank holds on every database (SQLite would take any
    integer; PostgreSQL's smallint stops at 32767)."""
    field = Score._meta.get_field("published_rank")
    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()][1]


@cache
def group_max_length() -> int:
    field = cast(CharField, Score._meta.get_field("published_group"))
    return int(field.max_length or 0)


@cache
def value_limit() -> Decimal:
    """The first magnitude Score.value cannot hold (max_digits - decimal_places digits)."""
    field = cast(DecimalField, Score._meta.get_field("value"))
    return Decimal(10) ** (int(field.max_digits or 0) - int(field.decimal_places or 0))


def _bounds(ctx: ParseContext, code: str | None) -> tuple[Decimal, Decimal]:
    edition = ctx.edition
    if code is None:
        return Decimal(edition.total_min), Decimal(edition.total_max)
    component = ctx.by_code[code]
    if component.max_points is not None:
        return Decimal(0), Decimal(component.max_points)
    low = edition.component_min if edition.component_min is not None else Decimal(0)
    high = edition.component_max if edition.component_max is not None else edition.total_max
    # Decimal(): an edition built in memory (not read back) may hold ints.
    return Decimal(low), Decimal(high)


def value_check(
    ctx: ParseContext, cell: Cell, code: str | None, *, sheet: str, row: int, column: str
) -> Cell:
    """The cell as it will be stored (a 0 below the scale becomes "not available"); an invalid
    or out-of-scale value is reported as an error."""
    if cell.state == "invalid":
        if cell.reason:  # a formula cell has no reason here: formulas_note reports it
            message, params = reason_message(cell.reason)
            ctx.report("error", message, sheet, row, column, cell.raw, params=params)
        return cell
    if cell.state != "value" or cell.value is None:
        return cell
    bounds = ctx.bounds.get(code)
    if bounds is None:
        bounds = ctx.bounds[code] = _bounds(ctx, code)
    low, high = bounds
    if low <= cell.value <= high and not (cell.value == 0 and low > 0):
        if abs(cell.value) >= value_limit():  # a scale wider than the column: never stored
            ctx.report("error", _TOO_LARGE_TO_STORE, sheet, row, column, cell.raw)
            return Cell("invalid", raw=cell.raw, reason=_TOO_LARGE_TO_STORE)
        return cell
    if cell.value == 0 and low > 0:
        # Official PAPI files write missing data as 0; a 0 on a 1–10 scale is not a score.
        ctx.report(
            "warning",
            gettext_noop(
                "Giá trị 0 nằm ngoài thang %(low)s–%(high)s: ghi nhận là không có dữ liệu"
            ),
            sheet,
            row,
            column,
            cell.raw,
            params={"low": number_part(low.normalize()), "high": number_part(high.normalize())},
        )
        return Cell("not_available", raw=cell.raw)
    ctx.report(
        "error",
        gettext_noop("Giá trị ngoài thang điểm %(low)s–%(high)s"),
        sheet,
        row,
        column,
        cell.raw,
        params={"low": number_part(low.normalize()), "high": number_part(high.normalize())},
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
        ctx.report("error", gettext_noop("Không đọc được năm của dòng"), sheet, row, column, text)
        return True
    if match.group(0) == str(ctx.edition.year):
        return False
    ctx.other_years[match.group(0)] += 1
    return True


def rank_check(ctx: ParseContext, cell: Any, *, sheet: str, row: int, column: str) -> int | None:
    """A published rank the rank column can hold; None, with an error, otherwise."""
    rank, reason = parse_rank(cell, maximum=rank_maximum())
    if reason:
        message, params = reason_message(reason)
        ctx.report("error", message, sheet, row, column, raw_text(cell)[:200], params=params)
    return rank


def group_check(ctx: ParseContext, cell: Any, *, sheet: str, row: int, column: str) -> str:
    """A published group as it will be stored: spaces and line breaks made single spaces, the
    rating scheme's own name for it where the index has a scheme. "" with an error for a group
    that is too long for its column, holds control characters, or is not one of the scheme's."""
    raw = raw_text(cell)
    text = " ".join(raw.split())
    if not text:
        return ""
    reason = ""
    params: dict[str, Any] = {}
    if any(unicodedata.category(ch) in _CONTROL for ch in text):
        reason = gettext_noop("Xếp loại chứa ký tự điều khiển")
    elif len(text) > group_max_length():
        reason = gettext_noop("Xếp loại dài %(length)s ký tự, vượt giới hạn %(maximum)s ký tự")
        params = {"length": len(text), "maximum": group_max_length()}
    elif ctx.groups and group_key(text) not in ctx.groups:
        reason = gettext_noop(
            "Xếp loại “%(group)s” không có trong cách xếp loại của chỉ số (%(known)s)"
        )
        params = {"group": text[:60], "known": ", ".join(dict.fromkeys(ctx.groups.values()))}
    if reason:
        ctx.report("error", reason, sheet, row, column, raw[:200], params=params)
        return ""
    return ctx.groups.get(group_key(text), text)
