"""The internal league: the province's own departments or districts on an internal index, with
the gap of each component to the best unit."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dashboards import charts
from dashboards.selectors.common import basis_counts, cached, result_row, years_with_data
from indices.labels import localized_name
from indices.models import Component, Index, IndexEdition, RankResult
from indices.selectors_analytics import current_editions, current_results, generation, with_figures


def internal_indices() -> QuerySet[Index]:
    """The internal indices that have editions."""
    return Index.objects.filter(kind=Index.Kind.INTERNAL, editions__isnull=False).distinct()


def internal_page(*, index: Index, edition: IndexEdition) -> dict[str, Any]:
    """The league, its heat map of gaps to the best unit, and the pickers' choices."""
    data = internal_league(edition=edition)
    heat = cached(
        f"internal-heat:{edition.pk}",
        lambda: charts.heatmap_figure(
            units=[e["unit"].display_name for e in data["league"]],
            components=[f"{c.code}. {localized_name(c)}" for c in data["components"]],
            heat=data["heat"],
            rows=[[e["values"].get(c.code) for c in data["components"]] for e in data["league"]],
        ),
    )
    return {
        "index": index,
        "edition": edition,
        **data,
        "bases": basis_counts([e["total"] for e in data["league"]], "basis"),
        "heat_json": heat,
        "indices": internal_indices(),
        "years": years_with_data(index),
        "generation": generation(),
    }


def internal_league(*, edition: IndexEdition) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = current_editions([edition.index.code])
        rows = with_figures(
            current_results(RankResult.objects.filter(edition=edition), editions).select_related(
                "unit"
            )
        )
        comps = list(
            Component.objects.filter(edition=edition, parent__isnull=True).order_by("order")
        )
        by_unit: dict[int, dict[str, Any]] = {}
        for r in rows:
            entry = by_unit.setdefault(r.unit_id, {"unit": r.unit, "total": None, "values": {}})
            if r.component_code == "":
                entry["total"] = result_row(r)
            else:
                entry["values"][r.component_code] = result_row(r)
        league = sorted(
            by_unit.values(),
            key=lambda e: (
                e["total"] is None or e["total"]["display_rank"] is None,
                (e["total"] or {}).get("display_rank") or 0,
                e["unit"].name,
            ),
        )
        maxima = {c.code: float(c.max_points) if c.max_points is not None else None for c in comps}
        heat = []
        for entry in league:
            cells = []
            for c in comps:
                row = entry["values"].get(c.code)
                if row and row["value"] is not None and row["leader_value"] is not None:
                    scale = maxima.get(c.code) or row["leader_value"] or 1
                    cells.append((row["value"] - row["leader_value"]) / scale * 100)
                else:
                    cells.append(None)
            heat.append(cells)
        info = next(e for e in editions if e.pk == edition.pk)
        return {"league": league, "components": comps, "heat": heat, "edition_info": info}

    return cached(f"internal:{edition.pk}", build)
