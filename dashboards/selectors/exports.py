"""The downloads beside the dashboard tables: the same rows as the page, each figure rounded at
the edition's precision with its basis in words beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dashboards.selectors.compare import compare_data
from dashboards.selectors.index import index_dashboard
from dashboards.selectors.internal import internal_league
from indices.figures import basis_mark, export_figures, rank_text, rounded
from indices.labels import localized_group, localized_name
from indices.models import Component, Index, IndexEdition
from units.models import Unit

LEAGUE_COLUMNS = [
    ("rank_text", gettext_noop("Hạng")),
    ("rank_basis_label", gettext_noop("Cơ sở của hạng")),
    ("unit_name", gettext_noop("Đơn vị")),
    ("region_name", gettext_noop("Vùng")),
    ("value", gettext_noop("Điểm")),
    ("basis_label", gettext_noop("Cơ sở của điểm")),
    ("state_label", gettext_noop("Trạng thái")),
    ("published_rank", gettext_noop("Hạng công bố")),
    ("rank", gettext_noop("Thứ tự tính theo điểm")),
    ("group", gettext_noop("Xếp loại")),
    ("group_basis_label", gettext_noop("Cơ sở của xếp loại")),
    ("gap_to_leader", gettext_noop("Cách dẫn đầu")),
    ("gap_basis_label", gettext_noop("Cơ sở của khoảng cách với dẫn đầu")),
    ("gap_to_mean", gettext_noop("Cách trung bình")),
    ("analysis_basis_label", gettext_noop("Cơ sở của trung bình và thứ tự tính lại")),
    ("score_change", gettext_noop("Thay đổi điểm")),
    ("rank_change", gettext_noop("Thay đổi hạng")),
    ("change_label", gettext_noop("Ghi chú thay đổi")),
]


@dataclass(frozen=True)
class Table:
    """A download: (key, header) columns, one dict per row, and the file's name."""

    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    filename: str


def league_table(
    *, index: Index, edition: IndexEdition, unit: Unit, region_code: str = ""
) -> Table:
    """The index page's league, as filtered by region."""
    data = index_dashboard(index=index, edition=edition, unit=unit, region_code=region_code)
    info = data["edition_info"]
    rows = [
        {
            **export_figures(row, info.decimals),
            "rank_text": rank_text(row, info.coverage, words=False),
            "unit_name": row["unit"].name,
            "region_name": localized_name(row["region"]) if row["region"] else "",
            "group": localized_group(row.get("group")),
        }
        for row in data["league"]
    ]
    return Table(
        columns=[(k, _(v)) for k, v in LEAGUE_COLUMNS],
        rows=rows,
        filename=f"{index.code}-{edition.year}-bang-xep-hang",
    )


def compare_table(*, index: Index, edition: IndexEdition, units: list[Unit]) -> Table:
    """The compare page's table: each unit's total and components."""
    data = compare_data(index=index, edition=edition, units=units)
    info = next(e for e in data["editions"] if e.pk == edition.pk)
    columns = [
        ("unit", _("Đơn vị")),
        ("value", _("Tổng")),
        ("basis_label", _("Cơ sở của điểm tổng")),
        ("state_label", _("Trạng thái")),
        ("rank_text", _rank_header(index)),
        ("rank_basis_label", _("Cơ sở của hạng")),
        *_component_columns(data["components"]),
    ]
    rows = []
    for entry in data["table"]:
        total = entry["values"].get("", {})
        rows.append(
            {
                **export_figures(total, total.get("decimals", info.decimals)),
                "unit": entry["unit"].name,
                "rank_text": rank_text(total, info.coverage, words=False) if total else "",
                **_component_cells(entry["values"], data["components"]),
            }
        )
    return Table(columns=columns, rows=rows, filename=f"so-sanh-{index.code}-{edition.year}")


def internal_table(*, index: Index, edition: IndexEdition) -> Table:
    """The internal league: each unit's total, group, change and components."""
    data = internal_league(edition=edition)
    info = data["edition_info"]
    columns = [
        ("rank_text", _rank_header(index)),
        ("rank_basis_label", _("Cơ sở của hạng")),
        ("unit", _("Đơn vị")),
        ("value", _("Điểm (%)")),
        ("basis_label", _("Cơ sở của điểm")),
        ("state_label", _("Trạng thái")),
        ("group", _("Xếp loại")),
        ("score_change", _("Thay đổi điểm")),
        ("rank_change", _("Thay đổi hạng")),
        ("change_label", _("Ghi chú thay đổi")),
        *_component_columns(data["components"]),
    ]
    rows = []
    for entry in data["league"]:
        total = entry["total"] or {}
        rows.append(
            {
                **export_figures(total, total.get("decimals", info.decimals)),
                "rank_text": rank_text(total, info.coverage, words=False) if total else "",
                "unit": entry["unit"].name,
                **_component_cells(entry["values"], data["components"]),
            }
        )
    return Table(columns=columns, rows=rows, filename=f"{index.code}-{edition.year}")


def _component_columns(components: list[Component]) -> list[tuple[str, str]]:
    """A value column and a basis column for each component."""
    columns: list[tuple[str, str]] = []
    for c in components:
        columns.append((c.code, f"{c.code}. {c.name}"))
        columns.append((f"{c.code}__basis_label", _("%(code)s: cơ sở") % {"code": c.code}))
    return columns


def _component_cells(values: dict[str, dict], components: list[Component]) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    for c in components:
        row = values.get(c.code) or {}
        cells[c.code] = rounded(row.get("value"), row.get("decimals", 2))
        cells[f"{c.code}__basis_label"] = (
            basis_mark(row.get("basis")).label if row.get("value") is not None else ""
        )
    return cells


def _rank_header(index: Index) -> str:
    return _("Hạng") if index.publishes_ranks else _("Thứ tự (tính theo điểm)")
