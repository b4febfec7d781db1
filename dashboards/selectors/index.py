"""An index's page for the home province: its score and rank, gaps, targets, trend, components
beside the leader and the mean, priorities, the what-if calculator's data and the league."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from dashboards import charts
from dashboards.selectors.common import cached, result_row, target_statuses
from dashboards.selectors.home import places
from indices.aggregation import effective_weights
from indices.figures import basis_mark, rounded
from indices.labels import localized_name
from indices.models import (
    Basis,
    Component,
    Index,
    IndexEdition,
    RankResult,
    Target,
    basis_combine,
)
from indices.selectors_analytics import current_editions, current_results, generation, with_figures
from units.models import Unit


def index_page(
    *, index: Index, edition: IndexEdition, unit: Unit, region_code: str = ""
) -> dict[str, Any]:
    """The page's data with its two figures and the what-if calculator's data."""
    data = index_dashboard(index=index, edition=edition, unit=unit, region_code=region_code)
    breaks = {e.year for e in data["editions"] if e.breaks_comparability}

    def figures() -> tuple[dict[str, Any], dict[str, Any]]:
        trend = charts.trend_figure(
            series=data["series"],
            breaks=breaks,
            target=data["target"],
            milestones=data["milestones"],
            value_label=_("Điểm"),
            decimals=edition.decimals,
            coverages={e.pk: e.coverage for e in data["editions"]},
            ranks_published=index.publishes_ranks,
        )
        components = charts.components_figure(
            rows=data["component_rows"],
            unit_label=unit.display_name,
            coverage=data["edition_info"].coverage,
        )
        return trend, components

    # Built (and validated by plotly) once per generation, not on every request; the region
    # filters only the league, so the figures are one per edition and unit.
    trend, components = cached(f"index-figures:{edition.pk}:{unit.pk}", figures)
    # A rank target's baseline with what it is out of ("hạng 13/63"), as on the home card.
    series = [(e, None) for e in data["editions"]]
    targets = [
        {**t, "baseline_rank": places(t["baseline"], t["baseline_year"], series)}
        if t["target"].kind == "rank" and series
        else t
        for t in data["targets"]
    ]
    return {
        "index": index,
        "edition": edition,
        "unit": unit,
        **data,
        "targets": targets,
        "has_component_values": any(
            (c.get("row") or {}).get("value") is not None for c in data["component_rows"]
        ),
        "region": region_code,
        "trend_json": trend,
        "components_json": components,
        "whatif_json": whatif_data(data=data, edition=edition, unit=unit) or "",
        "year_editions": [e for e in data["editions"] if e.status == "published" and e.run_id],
        "decimals": edition.decimals,
        "breaks": breaks,
        # Fragments of the page that depend only on the analysis are cached under it.
        "generation": generation(),
    }


def whatif_data(
    *, data: dict[str, Any], edition: IndexEdition, unit: Unit
) -> dict[str, Any] | None:
    """What the page's what-if calculator needs: the unit's total, the other units' totals, and
    each weighted component's value and scale. None when the unit has no total this edition."""
    home_row = data["home_row"]
    if not home_row or home_row["value"] is None:
        return None
    totals = [
        row["value"]
        for row in data["league"]
        if row["value"] is not None and row["unit_id"] != unit.pk
    ]
    return {
        "total": home_row["value"],
        "others": totals,
        "basis_label": basis_mark(basis_combine(home_row["analysis_basis"], Basis.DERIVED)).label,
        "components": [
            {
                "code": c["component"].code,
                "name": f"{c['component'].code}. {localized_name(c['component'])}",
                "value": float(rounded(c["row"]["value"], edition.decimals) or 0),
                "weight": c["weight"],
                "min": 0.0
                if c["component"].max_points is not None
                else float(edition.component_min or 0),
                "max": float(
                    c["component"].max_points or edition.component_max or edition.total_max
                ),
            }
            for c in data["component_rows"]
            if c["row"] and c["row"]["value"] is not None and c["weight"]
        ],
    }


def index_dashboard(
    *, index: Index, edition: IndexEdition, unit: Unit, region_code: str = ""
) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = current_editions([index.code])
        info = next(e for e in editions if e.pk == edition.pk)
        results = with_figures(
            current_results(
                RankResult.objects.filter(Q(edition=edition) | Q(unit=unit, component_code="")),
                editions,
            ).select_related("unit", "unit__region"),
            priorities=True,
        )
        by_year = {e.pk: e.year for e in editions}
        league = []
        components: dict[str, dict[str, Any]] = {}
        series = []
        for r in results:
            if r.edition_id == edition.pk and r.component_code == "":
                league.append({**result_row(r), "unit": r.unit, "region": r.unit.region})
            if r.edition_id == edition.pk and r.unit_id == unit.pk and r.component_code:
                components[r.component_code] = result_row(r)
            if r.unit_id == unit.pk and r.component_code == "":
                series.append({**result_row(r), "year": by_year[r.edition_id]})
        league.sort(
            key=lambda row: (
                row["display_rank"] is None,
                row["display_rank"] or 0,
                row["unit"].name,
            )
        )
        home_row = next((row for row in league if row["unit_id"] == unit.pk), None)
        comps = list(
            Component.objects.filter(edition=edition, parent__isnull=True).order_by("order")
        )
        target = (
            Target.objects.filter(unit=unit, index=index, component_code="")
            .prefetch_related("milestones")
            .order_by("kind")
            .first()
        )
        targets = target_statuses(unit=unit, editions=[info]).get(info.pk, [])
        component_targets = {
            t.component_code: t
            for t in Target.objects.filter(unit=unit, index=index).exclude(component_code="")
        }
        weights = effective_weights(edition, comps)
        component_rows: list[dict[str, Any]] = []
        for c in comps:
            row = components.get(c.code)
            component_rows.append(
                {
                    "component": c,
                    "row": row,
                    "weight": weights.get(c.code),
                    "target": component_targets.get(c.code),
                }
            )
        priorities = sorted(
            (c for c in component_rows if c["row"] and c["row"]["priority"]),
            key=lambda c: c["row"]["priority"],
        )
        regions = sorted({row["region"] for row in league if row["region"]}, key=lambda r: r.order)
        return {
            "edition_info": info,
            "editions": editions,
            "league": league,
            "home_row": home_row,
            "component_rows": component_rows,
            "priorities": priorities,
            "series": sorted(series, key=lambda s: s["year"]),
            "target": target,
            "targets": targets,
            "milestones": list(target.milestones.all()) if target else [],
            "regions": regions,
            "weights": weights,
        }

    data = cached(f"index:{index.code}:{edition.pk}:{unit.pk}", build)
    if region_code:
        data = {
            **data,
            "league": [
                row for row in data["league"] if row["region"] and row["region"].code == region_code
            ],
        }
    return data
