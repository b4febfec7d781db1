"""Checks over the whole file once its rows are read: formulas without results, a unit read
twice, blank values, totals that disagree with their components, published ranks that disagree
with the scores, and the units the file leaves out (with the stored values it would remove)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import cast

from django.utils.translation import gettext_noop

from indices.aggregation import total_from_components, total_is_checked
from indices.models import IndexEdition, Score
from indices.services.imports.context import ParseContext
from indices.services.imports.layouts.detection import Layout
from indices.services.imports.results import DroppedUnit, UnitRecord
from indices.services.imports.vocabulary import COMPONENT_PREFIX
from tabular.cells import Cell
from tabular.headers import column_letter
from tabular.problems import message_part, number_part
from units.models import Unit
from units.selectors import home_unit

# The edition's aggregation as the total check names it: the model's choice labels (the same
# msgids), kept here as messages because a problem stores a message, not a lazy label.
_AGGREGATIONS: dict[str, str] = {
    IndexEdition.Aggregation.SUM: gettext_noop("Cộng các thành phần"),
    IndexEdition.Aggregation.WEIGHTED_SUM: gettext_noop("Tổng có trọng số"),
    IndexEdition.Aggregation.PERCENT_OF_MAX: gettext_noop("Tỷ lệ % điểm đạt trên điểm tối đa"),
    IndexEdition.Aggregation.PUBLISHED_ONLY: gettext_noop("Lấy theo số công bố"),
}


def formulas_note(ctx: ParseContext, layout: Layout | None) -> None:
    """A formula whose result was never stored (a file written by a program and not opened
    in Excel since, e.g. a =HYPERLINK(…) around each province name) reads as an empty cell:
    its row or value would go missing without a word. Every such cell is an error."""
    sheets = [layout.sheet] if layout else ctx.sheets
    first = layout.header_index if layout else 0
    for sheet in sheets:
        for (row, column), formula in sorted(sheet.formulas.items()):
            if row < first:
                continue  # a title above the table
            cell = f"{column_letter(column)}{row + 1}"
            ctx.report(
                "error",
                gettext_noop(
                    "Ô %(cell)s: công thức chưa có giá trị tính sẵn; hãy mở tệp bằng Excel, "
                    "lưu lại rồi nhập lại"
                ),
                sheet.name,
                row + 1,
                column_letter(column),
                formula[:120],
                params={"cell": cell},
            )


def _names(records: list[UnitRecord]) -> str:
    names = ", ".join(r.unit.display_name for r in records[:10])
    return names + ("…" if len(records) > 10 else "")


def _unique_records(ctx: ParseContext) -> list[UnitRecord]:
    """The records of units read once; a unit read on several rows is an error, once."""
    counts = Counter(r.unit.pk for r in ctx.result.records)
    reported: set[int] = set()
    unique: list[UnitRecord] = []
    for record in ctx.result.records:
        if counts[record.unit.pk] > 1:
            if record.unit.pk not in reported:
                rows = [str(r.row) for r in ctx.result.records if r.unit.pk == record.unit.pk]
                ctx.report(
                    "error",
                    gettext_noop("Đơn vị %(unit)s xuất hiện nhiều lần (dòng %(rows)s)"),
                    record.sheet,
                    record.row,
                    "",
                    record.unit.name,
                    params={"unit": record.unit.name, "rows": ", ".join(rows)},
                )
                reported.add(record.unit.pk)
            continue
        unique.append(record)
    return unique


def _blanks_report(ctx: ParseContext, record: UnitRecord) -> None:
    for code, cell in record.values.items():
        if cell.state == "blank":
            column = ctx.column_names.get(code) or (
                "Tổng" if code is None else f"{code}. {ctx.by_code[code].name}"
            )
            ctx.report(
                "error",
                gettext_noop(
                    "%(unit)s: thiếu giá trị (ghi N/A nếu không có dữ liệu, KCB nếu không công bố)"
                ),
                record.sheet,
                record.row,
                column,
                "",
                params={"unit": record.unit.name},
            )


def records_check(ctx: ParseContext) -> None:
    """Keep one record per unit and check each: a row with only a rank (a press report) is
    kept with a "not published" total; a wholly blank row means no data; a total without its
    components is kept alone; any other blank is an error, and a total must match its parts."""
    result = ctx.result
    unique = _unique_records(ctx)
    mapped_codes = {
        c.role[len(COMPONENT_PREFIX) :]
        for c in result.columns
        if c.role.startswith(COMPONENT_PREFIX)
    } | {code for r in result.records for code in r.values if code}
    has_total = any(None in r.values for r in result.records)
    if not mapped_codes:
        ctx.report(
            "info",
            gettext_noop("Tệp chỉ có điểm tổng (và thứ hạng, xếp loại), không có điểm thành phần."),
            result.sheet,
        )
    totals_only: list[UnitRecord] = []
    ranks_only: list[UnitRecord] = []
    for record in unique:
        present = [c for c in record.values.values() if c.state != "blank"]
        if not present and (record.rank is not None or record.group):
            # Only the published rank (a press report): stored with a "not published" total.
            record.values = {}
            ranks_only.append(record)
            continue
        if not present:
            # A wholly blank row: the publisher has no data for this unit (PAPI 2021).
            record.values = {k: Cell("not_available") for k in record.values}
            ctx.report(
                "warning",
                gettext_noop("%(unit)s: cả dòng trống, ghi nhận là không có dữ liệu"),
                record.sheet,
                record.row,
                "",
                record.unit.name,
                params={"unit": record.unit.name},
            )
            continue
        parts = [cell for code, cell in record.values.items() if code is not None]
        total = record.values.get(None)
        if parts and total and total.state != "blank" and all(c.state == "blank" for c in parts):
            # The total without any component (the publisher's table gives only some
            # provinces' sub-indices): like a totals-only file, store what is there.
            record.values = {None: total}
            totals_only.append(record)
        _blanks_report(ctx, record)
        total_check(ctx, record)
    if totals_only:
        ctx.report(
            "warning",
            gettext_noop(
                "%(n)s đơn vị chỉ có điểm tổng, các cột thành phần để trống (%(names)s): chỉ "
                "ghi điểm tổng (và thứ hạng, xếp loại) của các đơn vị này"
            ),
            result.sheet,
            params={"n": len(totals_only), "names": _names(totals_only)},
        )
    if ranks_only:
        ctx.report(
            "warning",
            gettext_noop(
                "%(n)s đơn vị chỉ có thứ hạng, không có điểm (%(names)s): ghi thứ hạng, điểm "
                "tổng ghi là không công bố"
            ),
            result.sheet,
            params={"n": len(ranks_only), "names": _names(ranks_only)},
        )
    result.records = unique
    missing_units_note(ctx, unique)
    if has_total:
        partial = bool(result.missing_units) and not ctx.edition.published_top_n
        ranks_check(ctx, unique, partial=partial)


def total_check(ctx: ParseContext, record: UnitRecord) -> None:
    """The total against the edition's aggregation of the top components, within tolerance."""
    edition = ctx.edition
    total = record.values.get(None)
    if not total_is_checked(edition) or total is None or total.state != "value":
        return
    values = {
        code: cell.value if cell.state == "value" else None
        for code, cell in record.values.items()
        if code
    }
    if not set(ctx.top_codes) <= set(values):
        return
    computed = total_from_components(edition=edition, components=ctx.components, values=values)
    if computed is None or total.value is None:
        return
    if abs(computed - total.value) > edition.aggregation_tolerance:
        aggregation = _AGGREGATIONS.get(edition.aggregation)
        ctx.report(
            "error",
            gettext_noop(
                "%(unit)s: tổng %(total)s không khớp với %(aggregation)s của các thành phần "
                "(%(computed)s; sai số cho phép %(tolerance)s)"
            ),
            record.sheet,
            record.row,
            ctx.column_names.get(None, "Tổng"),
            total.raw,
            params={
                "unit": record.unit.name,
                "total": number_part(total.value, total.decimals),
                "aggregation": message_part(aggregation, lowercase=True)
                if aggregation
                else str(edition.get_aggregation_display()).lower(),
                "computed": number_part(computed, 2),
                "tolerance": number_part(edition.aggregation_tolerance.normalize()),
            },
        )


def ranks_check(ctx: ParseContext, records: list[UnitRecord], *, partial: bool) -> None:
    """Published ranks against the order of the scores. A file that lists only some units
    (a press report's excerpt) cannot give ranks, only an order: there a rank is questioned
    only when a higher score has a worse rank."""
    totals: list[tuple[UnitRecord, Decimal]] = []
    for record in records:
        total = record.values.get(None)
        if total is not None and total.state == "value" and total.value is not None:
            totals.append((record, total.value))
    ordered = sorted((v for _r, v in totals), reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    ranked = [(r, r.rank, v) for r, v in totals if r.rank is not None]
    for record, rank, value in ranked:
        if rank == first[value]:
            continue
        if partial and not any(
            (v > value and r > rank) or (v < value and r < rank) for _record, r, v in ranked
        ):
            continue
        ctx.report(
            "warning",
            gettext_noop(
                "%(unit)s: thứ hạng công bố %(rank)s khác thứ hạng suy ra từ điểm (%(derived)s)"
            ),
            record.sheet,
            record.row,
            ctx.column_names.get("__rank__", "Thứ hạng"),
            str(record.rank),
            params={"unit": record.unit.name, "rank": record.rank, "derived": first[value]},
        )


def missing_units_note(ctx: ParseContext, records: list[UnitRecord]) -> None:
    """The units of the edition's level (below the home province for districts and
    departments) that the file does not list."""
    present = {r.unit.pk for r in records}
    missing = [u for u in ctx.matcher.units.values() if u.pk not in present]
    if ctx.edition.level != "province":
        # By the parent's id: reading each unit's parent was a query per unit (2,600 for the
        # bench's commune file).
        home = {unit.pk} if (unit := home_unit()) else set()
        missing = [u for u in missing if u.parent_id in home]
    ctx.result.missing_units = sorted(missing, key=lambda u: u.code)
    if missing and records:
        names = ", ".join(u.display_name for u in ctx.result.missing_units[:10])
        more = "…" if len(missing) > 10 else ""
        if ctx.edition.published_top_n:
            message = gettext_noop(
                "%(n)s đơn vị không có trong tệp sẽ được ghi là không công bố (kỳ này chỉ công "
                "bố nhóm đầu): %(names)s"
            )
        else:
            message = gettext_noop("%(n)s đơn vị không có trong tệp: %(names)s")
        params = {"n": len(missing), "names": names + more}
        ctx.report("info", message, ctx.result.sheet, params=params)
    top_n = ctx.edition.published_top_n
    if top_n and records and len(records) < top_n:
        # Fewer units than the publisher's top N: every rank would read "out of N" against a
        # table that does not hold N units.
        ctx.report(
            "warning",
            gettext_noop(
                "Tệp có %(n)s đơn vị, ít hơn %(top)s đơn vị dẫn đầu mà kỳ này công bố: thứ hạng "
                "sẽ được đọc là trên %(top)s; hãy kiểm tra tệp có đủ bảng công bố không."
            ),
            ctx.result.sheet,
            params={"n": len(records), "top": top_n},
        )


def dropped_units(*, edition: IndexEdition, present: set[int]) -> list[DroppedUnit]:
    """Units with stored values ("value" state) in the edition that are not in `present`."""
    rows = (
        Score.objects.filter(edition=edition, state=Score.State.VALUE)
        .exclude(unit_id__in=present)
        .values_list("unit_id", "component__code", "component__order", "value", "decimals")
    )
    by_unit: dict[int, list[tuple[int, str | None, Decimal, int]]] = {}
    for unit_id, code, order, value, decimals in rows:
        value = cast(Decimal, value)  # a "value" score always has one (a database constraint)
        position = -1 if code is None else order  # the total first, then the tree's order
        by_unit.setdefault(unit_id, []).append((position, code, value, decimals))
    units = Unit.objects.in_bulk(list(by_unit))
    dropped = [
        DroppedUnit(
            unit=units[unit_id],
            values=[(c, v, d) for _p, c, v, d in sorted(values, key=lambda item: item[0])],
        )
        for unit_id, values in by_unit.items()
    ]
    return sorted(dropped, key=lambda d: d.unit.code)


def dropped_units_note(ctx: ParseContext) -> None:
    """Units whose stored values the commit would remove: a warning each, and the commit then
    needs the admin's confirmation (scores_import's allow_missing)."""
    present = {r.unit.pk for r in ctx.result.records}
    ctx.result.dropped = dropped_units(edition=ctx.edition, present=present)
    if ctx.edition.published_top_n:
        # The top-N file leaves the others out: they are stored as "not published", which
        # loses nothing for a unit that had no value; one that had values is warned of.
        outcome = gettext_noop("các giá trị này sẽ được thay bằng “không công bố”")
    else:
        outcome = gettext_noop("các giá trị này sẽ bị xóa")
    for dropped in ctx.result.dropped:
        ctx.report(
            "warning",
            gettext_noop(
                "%(unit)s có %(n)s giá trị đang lưu (%(values)s) nhưng không có trong tệp "
                "mới: nếu ghi, %(outcome)s"
            ),
            ctx.result.sheet,
            None,
            "",
            dropped.unit.name,
            params={
                "unit": dropped.unit.display_name,
                "n": len(dropped.values),
                "values": dropped.summary_part(),
                "outcome": message_part(outcome),
            },
        )
