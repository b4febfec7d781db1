"""Reads of the current analytics generation (what dashboards and exports see)."""

from __future__ import annotations

from typing import Any

from indices.models import EditionAnalysis, IndexEdition, RankResult


def current_run_id(*, edition: IndexEdition) -> int | None:
    return EditionAnalysis.objects.filter(edition=edition).values_list("run_id", flat=True).first()


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    return value


def analysis_rows(*, edition: IndexEdition, component_code: str = "") -> list[dict[str, Any]]:
    """Per unit: value, ranks, percentile, group, gaps, change and target, from the generation
    the edition currently points at (empty before the first rebuild)."""
    run_id = current_run_id(edition=edition)
    if run_id is None:
        return []
    results = (
        RankResult.objects.filter(edition=edition, run_id=run_id, component_code=component_code)
        .select_related("unit")
        .order_by("display_rank", "unit__code")
    )
    rows = []
    for r in results:
        rows.append(
            {
                "unit_code": r.unit.code,
                "unit_name": r.unit.name,
                "value": _clean(r.value),
                "rank": r.rank,
                "region_rank": r.region_rank,
                "percentile": None if r.percentile is None else round(r.percentile, 1),
                "group": r.group,
                "published_rank": r.published_rank,
                "display_rank": r.display_rank,
                "gap_to_leader": _clean(r.gap_to_leader),
                "gap_to_mean": _clean(r.gap_to_mean),
                "gap_to_median": _clean(r.gap_to_median),
                "gap_to_region_best": _clean(r.gap_to_region_best),
                "rank_change": r.rank_change,
                "score_change": _clean(r.score_change),
                "change_note": r.change_note,
                "target_kind": r.target_kind,
                "target_value": r.target_value,
                "target_gap": _clean(r.target_gap),
                "target_status": r.target_status,
                "points_needed": _clean(r.points_needed),
                "state": r.state,
                "rank_mismatch": r.rank_mismatch,
            }
        )
    rows.sort(
        key=lambda row: (row["display_rank"] is None, row["display_rank"] or 0, row["unit_code"])
    )
    return rows
