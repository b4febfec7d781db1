"""What the whole-page workbooks share: the workbook's parts, each figure as a rounded number
with its basis in words, the sources of editions, and the targets' rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dashboards.downloads import SheetTable
from indices.figures import Coverage, basis_mark, figure, rank_text, rounded
from indices.labels import component_name, localized_group
from indices.models import Basis, IndexEdition, TargetResult


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


# Ranks: a number, with what it is out of and whether the publisher ranks at all -----------------

RANK_KIND = gettext_noop("Hạng")
ORDER_KIND = gettext_noop("Thứ tự (tính theo điểm; chỉ số này không xếp hạng chính thức)")


def rank_kind(publishes_ranks: bool) -> str:
    """ "Hạng" for an index whose publisher ranks, else the pages' words for a portal's order."""
    return _(RANK_KIND) if publishes_ranks else _(ORDER_KIND)


def out_of(row: dict[str, Any], coverage: Coverage) -> str:
    """What a rank is out of, as `indices.figures.rank_text` words it: "63 tỉnh", "30 tỉnh
    được công bố", "58 tỉnh có số liệu"; nothing beside a missing rank."""
    if row.get("display_rank") is None:
        if coverage.top_n and row.get("state") == "not_published":
            return _("ngoài top %(n)s") % {"n": coverage.top_n}
        return ""
    peers = int(row.get("peer_count") or 0)
    if coverage.top_n:
        n = coverage.top_n
        return _("%(n)s %(unit)s được công bố") % {"n": n, "unit": coverage.unit_word(n)}
    if row.get("rank_basis") == Basis.PUBLISHED:
        n = max(coverage.expected, peers)
        return f"{n} {coverage.unit_word(n)}"
    if not coverage.publishes_ranks or peers < coverage.expected:
        return _("%(n)s %(unit)s có số liệu") % {"n": peers, "unit": coverage.unit_word(peers)}
    return f"{peers} {coverage.unit_word(peers)}"


def rank_cells(row: dict[str, Any] | None, coverage: Coverage) -> dict[str, Any]:
    """A rank's cells in a sheet: the number, whether it is a rank or the portal's order, what
    it is out of, and its basis."""
    row = row or {}
    rank = row.get("display_rank")
    return {
        "rank": int(rank) if rank is not None else None,
        "rank_kind": rank_kind(coverage.publishes_ranks) if rank is not None else "",
        "out_of": out_of(row, coverage),
        "rank_basis_label": basis_label(row.get("rank_basis"), rank),
    }


def rank_columns(word: str | None = None) -> list[tuple[str, str]]:
    """The rank's columns; `word` names the number's column for one index ("Hạng", "Thứ tự"),
    else it is "Hạng / thứ tự" with the kind of each row beside it."""
    if word:
        number = [("rank", word)]
    else:
        number = [("rank", _("Hạng / thứ tự")), ("rank_kind", _("Hạng hay thứ tự"))]
    return [*number, ("out_of", _("Trên tổng số")), ("rank_basis_label", _("Cơ sở của hạng"))]


def score_state(state: str | None, *, ranked: bool = False) -> str:
    """Why a score is missing, as the pages say it; nothing beside a score (the page shows the
    score), "—" where the portal holds no score for the edition."""
    if state == "value":
        return ""
    if state == "not_published":
        return _("Không công bố điểm") if ranked else _("Không công bố")
    if state == "not_available":
        return _("Không có dữ liệu")
    return "—"


# Targets -----------------------------------------------------------------------------------------

MEASURES = {
    "score": gettext_noop("điểm"),
    "rank": gettext_noop("hạng"),
    "group": gettext_noop("nhóm"),
}

TARGET_COLUMNS = [
    ("target", gettext_noop("Mục tiêu")),
    ("target_year", gettext_noop("Năm đích")),
    ("measure", gettext_noop("Đo bằng")),
    ("baseline", gettext_noop("Mốc cơ sở")),
    ("baseline_year", gettext_noop("Năm cơ sở")),
    ("current", gettext_noop("Hiện tại")),
    ("status", gettext_noop("Tình trạng")),
    ("gap", gettext_noop("Còn cách")),
    ("margin", gettext_noop("Vượt mục tiêu")),
    ("basis_label", gettext_noop("Cơ sở")),
]


def measure_label(target: Any, publishes_ranks: bool = True) -> str:
    if target.kind == "rank" and not publishes_ranks:
        return _("thứ tự")
    return _(MEASURES.get(target.kind, MEASURES["score"]))


def target_text(target: Any, decimals: int = 2) -> str:
    """The target in words, marked as the pages mark an illustrative one."""
    text = target_label(target, decimals)
    return f"{text} ({_('mục tiêu minh họa')})" if target.is_demo else text


def _places(rank: float | None, coverage: Coverage) -> str | None:
    return None if rank is None else f"{int(rank)}/{coverage.expected}"


def target_rows(
    statuses: list[dict[str, Any]],
    decimals: int,
    *,
    coverage: Coverage,
    row: dict[str, Any] | None,
    **extra: Any,
) -> list[dict]:
    """The targets as the pages show them: a score target's scores at the edition's precision,
    a rank target's places out of the provinces ranked ("13/63", "27/30 tỉnh được công bố"), a
    group target's group (no score, no gap); once met, the margin in its own column and no
    "still to go". `row` is the unit's total in the edition (for its rank and group now)."""
    rows = []
    for t in statuses:
        target = t["target"]
        met = t["status"] == TargetResult.Status.ACHIEVED
        gap = t["gap"]
        total = row if row and not target.component_code else None
        if target.kind == "rank":
            baseline: Any = _places(t["baseline"], coverage)
            if total and total.get("display_rank") is not None:
                current: Any = rank_text(total, coverage, words=False)
            else:
                current = _places(t["current"], coverage)
            short: Any = int(abs(gap)) if gap is not None else None
        elif target.kind == "group":
            baseline = None
            current = localized_group(total["group"]) if total and total.get("group") else None
            gap = short = None
        else:
            baseline, current = fig(t["baseline"], decimals), fig(t["current"], decimals)
            short = fig(abs(gap), decimals) if gap is not None else None
        rows.append(
            {
                **extra,
                "target": target_text(target, decimals),
                "target_year": target.target_year,
                "measure": measure_label(target, coverage.publishes_ranks),
                "baseline": baseline,
                "baseline_year": t["baseline_year"] if baseline is not None else None,
                "current": current,
                "status": status_label(t["status"]),
                "gap": None if met else short,
                "margin": short if met else None,
                "basis_label": basis_label(t["basis"]),
            }
        )
    return rows


def columns(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers marked with `gettext_noop` where they are defined, translated when written."""
    return [(key, _(label)) for key, label in pairs]
