"""What each generated report holds, built from the pages' own selectors so that every figure
equals the page's (rounded at its edition's precision, with its basis): sections, each one sheet
of the workbook and one part of the PDF, with the chart drawn from the section's own rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from briefings.charts import Chart
from dashboards.downloads import SheetTable
from dashboards.selectors.exports import internal_table
from dashboards.selectors.index import index_page
from dashboards.selectors.page_exports import index_workbook
from dashboards.selectors.page_sheets import basis_label, edition_source
from indices.figures import figure, rank_text, rounded, state_label
from indices.labels import localized_name
from indices.models import Basis, Index, IndexEdition
from reports.models import ReportingWindow
from reports.selectors import completeness, indicator_series, task_progress_table
from reports.services import indicator_misses
from units.models import Unit

# Called with a share of the work done (0–100) while a long report is built.
Progress = Callable[[int], None]


def language_suffix() -> str:
    """ "-en" in the name of a report written in English, so that it does not replace the
    Vietnamese one among the reader's downloads."""
    return "" if get_language() in (None, "vi") else f"-{get_language()}"


def _no_progress(percent: int) -> None:
    return None


@dataclass(frozen=True)
class Section:
    """One sheet of the workbook and one part of the PDF. `pdf_keys` keeps a wide table's main
    columns in the PDF (the workbook has them all)."""

    table: SheetTable
    charts: list[Chart] = field(default_factory=list)
    pdf_keys: list[str] | None = None
    intro: str = ""


@dataclass(frozen=True)
class Briefing:
    title: str
    subtitle: str
    filename: str
    highlights: list[tuple[str, str]]
    sections: list[Section]


def _values(rows: list[dict[str, Any]], key: str) -> list[Decimal | None]:
    return [row.get(key) if isinstance(row.get(key), Decimal) else None for row in rows]


# Index briefing ----------------------------------------------------------------------------------


def index_briefing(
    *, index: Index, edition: IndexEdition, unit: Unit, progress: Progress = _no_progress
) -> Briefing:
    """One edition of a national index for the home province: standing, trend, targets, the
    components to fix first and the comparison with its region (the index page's tables, the
    league cut to the province's region)."""
    region = unit.region
    region_code = region.code if region else ""
    page = index_page(index=index, edition=edition, unit=unit, region_code=region_code)
    progress(30)
    book = index_workbook(index=index, edition=edition, unit=unit, region_code=region_code)
    progress(60)
    by_name = {sheet.name: sheet for sheet in book.sheets}
    facts, targets, trend, components, priorities, league = (
        by_name[_(name)]
        for name in (
            "Điểm và khoảng cách",
            "Mục tiêu",
            "Qua các năm",
            "Thành phần",
            "Ưu tiên cải thiện",
            "Bảng xếp hạng",
        )
    )
    d = edition.decimals
    name = f"{localized_name(index)} {edition.year}"
    home = page["home_row"] or {}
    cov = page["edition_info"].coverage
    highlights: list[tuple[str, str]] = []
    if home:
        mark = basis_label(home["basis"], home["value"])
        highlights = [
            (_("Điểm"), f"{figure(home['value'], d)} ({mark})"),
            (
                _("Vị thế"),
                f"{rank_text(home, cov)} ({basis_label(home['rank_basis'], home['display_rank'])})",
            ),
        ]
        if home["state"] != "value":  # a missing score says why; a score needs no status
            highlights.append((_("Trạng thái"), state_label(home["state"])))
        if home.get("rank_change"):
            moved = home["rank_change"]
            word = _("tăng %(n)s bậc") if moved > 0 else _("giảm %(n)s bậc")
            highlights.append((_("Thay đổi hạng so với kỳ trước"), word % {"n": abs(moved)}))
        if home.get("score_change") is not None:
            highlights.append(
                (_("Thay đổi điểm so với kỳ trước"), figure(home["score_change"], d, signed=True))
            )
    for status in targets.rows:
        highlights.append((_("Mục tiêu: %(t)s") % {"t": status["target"]}, status["status"]))
    series = page["series"]
    breaks = {str(p["year"]) for p in series if p["change_note"] == "break"}
    years = [str(p["year"]) for p in series]
    # The trend sheet's rows are the page's series, one per edition, in the same order.
    scores = [rounded(p["value"], p["decimals"]) for p in series]
    trend_charts = [
        Chart(
            kind="line",
            title=_("Điểm qua các năm"),
            labels=years,
            series=[(_("Điểm"), scores)],
            decimals=d,
            breaks=breaks,
        )
    ]
    ranks = [Decimal(p["display_rank"]) if p["display_rank"] else None for p in series]
    if any(r is not None for r in ranks):
        trend_charts.append(
            Chart(
                kind="line",
                title=_("Hạng qua các năm (số nhỏ ở trên)"),
                labels=years,
                series=[(_("Hạng"), ranks)],
                decimals=0,
                breaks=breaks,
                invert=True,
            )
        )
    component_labels = [row["component"] for row in components.rows]
    unit_name = unit.display_name
    sections = [
        Section(table=facts, intro=_("Vị thế của %(unit)s trong kỳ này.") % {"unit": unit_name}),
        Section(table=trend, charts=trend_charts),
        Section(table=targets),
        Section(
            table=components,
            charts=[
                Chart(
                    kind="bar",
                    title=_("Thành phần so với tốt nhất và trung bình"),
                    labels=component_labels,
                    series=[
                        (unit_name, _values(components.rows, "value")),
                        (_("Tốt nhất"), _values(components.rows, "leader")),
                        (_("Trung bình"), _values(components.rows, "mean")),
                    ],
                    decimals=d,
                )
            ]
            if component_labels
            else [],
        ),
        Section(
            table=priorities,
            charts=[
                Chart(
                    kind="bar",
                    title=_("Điểm tổng tăng nếu bằng tốt nhất cả nước"),
                    labels=[row["component"] for row in priorities.rows],
                    series=[(_("Điểm tổng tăng"), _values(priorities.rows, "cost"))],
                    decimals=d,
                )
            ]
            if priorities.rows
            else [],
            pdf_keys=[
                "priority",
                "component",
                "value",
                "basis_label",
                "leader",
                "leader_basis_label",
                "cost",
                "gap_basis_label",
                "rank_if_leader",
                "analysis_basis_label",
            ],
        ),
        _region_section(league, name=name, region=region, unit=unit, decimals=d),
    ]
    progress(80)
    return Briefing(
        title=_("Bản tin %(name)s") % {"name": name},
        subtitle=_("%(unit)s · nguồn: %(source)s")
        % {"unit": unit_name, "source": edition_source(edition)},
        filename=f"ban-tin-{index.code}-{edition.year}{language_suffix()}",
        highlights=highlights,
        sections=sections,
    )


def _region_section(
    league: SheetTable, *, name: str, region: Any, unit: Unit, decimals: int
) -> Section:
    region_name = localized_name(region) if region else _("cả nước")
    table = dataclasses.replace(
        league,
        name=_("So sánh trong vùng"),
        title=_("%(name)s: so sánh trong vùng %(region)s") % {"name": name, "region": region_name},
    )
    return Section(
        table=table,
        charts=[
            Chart(
                kind="bar",
                title=_("Điểm các tỉnh trong vùng"),
                labels=[row["unit_name"] for row in league.rows],
                series=[(_("Điểm"), _values(league.rows, "value"))],
                decimals=decimals,
                highlight=unit.name,
            )
        ]
        if league.rows
        else [],
        pdf_keys=[
            "rank_text",
            "rank_basis_label",
            "unit_name",
            "value",
            "basis_label",
            "group",
            "gap_to_leader",
            "gap_basis_label",
            "score_change",
            "analysis_basis_label",
        ],
    )


# Internal league ---------------------------------------------------------------------------------


def internal_briefing(
    *, year: int, editions: list[IndexEdition], progress: Progress = _no_progress
) -> Briefing:
    """The internal indices' editions of one year (departments, districts): each league with
    its components, as on the internal league page."""
    sections = []
    for number, edition in enumerate(editions, start=1):
        index = edition.index
        table = internal_table(index=index, edition=edition)
        name = f"{localized_name(index)} {edition.year}"
        sheet = SheetTable(
            name=localized_name(index),
            title=_("%(name)s: bảng xếp hạng nội bộ") % {"name": name},
            source=edition_source(edition),
            columns=table.columns,
            rows=table.rows,
        )
        sections.append(
            Section(
                table=sheet,
                charts=[
                    Chart(
                        kind="bar",
                        title=_("%(name)s: điểm tổng") % {"name": name},
                        labels=[row["unit"] for row in table.rows],
                        series=[(_("Điểm (%)"), _values(table.rows, "value"))],
                        decimals=edition.decimals,
                    )
                ]
                if table.rows
                else [],
                pdf_keys=[key for key, _label in table.columns][:10],
            )
        )
        progress(10 + 80 * number // max(len(editions), 1))
    return Briefing(
        title=_("Báo cáo xếp hạng nội bộ năm %(year)s") % {"year": year},
        subtitle=_("Sở, ban, ngành và cấp huyện"),
        filename=f"xep-hang-noi-bo-{year}{language_suffix()}",
        highlights=[(localized_name(e.index), str(e.year)) for e in editions],
        sections=sections,
    )


# Quarterly progress ------------------------------------------------------------------------------


def progress_briefing(*, window: ReportingWindow, progress: Progress = _no_progress) -> Briefing:
    """One quarter of the reform plan: completeness, task status, indicators against their
    quarterly targets and the late units, as on the progress page."""
    internal = basis_label(Basis.INTERNAL)
    source = _("Báo cáo tiến độ quý của các đơn vị trên cổng (%(window)s)") % {"window": window}
    rows = completeness(window=window)
    progress(25)
    complete_rows = [
        {
            "unit": r["unit"].name,
            "state": _(r["state_label"]),
            "late": _("Trễ hạn") if r["late"] else "",
            "percent": r["percent"],
            "basis_label": internal,
        }
        for r in rows
    ]
    late_rows = [row for row in complete_rows if row["late"]]
    tasks = [
        {
            "code": t["task"].code,
            "task": t["task"].title,
            "unit": t["unit"].name,
            "status": str(t["status"]),
            "percent": t["percent"],
            "basis_label": internal,
        }
        for t in task_progress_table(window=window)
    ]
    progress(50)
    key = f"Q{window.quarter}/{window.year}"
    indicators = []
    for r in rows:
        for s in indicator_series(unit=r["unit"]):
            if key not in s["labels"]:
                continue
            at = s["labels"].index(key)
            value, target = s["values"][at], s["targets"][at]
            met = (
                ""
                if value is None or target is None
                else _("Chưa đạt")
                if indicator_misses(s["indicator"], Decimal(str(value)), Decimal(str(target)))
                else _("Đạt")
            )
            indicators.append(
                {
                    "unit": r["unit"].name,
                    "task": s["task"].code,
                    "indicator": f"{s['indicator'].name} ({s['indicator'].unit_of_measure})"
                    if s["indicator"].unit_of_measure
                    else s["indicator"].name,
                    "value": None if value is None else Decimal(str(value)),
                    "target": None if target is None else Decimal(str(target)),
                    "met": met,
                    "basis_label": internal,
                }
            )
    progress(75)
    done = sum(1 for r in rows if r["state"] in {"submitted", "approved"})
    col = [
        ("unit", _("Đơn vị")),
        ("state", _("Trạng thái báo cáo")),
        ("late", _("Trễ hạn")),
        ("percent", _("Hoàn thành bình quân (%)")),
        ("basis_label", _("Cơ sở")),
    ]
    sections = [
        Section(
            table=SheetTable(
                name=_("Mức độ đầy đủ"),
                title=_("Mức độ đầy đủ của báo cáo %(window)s") % {"window": window},
                source=source,
                columns=col,
                rows=complete_rows,
            ),
            charts=[
                Chart(
                    kind="bar",
                    title=_("Hoàn thành bình quân theo đơn vị (%)"),
                    labels=[row["unit"] for row in complete_rows],
                    series=[
                        (_("Hoàn thành (%)"), [Decimal(row["percent"]) for row in complete_rows])
                    ],
                    decimals=0,
                )
            ]
            if complete_rows
            else [],
        ),
        Section(
            table=SheetTable(
                name=_("Nhiệm vụ"),
                title=_("Tình trạng các nhiệm vụ, %(window)s") % {"window": window},
                source=source,
                columns=[
                    ("code", _("Mã")),
                    ("task", _("Nhiệm vụ")),
                    ("unit", _("Đơn vị chủ trì")),
                    ("status", _("Tình trạng")),
                    ("percent", _("Hoàn thành (%)")),
                    ("basis_label", _("Cơ sở")),
                ],
                rows=tasks,
            )
        ),
        Section(
            table=SheetTable(
                name=_("Chỉ tiêu"),
                title=_("Chỉ tiêu so với mục tiêu %(window)s") % {"window": window},
                source=source,
                columns=[
                    ("unit", _("Đơn vị")),
                    ("task", _("Nhiệm vụ")),
                    ("indicator", _("Chỉ tiêu")),
                    ("value", _("Kết quả")),
                    ("target", _("Mục tiêu quý")),
                    ("met", _("Đánh giá")),
                    ("basis_label", _("Cơ sở")),
                ],
                rows=indicators,
            )
        ),
        Section(
            table=SheetTable(
                name=_("Đơn vị trễ hạn"),
                title=_("Đơn vị trễ hạn báo cáo %(window)s") % {"window": window},
                source=source,
                columns=col,
                rows=late_rows,
            )
        ),
    ]
    return Briefing(
        title=_("Báo cáo tiến độ %(window)s") % {"window": window},
        subtitle=_("Kế hoạch cải cách hành chính 2021–2025"),
        filename=f"tien-do-q{window.quarter}-{window.year}{language_suffix()}",
        highlights=[
            (_("Đơn vị đã gửi báo cáo"), f"{done}/{len(rows)}"),
            (_("Đơn vị trễ hạn"), str(len(late_rows))),
            (_("Hạn nộp"), window.deadline.strftime("%d/%m/%Y")),
        ],
        sections=sections,
    )
