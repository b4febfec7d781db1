"""From grids of cells to validated unit records: find the table and its shape, read it with
that layout's parser, then check the whole. Nothing here writes to the database.

The steps live by job: `vocabulary` (what headers say), `layouts` (detection and the wide,
transposed and long parsers), `mapping` (roles chosen and refused), `values` (one cell against
the scale), `checks` (the whole file) and `context` (what the steps share)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from indices.models import IndexEdition
from indices.services.imports.checks import dropped_units_note, formulas_note, records_check
from indices.services.imports.context import ParseContext
from indices.services.imports.layouts import PARSERS, layout_detect
from indices.services.imports.results import ParseResult
from tabular.reading import Sheet


def parse_edition_file(
    *, edition: IndexEdition, sheets: list[Sheet], overrides: dict[str, str] | None = None
) -> ParseResult:
    """Every problem of the file for this edition and the records it would store. `overrides`
    are the admin's mapping (column or row key → role, and "__layout__" it was made for)."""
    ctx = ParseContext.build(edition=edition, sheets=sheets, overrides=overrides)
    result = ctx.result
    layout = layout_detect(ctx)
    if layout is None:
        formulas_note(ctx, None)
        ctx.report(
            "error",
            gettext_noop(
                "Không tìm thấy dòng tiêu đề (cần một cột tên đơn vị và các cột điểm, hoặc các "
                "cột là tên đơn vị)"
            ),
        )
        return result
    forced_layout = ctx.overrides.get("__layout__")
    if forced_layout and forced_layout != layout.kind:
        # A mapping saved for another reading of the file (keys are columns in one layout,
        # rows in another) would mislabel it: read the file afresh.
        ctx.overrides = {}
    sheet = layout.sheet
    result.layout, result.sheet, result.header_row = (
        layout.kind,
        sheet.name,
        layout.header_index + 1,
    )
    formulas_note(ctx, layout)
    PARSERS[layout.kind](ctx, layout)
    if ctx.other_years:
        years = ", ".join(sorted(ctx.other_years))
        ctx.report(
            "info",
            gettext_noop(
                "Bỏ qua %(n)s dòng của năm khác (%(years)s); chỉ nhập các dòng năm %(year)s."
            ),
            sheet.name,
            params={"n": sum(ctx.other_years.values()), "years": years, "year": edition.year},
        )
    if not result.records and not result.errors:
        ctx.report("error", gettext_noop("Không có dòng dữ liệu nào"), sheet.name)
    records_check(ctx)
    dropped_units_note(ctx)
    return result
