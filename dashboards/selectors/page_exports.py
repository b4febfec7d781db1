"""Whole-page workbooks: every table of the home page, an index page or a unit page, one sheet
each, built from the page's own selectors so that each figure equals the one on the page
(rounded at its edition's precision, a number in its cell) with its basis in words beside it.
`dashboards.downloads.workbook_response` writes them (title, source, frozen header, formats)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dashboards.downloads import SheetTable
from dashboards.selectors.exports import league_table
from dashboards.selectors.home import home_page
from dashboards.selectors.index import index_page
from dashboards.selectors.page_sheets import (
    TARGET_COLUMNS,
    PageWorkbook,
    basis_label,
    columns,
    edition_source,
    fig,
    rank_cells,
    rank_columns,
    score_state,
    sources_of,
    target_rows,
)
from dashboards.selectors.unit_export import unit_workbook
from indices.figures import Coverage, rank_text
from indices.labels import localized_group, localized_name
from indices.models import Index, IndexEdition
from units.models import Unit

__all__ = ["PageWorkbook", "home_workbook", "index_workbook", "unit_workbook"]


# The index page ----------------------------------------------------------------------------------


def index_workbook(
    *, index: Index, edition: IndexEdition, unit: Unit, region_code: str = ""
) -> PageWorkbook:
    """The index page's tables: the unit's figures and gaps, targets, the trend, components,
    priorities and the league (filtered by region as on the page)."""
    page = index_page(index=index, edition=edition, unit=unit, region_code=region_code)
    info = page["edition_info"]
    cov: Coverage = info.coverage
    d = edition.decimals
    source = edition_source(edition)
    name = f"{localized_name(index)} {edition.year}"
    home = page["home_row"] or {}
    rank_word = _("Hạng") if index.publishes_ranks else _("Thứ tự")

    def fact(label: str, value: Any, basis: str | None) -> dict[str, Any]:
        return {"label": label, "value": value, "basis_label": basis_label(basis, value)}

    facts = []
    if home:
        facts = [
            fact(_("Điểm"), fig(home["value"], d), home["basis"]),
            fact(rank_word, rank_text(home, cov, words=False), home["rank_basis"]),
            # Why there is no score, when there is none (nothing to say beside a score).
            *(
                [fact(_("Trạng thái"), missing, "")]
                if (missing := score_state(home["state"], ranked=home["display_rank"] is not None))
                else []
            ),
            fact(_("Dẫn đầu"), fig(home["leader_value"], d), home["leader_basis"]),
            fact(_("Cách dẫn đầu"), fig(home["gap_to_leader"], d), home["gap_basis"]),
            fact(_("Trung bình"), fig(home["mean_value"], d), home["analysis_basis"]),
            fact(_("Cách trung bình"), fig(home["gap_to_mean"], d), home["analysis_basis"]),
            fact(_("Trung vị"), fig(home["median_value"], d), home["analysis_basis"]),
            fact(_("Cách trung vị"), fig(home["gap_to_median"], d), home["analysis_basis"]),
            fact(_("Tốt nhất trong vùng"), fig(home["region_best"], d), home["region_best_basis"]),
            fact(
                _("Cách tốt nhất trong vùng"),
                fig(home["gap_to_region_best"], d),
                home["region_gap_basis"],
            ),
            fact(
                _("%(rank)s trong vùng") % {"rank": rank_word},
                _region_rank(home, cov),
                home["analysis_basis"],
            ),
            fact(_("Thay đổi điểm"), fig(home["score_change"], d), home["change_basis"]),
        ]
    coverages = {e.pk: e.coverage for e in page["editions"]}
    trend = [
        {
            "year": p["year"],
            "value": fig(p["value"], p["decimals"]),
            "basis_label": basis_label(p["basis"], p["value"]),
            "state": score_state(p["state"], ranked=p["display_rank"] is not None),
            **rank_cells(p, coverages.get(p["edition_id"], cov)),
            "note": _("Đổi phương pháp: không nối với năm trước")
            if p["change_note"] == "break"
            else "",
        }
        for p in page["series"]
    ]
    components = []
    for c in page["component_rows"]:
        row = c["row"] or {}
        places = row.get("decimals", d)
        components.append(
            {
                "component": f"{c['component'].code}. {localized_name(c['component'])}",
                "value": fig(row.get("value"), places),
                "basis_label": basis_label(row.get("basis"), row.get("value")),
                "rank": f"{row['rank']}/{row['peer_count']}" if row.get("rank") else None,
                "rank_basis_label": basis_label(row.get("rank_basis"), row.get("rank")),
                "leader": fig(row.get("leader_value"), places),
                "leader_basis_label": basis_label(row.get("leader_basis"), row.get("value")),
                "mean": fig(row.get("mean_value"), places),
                "mean_basis_label": basis_label(row.get("analysis_basis"), row.get("value")),
                "weight": c["weight"],
            }
        )
    priorities = [
        {
            "priority": c["row"]["priority"],
            "component": f"{c['component'].code}. {localized_name(c['component'])}",
            "value": fig(c["row"]["value"], c["row"]["decimals"]),
            "basis_label": basis_label(c["row"]["basis"]),
            "leader": fig(c["row"]["leader_value"], c["row"]["decimals"]),
            "leader_basis_label": basis_label(c["row"]["leader_basis"]),
            "cost": fig(c["row"]["cost"], c["row"]["decimals"]),
            "gap_basis_label": basis_label(c["row"]["gap_basis"]),
            "cost_region": fig(c["row"]["cost_region"], c["row"]["decimals"]),
            "region_gap_basis_label": basis_label(c["row"]["region_gap_basis"]),
            "rank_if_leader": c["row"]["rank_if_leader"],
            "analysis_basis_label": basis_label(c["row"]["analysis_basis"]),
        }
        for c in page["priorities"]
    ]
    league = league_table(index=index, edition=edition, unit=unit, region_code=region_code)
    # The status in the page's words: nothing beside a score, why there is none otherwise.
    league_rows = [
        {
            **row,
            "state_label": score_state(
                row.get("state"), ranked=row.get("display_rank") is not None
            ),
        }
        for row in league.rows
    ]
    unit_name = unit.display_name
    region = next((r for r in page["regions"] if r.code == region_code), None)
    # A league cut to a region says so in its title and in its file's name.
    where = _(" · vùng %(region)s") % {"region": localized_name(region)} if region else ""
    sheets = [
        SheetTable(
            name=_("Điểm và khoảng cách"),
            title=_("%(name)s: điểm, %(rank)s và khoảng cách của %(unit)s")
            % {"name": name, "rank": rank_word.lower(), "unit": unit_name},
            source=source,
            columns=columns(
                [
                    ("label", gettext_noop("Chỉ tiêu")),
                    ("value", gettext_noop("Giá trị")),
                    ("basis_label", gettext_noop("Cơ sở")),
                ]
            ),
            rows=facts,
            note=cov.warning(),
        ),
        SheetTable(
            name=_("Mục tiêu"),
            title=_("%(name)s: mục tiêu của %(unit)s") % {"name": name, "unit": unit_name},
            source=source,
            columns=columns(TARGET_COLUMNS),
            rows=target_rows(page["targets"], d, coverage=cov, row=home or None),
        ),
        SheetTable(
            name=_("Qua các năm"),
            title=_("%(index)s: điểm và %(rank)s của %(unit)s qua các năm")
            % {"index": localized_name(index), "rank": rank_word.lower(), "unit": unit_name},
            source=sources_of(_editions(index, [p["year"] for p in page["series"]])),
            columns=[
                ("year", _("Năm")),
                ("value", _("Điểm")),
                ("basis_label", _("Cơ sở của điểm")),
                ("state", _("Trạng thái")),
                *rank_columns(rank_word),
                ("note", _("Ghi chú")),
            ],
            rows=trend,
        ),
        SheetTable(
            name=_("Thành phần"),
            title=_("%(name)s: các thành phần của %(unit)s so với dẫn đầu và trung bình")
            % {"name": name, "unit": unit_name},
            source=source,
            columns=[
                ("component", _("Thành phần")),
                ("value", _("Điểm")),
                ("basis_label", _("Cơ sở của điểm")),
                ("rank", rank_word),
                ("rank_basis_label", _("Cơ sở của hạng")),
                ("leader", _("Tốt nhất")),
                ("leader_basis_label", _("Cơ sở của số tốt nhất")),
                ("mean", _("Trung bình")),
                ("mean_basis_label", _("Cơ sở của trung bình")),
                ("weight", _("Trọng số")),
            ],
            rows=components,
        ),
        SheetTable(
            name=_("Ưu tiên cải thiện"),
            title=_("%(name)s: thành phần nên ưu tiên cải thiện") % {"name": name},
            source=source,
            columns=[
                ("priority", "#"),
                ("component", _("Thành phần")),
                ("value", _("Điểm")),
                ("basis_label", _("Cơ sở của điểm")),
                ("leader", _("Tốt nhất cả nước")),
                ("leader_basis_label", _("Cơ sở của số tốt nhất")),
                ("cost", _("Điểm tổng tăng nếu bằng tốt nhất cả nước")),
                ("gap_basis_label", _("Cơ sở của khoảng cách với dẫn đầu")),
                ("cost_region", _("… nếu bằng tốt nhất vùng")),
                ("region_gap_basis_label", _("Cơ sở của khoảng cách trong vùng")),
                ("rank_if_leader", _("%(rank)s nếu bằng tốt nhất cả nước") % {"rank": rank_word}),
                ("analysis_basis_label", _("Cơ sở của thứ tự tính lại")),
            ],
            rows=priorities,
        ),
        SheetTable(
            name=_("Bảng xếp hạng"),
            title=_("%(name)s: bảng xếp hạng") % {"name": name} + where,
            source=source,
            columns=league.columns,
            rows=league_rows,
            note=cov.warning(),
        ),
    ]
    return PageWorkbook(
        title=_("%(name)s: %(unit)s") % {"name": name, "unit": unit_name} + where,
        filename=f"{index.code}-{edition.year}-ca-trang"
        + (f"-vung-{region.code}" if region else ""),
        sheets=sheets,
    )


def _region_rank(home: dict[str, Any], cov: Coverage) -> str | None:
    """ "9/9", or "9/9 tỉnh được công bố" when the edition publishes only a top group, as the
    page says it."""
    if not home["region_rank"]:
        return None
    text = f"{home['region_rank']}/{home['region_count']}"
    return f"{text} {_('tỉnh được công bố')}" if cov.top_n else text


def _editions(index: Index, years: list[int]) -> list[IndexEdition]:
    return list(
        IndexEdition.objects.filter(index=index, year__in=years)
        .select_related("index")
        .order_by("year")
    )


# The home page -----------------------------------------------------------------------------------


def home_workbook(*, unit: Unit) -> PageWorkbook:
    """The home page's tables: where the province stands on each national index, its trend,
    target paths, the components that would raise each index most, and the costliest three."""
    page = home_page(unit=unit)
    cards = page["cards"]
    edition_ids = {h["info"].pk for card in cards for h in card["history"]}
    editions = {
        e.pk: e
        for e in IndexEdition.objects.filter(pk__in=edition_ids)
        .select_related("index")
        .order_by("index__order", "year")
    }
    latest = [editions[c["info"].pk] for c in cards if c["info"] and c["info"].pk in editions]
    standing, history, targets, weak = [], [], [], []
    for card in cards:
        row, info = card["latest"], card["info"]
        index_name = card["short_name"]
        if row and info:
            change = card["change"] or {}
            standing.append(
                {
                    "index": index_name,
                    "year": card["year"],
                    "value": fig(row["value"], row["decimals"]),
                    "basis_label": basis_label(row["basis"], row["value"]),
                    "state": score_state(row["state"], ranked=row["display_rank"] is not None),
                    **rank_cells(row, info.coverage),
                    "group": localized_group(row["group"]),
                    "group_basis_label": basis_label(row["group_basis"], row["group"] or None),
                    "score_change": fig(change.get("score_change"), row["decimals"]),
                    "change_basis_label": basis_label(
                        change.get("basis"), change.get("score_change")
                    ),
                    "rank_move": change.get("rank") or "",
                    "previous_year": change.get("previous_year"),
                }
            )
        for h in card["history"]:
            r = h["row"]
            history.append(
                {
                    "index": index_name,
                    "year": h["info"].year,
                    "value": fig(r["value"], r["decimals"]),
                    "basis_label": basis_label(r["basis"], r["value"]),
                    **rank_cells(r, h["info"].coverage),
                }
            )
        if info:
            places = row["decimals"] if row else 2
            targets.extend(
                target_rows(
                    card["targets"], places, coverage=info.coverage, row=row, index=index_name
                )
            )
        for w in card["weak"]:
            weak.append(
                {
                    "index": f"{w['short_name']} {w['year']}",
                    "component": localized_name(w["component"]),
                    "value": fig(w["value"], w["decimals"]),
                    "basis_label": basis_label(w["basis"], w["value"]),
                    "cost": fig(w["cost"], w["decimals"]),
                    "gap_basis_label": basis_label(w["gap_basis"], w["cost"]),
                    "tasks": "; ".join(a["task"].title for a in w["tasks"]),
                }
            )
    costly = [
        {
            "index": f"{c['short_name']} {c['year']}",
            "component": localized_name(c["component"]),
            "value": fig(c["value"], c["decimals"]),
            "basis_label": basis_label(c["basis"], c["value"]),
            "leader": fig(c["leader_value"], c["decimals"]),
            "leader_basis_label": basis_label(c["leader_basis"], c["leader_value"]),
            "cost": fig(c["cost"], c["decimals"]),
            "gap_basis_label": basis_label(c["gap_basis"], c["cost"]),
            "cost_share": fig(c["cost_share"], 1),
        }
        for c in page["costly"]
    ]
    source = sources_of(latest)
    all_sources = sources_of(editions.values())
    name = unit.name
    index_col = ("index", _("Chỉ số"))
    value_cols = [("value", _("Điểm")), ("basis_label", _("Cơ sở của điểm"))]
    rank_cols = rank_columns()
    sheets = [
        SheetTable(
            name=_("Các chỉ số"),
            title=_("%(unit)s trên các chỉ số quốc gia (kỳ gần nhất)") % {"unit": name},
            source=source,
            columns=[
                index_col,
                ("year", _("Năm")),
                *value_cols,
                ("state", _("Trạng thái")),
                *rank_cols,
                ("group", _("Xếp loại")),
                ("group_basis_label", _("Cơ sở của xếp loại")),
                ("score_change", _("Thay đổi điểm")),
                ("change_basis_label", _("Cơ sở của thay đổi")),
                ("rank_move", _("Thay đổi hạng hoặc thứ tự")),
                ("previous_year", _("So với năm")),
            ],
            rows=standing,
        ),
        SheetTable(
            name=_("Diễn biến các kỳ"),
            title=_("%(unit)s: điểm và thứ hạng qua các kỳ") % {"unit": name},
            source=all_sources,
            columns=[index_col, ("year", _("Năm")), *value_cols, *rank_cols],
            rows=history,
        ),
        SheetTable(
            name=_("Lộ trình mục tiêu"),
            title=_("%(unit)s: mục tiêu trên các chỉ số") % {"unit": name},
            source=source,
            columns=[index_col, *columns(TARGET_COLUMNS)],
            rows=targets,
        ),
        SheetTable(
            name=_("Thành phần kéo điểm lên"),
            title=_("Thành phần có thể kéo điểm mỗi chỉ số lên nhiều nhất"),
            source=source,
            columns=[
                index_col,
                ("component", _("Thành phần")),
                *value_cols,
                ("cost", _("Điểm tổng có thể tăng")),
                ("gap_basis_label", _("Cơ sở của khoảng cách với dẫn đầu")),
                ("tasks", _("Nhiệm vụ trong kế hoạch")),
            ],
            rows=weak,
        ),
        SheetTable(
            name=_("Ưu tiên cải thiện"),
            title=_("Ba thành phần nên ưu tiên cải thiện"),
            source=source,
            columns=[
                index_col,
                ("component", _("Thành phần")),
                *value_cols,
                ("leader", _("Tốt nhất cả nước")),
                ("leader_basis_label", _("Cơ sở của số tốt nhất")),
                ("cost", _("Điểm tổng có thể tăng")),
                ("gap_basis_label", _("Cơ sở của khoảng cách với dẫn đầu")),
                ("cost_share", _("% thang điểm")),
            ],
            rows=costly,
        ),
    ]
    return PageWorkbook(
        title=_("Tổng quan: %(unit)s") % {"unit": name},
        filename="tong-quan-ca-trang",
        sheets=sheets,
    )
