"""The unit page as a workbook: its scores by index and year, its ranks over the years, its
strengths and weaknesses, and its targets, as the page's reader sees them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dashboards.downloads import SheetTable
from dashboards.selectors.page_sheets import (
    PageWorkbook,
    basis_label,
    fig,
    measure_label,
    rank_cells,
    rank_columns,
    score_state,
    sources_of,
    target_text,
)
from indices.labels import (
    localized_group,
    localized_name,
    localized_short_name,
    short_name_in_language,
)
from indices.models import IndexEdition
from indices.selectors_analytics import current_editions
from units.models import Unit


def unit_workbook(*, unit: Unit, page: dict[str, Any]) -> PageWorkbook:
    """The unit page's tables, from the page as its reader sees it (`page`: the unit page's
    selector cut by `dashboards.visibility.unit_page_for_reader`)."""
    coverages = {e.pk: e.coverage for e in current_editions()}
    scores = []
    editions = []
    for series in page["score_series"]:
        for cell in series.cells:
            score = cell.score
            editions.append(cell.edition)
            value = score.value if score and score.state == "value" else None
            coverage = coverages[cell.edition.pk]
            # The rank of the score's row, out of the units the edition covers (all that the
            # publisher ranks when the rank is theirs), as the unit's rank chart says it.
            rank_row = {
                "display_rank": cell.rank,
                "peer_count": coverage.covered,
                "rank_basis": cell.rank_basis,
                "state": score.state if score else None,
            }
            scores.append(
                {
                    "index": localized_short_name(series.index),
                    "year": cell.year,
                    "value": fig(value, cell.edition.decimals),
                    "basis_label": basis_label(score.basis if score else "", value),
                    "state": score_state(score.state if score else None, ranked=bool(cell.rank)),
                    **rank_cells(rank_row, coverage),
                    "group": localized_group(cell.group),
                    "group_basis_label": basis_label(cell.group_basis, cell.group or None),
                }
            )
    profile = page["profile"]
    # The indices' short names in the reader's language, as the page's chart labels them.
    names = {
        code: short_name_in_language(short, name_en)
        for code, (short, name_en) in profile.get("index_names", {}).items()
    }
    ranks = [
        {
            "index": names.get(code, code),
            "year": p["year"],
            **rank_cells(p, coverages[p["edition_id"]]),
            "value": fig(p["value"], p["decimals"]),
            "basis_label": basis_label(p["basis"], p["value"]),
        }
        for code, points in profile["series"].items()
        for p in points
        if p["edition_id"] in coverages
    ]
    extremes = [
        {
            "kind": kind,
            "index": s["index_name"],
            "year": s["year"],
            "component": localized_name(s["component"]),
            "value": fig(s["value"], s["decimals"]),
            "basis_label": basis_label(s["basis"], s["value"]),
            "rank": s["rank_label"],
            "rank_basis_label": basis_label(s["rank_basis"], s["rank_label"]),
        }
        for kind, items in (
            (_("Mạnh nhất"), profile["strengths"]),
            (_("Yếu nhất"), profile["weaknesses"]),
        )
        for s in items
    ]
    targets = [
        {
            "index": localized_short_name(t.index),
            "target": target_text(t),
            "measure": measure_label(t, t.index.publishes_ranks),
            "baseline_year": t.baseline_year,
            "target_year": t.target_year,
            "basis_label": basis_label("illustrative") if t.is_demo else "",
        }
        for t in page["targets"]
    ]
    source = sources_of(e for e in editions if e.status == IndexEdition.Status.PUBLISHED)
    name = unit.name
    index_col = ("index", _("Chỉ số"))
    value_cols = [("value", _("Điểm")), ("basis_label", _("Cơ sở của điểm"))]
    rank_cols = rank_columns()
    sheets = [
        SheetTable(
            name=_("Điểm theo chỉ số và năm"),
            title=_("%(unit)s: điểm số theo chỉ số và năm") % {"unit": name},
            source=source,
            columns=[
                index_col,
                ("year", _("Năm")),
                *value_cols,
                ("state", _("Trạng thái")),
                *rank_cols,
                ("group", _("Xếp loại")),
                ("group_basis_label", _("Cơ sở của xếp loại")),
            ],
            rows=scores,
        ),
        SheetTable(
            name=_("Thứ hạng qua các năm"),
            title=_("%(unit)s: thứ hạng và thứ tự qua các năm") % {"unit": name},
            source=source,
            columns=[index_col, ("year", _("Năm")), *rank_cols, *value_cols],
            rows=ranks,
        ),
        SheetTable(
            name=_("Điểm mạnh và điểm yếu"),
            title=_("%(unit)s: điểm mạnh và điểm yếu (kỳ gần nhất)") % {"unit": name},
            source=source,
            columns=[
                ("kind", _("Loại")),
                index_col,
                ("year", _("Năm")),
                ("component", _("Thành phần")),
                *value_cols,
                # The page's words, with what the rank is out of: "thứ tự 20/61 (tính theo điểm)".
                ("rank", _("Hạng / thứ tự")),
                ("rank_basis_label", _("Cơ sở của hạng")),
            ],
            rows=extremes,
        ),
        SheetTable(
            name=_("Mục tiêu"),
            title=_("%(unit)s: mục tiêu") % {"unit": name},
            source=_("Kế hoạch cải cách hành chính của tỉnh"),
            columns=[
                index_col,
                ("target", _("Mục tiêu")),
                ("measure", _("Đo bằng")),
                ("baseline_year", _("Năm cơ sở")),
                ("target_year", _("Năm đích")),
                ("basis_label", _("Cơ sở")),
            ],
            rows=targets,
        ),
    ]
    return PageWorkbook(
        title=_("Hồ sơ đơn vị: %(unit)s") % {"unit": name},
        filename=f"don-vi-{unit.code}-ca-trang",
        sheets=sheets,
    )
