"""Where the table is and which way it runs. The layout is decided by content: the row or the
column where most cells are unit names wins, whatever the header or the top-left corner says.
- wide: one row per unit, one column per score (the usual published table);
- transposed: one column per unit, one row per score;
- long: one row per unit and score, with a column of indicator labels and one of values."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from indices.services.imports.context import ParseContext
from indices.services.imports.vocabulary import (
    LABEL_WORDS,
    ROLE_IGNORE,
    ROLE_UNIT,
    VALUE_WORDS,
    is_score_role,
)
from tabular.cells import raw_text
from tabular.headers import is_note_row, normalize_header
from tabular.reading import Sheet

HEADER_SCAN_ROWS = 30
SCAN_ROWS = 120  # rows read to find the column of unit names
WIDE, TRANSPOSED, LONG = "wide", "transposed", "long"


@dataclass
class Layout:
    """Where the table is: its sheet, header row, shape, and the column (wide, long) or row
    (transposed) whose cells are unit names."""

    sheet: Sheet
    header_index: int
    kind: str
    unit_index: int | None = None


# A candidate layout with how strongly the sheet supports it (compared as a tuple).
Candidate = tuple[tuple[int, int], Layout]


def _known_roles(ctx: ParseContext, row: list[Any], skip: int | None = None) -> int:
    roles = (ctx.vocabulary.role_of(c) for i, c in enumerate(row) if i != skip)
    return sum(1 for r in roles if r and r != ROLE_IGNORE)


def _label_count(ctx: ParseContext, rows: list[list[Any]], unit_columns: set[int]) -> int:
    """How many rows carry a recognised indicator label outside the unit columns."""
    count = 0
    for row in rows:
        for i, cell in enumerate(row):
            if i in unit_columns or not isinstance(cell, str) or not cell.strip():
                continue
            if is_score_role(ctx.vocabulary.role_of(cell)):
                count += 1
            break
    return count


def _is_long_header(keys: list[str]) -> bool:
    return any(k in LABEL_WORDS for k in keys) and any(k in VALUE_WORDS for k in keys)


def _header_above(
    ctx: ParseContext, rows: list[list[Any]], first: int, unit_column: int
) -> int | None:
    """The header of a table whose first unit name is on row `first`: the row above it that
    names the most columns (the nearest one on a tie, as multi-row headers end there)."""
    best: tuple[int, int] | None = None
    for index in range(first - 1, max(-1, first - 1 - HEADER_SCAN_ROWS), -1):
        row = rows[index]
        if not any(raw_text(c) for c in row) or is_note_row(row):
            continue
        known = _known_roles(ctx, row, skip=unit_column)
        if best is None or known > best[0]:
            best = (known, index)
    return best[1] if best else None


def _header_layout(ctx: ParseContext, sheet: Sheet) -> Candidate | None:
    """When no cell names a unit (a misspelt or wrong-date file): trust the header words, so
    the parser can say which names it does not know."""
    best: Candidate | None = None
    for index, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        roles = [ctx.vocabulary.role_of(c) for c in row]
        keys = [normalize_header(c) for c in row]
        known = [r for r in roles if r and r != ROLE_IGNORE]
        if ROLE_UNIT not in roles:
            continue
        if _is_long_header(keys):
            score, kind = 100, LONG
        elif len(known) >= 2:
            score, kind = len(known), WIDE
        else:
            continue
        if best is None or (0, score) > best[0]:
            best = ((0, score), Layout(sheet, index, kind, roles.index(ROLE_UNIT)))
    return best


def _sheet_layout(ctx: ParseContext, sheet: Sheet) -> Candidate | None:
    rows = sheet.rows[:SCAN_ROWS]
    hits = [{i for i, c in enumerate(row) if ctx.looks_like_unit(c)} for row in rows]
    row_counts = [len(h) for h in hits[:HEADER_SCAN_ROWS]]
    column_counts: Counter[int] = Counter(i for h in hits for i in h)
    if not column_counts:
        return _header_layout(ctx, sheet)
    best_row = max(range(len(row_counts)), key=lambda r: row_counts[r])
    unit_column, column_count = column_counts.most_common(1)[0]
    first = min(r for r, h in enumerate(hits) if unit_column in h)
    header = _header_above(ctx, rows, first, unit_column)
    row_count = row_counts[best_row]
    transposed = row_count > column_count
    if row_count == column_count:
        # One unit only: the header above a column names score columns, the labels beside
        # a row name components.
        wide_known = _known_roles(ctx, rows[header], skip=unit_column) if header is not None else 0
        transposed_known = _label_count(ctx, rows[best_row + 1 :], hits[best_row])
        transposed = transposed_known > wide_known
    if transposed:
        return (1, row_count), Layout(sheet, best_row, TRANSPOSED, best_row)
    if header is None:
        return _header_layout(ctx, sheet)
    keys = [normalize_header(c) for c in rows[header]]
    kind = LONG if _is_long_header(keys) else WIDE
    return (1, column_count), Layout(sheet, header, kind, unit_column)


def layout_detect(ctx: ParseContext) -> Layout | None:
    """The best supported table over all the file's sheets, or None when none is found."""
    best: Candidate | None = None
    for sheet in ctx.sheets:
        candidate = _sheet_layout(ctx, sheet)
        if candidate and (best is None or candidate[0] > best[0]):
            best = candidate
    return best[1] if best else None
