"""Reads of the current analytics generation (what dashboards and exports see)."""

from __future__ import annotations

from typing import Any

from indices.models import EditionAnalysis, IndexEdition, RankResult, TargetResult


def current_run_id(*, edition: IndexEdition) -> int | None:
    return EditionAnalysis.objects.filter(edition=edition).values_list("run_id", flat=True).first()


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    return value


def analysis_rows(*, edition: IndexEdition, component_code: str = "") -> list[dict[str, Any]]:
    """Per unit: value, ranks, percentile, group, gaps and change, with the basis of the value,
    of the rank shown and of everything computed across peers, from the generation the edition
    currently points at (empty before the first rebuild). Figures are unrounded: callers round
    them at `decimals` (the publisher's precision) for display."""
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
                "state": r.state,
                "value": _clean(r.value),
                "decimals": r.decimals,
                "basis": r.basis if r.value is not None else "",
                "rank": r.rank,
                "display_rank": r.display_rank,
                "published_rank": r.published_rank,
                "rank_basis": r.rank_basis,
                "peer_count": r.peer_count,
                "region_rank": r.region_rank,
                "percentile": r.percentile,
                "group": r.group,
                "leader_value": _clean(r.leader_value),
                "mean_value": _clean(r.mean_value),
                "median_value": _clean(r.median_value),
                "gap_to_leader": _clean(r.gap_to_leader),
                "gap_to_mean": _clean(r.gap_to_mean),
                "gap_to_median": _clean(r.gap_to_median),
                "gap_to_region_best": _clean(r.gap_to_region_best),
                "analysis_basis": r.analysis_basis,
                "rank_change": r.rank_change,
                "score_change": _clean(r.score_change),
                "change_note": r.change_note,
                "rank_mismatch": r.rank_mismatch,
            }
        )
    rows.sort(
        key=lambda row: (row["display_rank"] is None, row["display_rank"] or 0, row["unit_code"])
    )
    return rows


def target_rows(*, edition: IndexEdition) -> list[dict[str, Any]]:
    """Per target of the edition's index: its status in this edition, from the current
    generation (empty before the first rebuild)."""
    run_id = current_run_id(edition=edition)
    if run_id is None:
        return []
    results = (
        TargetResult.objects.filter(edition=edition, run_id=run_id)
        .select_related("target", "target__unit")
        .order_by("target__unit__code", "target__component_code", "target__kind")
    )
    return [
        {
            "unit_code": r.target.unit.code,
            "unit_name": r.target.unit.name,
            "component": r.target.component_code or "total",
            "kind": r.target.kind,
            "target_value": r.target.target_value,
            "target_rank": r.target.target_rank,
            "target_year": r.target.target_year,
            "status": r.status,
            "gap": r.gap,
            "current": r.current,
            "baseline_year": r.baseline_year,
            "baseline": r.baseline,
            "rebaselined": r.rebaselined,
            "points_needed": r.points_needed,
            "basis": r.basis,
        }
        for r in results
    ]
