"""What the whole-page workbooks share: the workbook's parts, each figure as a rounded number
with its basis in words, the sources of editions, and the targets' rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from dashboards.downloads import SheetTable
from indices.figures import basis_mark, figure, rounded
from indices.labels import component_name, localized_group
from indices.models import IndexEdition, TargetResult


@dataclass(frozen=True)
class PageWorkbook:
    title: str
    filename: str
    sheets: list[SheetTable]


def basis_label(basis: str | None, value: Any = True) -> str:
    """The basis in words, or nothing beside a missing figure."""
    return basis_mark(basis).label if basis and value is not None else ""


def edition_source(edition: IndexEdition) -> str:
    """Who published an edition's figures and where: "Bộ Nội vụ · Bộ Nội vụ, báo cáo Chỉ số
    CCHC hằng năm (PAR INDEX 2023)"."""
    parts = [p for p in (edition.index.publisher, edition.source) if p]
    return f"{' · '.join(parts)} ({edition.index.short_name} {edition.year})"


def sources_of(editions: Iterable[IndexEdition]) -> str:
    """The sources of several editions, one entry per publisher and source with their years:
    "Bộ Nội vụ · … (PAR INDEX 2016, 2017, 2018); CECODES, … (PAPI 2024)"."""
    years: dict[tuple[str, str], list[str]] = {}
    for e in editions:
        parts = [p for p in (e.index.publisher, e.source) if p]
        years.setdefault((" · ".join(parts), e.index.short_name), []).append(str(e.year))
    entries = [f"{who} ({name} {', '.join(ys)})" for (who, name), ys in years.items()]
    return "; ".join(entries) or _("Chưa có số liệu")


def fig(value: Any, decimals: int) -> Decimal | None:
    return rounded(value, decimals)


def target_label(target: Any, decimals: int = 2) -> str:
    """A target in words, as the pages word it ("điểm từ 45,00 trở lên")."""
    if target.kind == "score":
        goal = _("điểm từ %(v)s trở lên") % {"v": figure(target.target_value, decimals)}
    elif target.kind == "rank":
        goal = _("vào top %(r)s") % {"r": target.target_rank}
    else:
        goal = _("nhóm %(g)s trở lên") % {"g": localized_group(target.target_group)}
    if target.component_code:
        return f"{component_name(target.index_id, target.component_code)}: {goal}"
    return goal


def status_label(status: str | None) -> str:
    if status in TargetResult.Status.values:
        return str(TargetResult.Status(status).label)
    return ""


TARGET_COLUMNS = [
    ("target", "Mục tiêu"),
    ("target_year", "Năm đích"),
    ("baseline", "Mốc cơ sở"),
    ("baseline_year", "Năm cơ sở"),
    ("current", "Hiện tại"),
    ("status", "Tình trạng"),
    ("gap", "Còn cách"),
    ("basis_label", "Cơ sở"),
]


def target_rows(statuses: list[dict[str, Any]], decimals: int, **extra: Any) -> list[dict]:
    rows = []
    for t in statuses:
        target = t["target"]
        places = 0 if target.kind != "score" else decimals
        rows.append(
            {
                **extra,
                "target": target_label(target, decimals),
                "target_year": target.target_year,
                "baseline": fig(t["baseline"], places),
                "baseline_year": t["baseline_year"],
                "current": fig(t["current"], places),
                "status": status_label(t["status"]),
                "gap": fig(abs(t["gap"]) if t["gap"] is not None else None, places),
                "basis_label": basis_label(t["basis"]),
            }
        )
    return rows


def columns(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(key, _(label)) for key, label in pairs]
