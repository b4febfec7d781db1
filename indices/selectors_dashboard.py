"""Reads for the officials' dashboards. Every page reads only analytics results (the generation
each edition points at) and caches what it builds under the current generation, so a new import
shows up right after its rebuild and never before."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import get_language

from indices.aggregation import effective_weights
from indices.figures import Coverage
from indices.labels import localized_name
from indices.models import (
    LEVEL_UNIT_KINDS,
    AnalyticsGeneration,
    Component,
    Index,
    IndexEdition,
    RankResult,
    Score,
    Target,
    TargetResult,
    basis_combine,
)
from units.models import Region, Unit

T = TypeVar("T")
NATIONAL = ["PAR", "PAPI", "PCI", "ICT", "DTI"]
CACHE_SECONDS = 6 * 3600


def generation() -> int:
    return AnalyticsGeneration.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def cached(key: str, build: Callable[[], T]) -> T:
    """Cache under the current analytics generation (and language, for labels)."""
    full_key = f"dash:g{generation()}:{get_language()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, CACHE_SECONDS)
    return value


@dataclass
class EditionInfo:
    pk: int
    index_code: str
    year: int
    run_id: int | None
    breaks_comparability: bool
    break_note: str
    total_max: float
    total_min: float
    status: str
    published_top_n: int | None
    decimals: int
    coverage: Coverage
    index_name: str
    short_name: str
    level: str


def _expected_units(level: str, on_date: Any, covered: int, spans: list[tuple]) -> int:
    """How many units the publisher normally ranks: every province valid on the edition's
    reference date (63, then 34); for the province's own units, those it scored."""
    if level != "province":
        return covered
    return sum(
        1
        for start, end in spans
        if (start is None or start <= on_date) and (end is None or end >= on_date)
    )


def _editions(index_codes: list[str] | None = None) -> list[EditionInfo]:
    """Every edition with the run readers should use and its coverage (two queries, plus one
    per distinct reference date)."""
    editions = IndexEdition.objects.select_related("index", "analysis").order_by(
        "index__order", "year"
    )
    if index_codes:
        editions = editions.filter(index__code__in=index_codes)
    editions = list(editions)
    covered = dict(
        Score.objects.filter(edition__in=editions, component__isnull=True)
        .values("edition_id")
        .annotate(n=Count("unit_id", distinct=True))
        .values_list("edition_id", "n")
    )
    spans = list(
        Unit.objects.filter(kind__in=LEVEL_UNIT_KINDS["province"]).values_list(
            "valid_from", "valid_to"
        )
    )
    result = []
    for e in editions:
        analysis = getattr(e, "analysis", None)
        n = covered.get(e.pk, 0)
        result.append(
            EditionInfo(
                pk=e.pk,
                index_code=e.index.code,
                year=e.year,
                run_id=analysis.run_id if analysis else None,
                breaks_comparability=e.breaks_comparability,
                break_note=e.break_note,
                total_max=float(e.total_max),
                total_min=float(e.total_min),
                status=e.status,
                published_top_n=e.published_top_n,
                decimals=e.decimals,
                coverage=Coverage(
                    level=e.level,
                    expected=_expected_units(e.level, e.reference_date, n, spans),
                    covered=n,
                    top_n=e.published_top_n,
                    publishes_ranks=e.index.publishes_ranks,
                ),
                index_name=localized_name(e.index),
                short_name=e.index.short_name,
                level=e.level,
            )
        )
    return result


def target_statuses(*, unit: Unit, editions: list[EditionInfo]) -> dict[int, list[dict]]:
    """Per edition, the status of each of the unit's targets, from the current generation."""
    current = [e for e in editions if e.run_id]
    rows = (
        TargetResult.objects.filter(
            target__unit=unit,
            run_id__in={e.run_id for e in current},
            edition_id__in=[e.pk for e in current],
        )
        .select_related("target")
        .order_by("target__component_code", "target__kind")
    )
    runs = {e.pk: e.run_id for e in current}
    by_edition: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        if runs.get(r.edition_id) != r.run_id:
            continue
        by_edition[r.edition_id].append(
            {
                "target": r.target,
                "status": r.status,
                "met": r.status == TargetResult.Status.ACHIEVED,
                "gap": r.gap,
                "current": r.current,
                "baseline": r.baseline,
                "baseline_year": r.baseline_year,
                "rebaselined": r.rebaselined,
                "points_needed": r.points_needed,
                "basis": r.basis,
            }
        )
    return dict(by_edition)


def _current(results, editions: list[EditionInfo]):
    """Rows of the generation each edition points at. A run that rebuilt many editions owns
    rows for each of them, so filter on both the runs and the editions."""
    current = [e for e in editions if e.run_id]
    return results.filter(
        run_id__in={e.run_id for e in current}, edition_id__in=[e.pk for e in current]
    )


def _row(r: RankResult) -> dict[str, Any]:
    return {
        "edition_id": r.edition_id,
        "unit_id": r.unit_id,
        "component_code": r.component_code,
        "state": r.state,
        "value": r.value,
        "decimals": r.decimals,
        "rank": r.rank,
        "display_rank": r.display_rank,
        "published_rank": r.published_rank,
        "peer_count": r.peer_count,
        "region_rank": r.region_rank,
        "region_count": r.region_count,
        "percentile": r.percentile,
        "group": r.group or r.published_group,
        "group_basis": r.group_basis,
        "rank_mismatch": r.rank_mismatch,
        "leader_value": r.leader_value,
        "mean_value": r.mean_value,
        "median_value": r.median_value,
        "gap_to_leader": r.gap_to_leader,
        "gap_to_mean": r.gap_to_mean,
        "gap_to_median": r.gap_to_median,
        "gap_to_region_best": r.gap_to_region_best,
        "score_change": r.score_change,
        "rank_change": r.rank_change,
        "change_note": r.change_note,
        "basis": r.basis,
        "change_basis": "internal" if r.basis == "internal" else "derived",
        "rank_basis": r.rank_basis,
        "analysis_basis": r.analysis_basis,
        "leader_basis": r.leader_basis,
        "region_best_basis": r.region_best_basis,
        # A gap is as good as the two values it compares.
        "gap_basis": basis_combine(r.basis, r.leader_basis) if r.leader_basis else "",
        "region_gap_basis": (
            basis_combine(r.basis, r.region_best_basis) if r.region_best_basis else ""
        ),
        "region_best": r.region_best,
        "cost": r.cost,
        "cost_region": r.cost_region,
        "cost_share": r.cost_share,
        "rank_if_median": r.rank_if_median,
        "rank_if_leader": r.rank_if_leader,
        "priority": r.priority,
    }


# Home --------------------------------------------------------------------------------------------


def home_overview(*, unit: Unit) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = _editions(NATIONAL)
        by_pk = {e.pk: e for e in editions}
        totals = defaultdict(list)
        for r in _current(RankResult.objects.filter(unit=unit, component_code=""), editions):
            totals[by_pk[r.edition_id].index_code].append((by_pk[r.edition_id], _row(r)))
        statuses = target_statuses(unit=unit, editions=editions)
        cards = []
        latest_editions: dict[str, int] = {}
        for code in NATIONAL:
            infos = [e for e in editions if e.index_code == code]
            if not infos:
                continue
            series = sorted(totals.get(code, []), key=lambda item: item[0].year)
            latest = series[-1] if series else None
            with_value = [item for item in series if item[1]["state"] == "value"]
            card: dict[str, Any] = {
                "name": infos[0].index_name,
                "short_name": infos[0].short_name,
                "code": code,
                "info": latest[0] if latest else None,
                "latest": latest[1] if latest else None,
                "year": latest[0].year if latest else None,
                "last_value": None,
                "targets": statuses.get(latest[0].pk, []) if latest else [],
                "trend": [
                    {"year": e.year, "value": row["value"], "basis": row["basis"]}
                    for e, row in with_value
                ],
            }
            if latest:
                latest_editions[code] = latest[0].pk
            if with_value and (not latest or latest[1]["state"] != "value"):
                card["last_value_info"], card["last_value"] = with_value[-1]
            # When the latest figure is illustrative, the latest real one is what can be quoted.
            real = [
                item
                for item in series
                if item[1]["basis"] != "illustrative"
                and (item[1]["state"] == "value" or item[1]["rank_basis"] == "published")
            ]
            if latest and latest[1]["basis"] == "illustrative" and real:
                card["last_real_info"], card["last_real"] = real[-1]
            cards.append(card)
        costly = [
            {
                **_row(r),
                "index_code": by_pk[r.edition_id].index_code,
                "short_name": by_pk[r.edition_id].short_name,
                "year": by_pk[r.edition_id].year,
                "info": by_pk[r.edition_id],
                "component": r.component,
            }
            for r in _current(
                RankResult.objects.filter(
                    unit=unit, edition_id__in=list(latest_editions.values()), cost_share__gt=0
                ),
                editions,
            )
            .exclude(component_code="")
            .select_related("component")
            .order_by("-cost_share")[:60]
        ]
        # Real figures first: a priority computed from illustrative values is shown only where
        # no real one is left to show.
        costly.sort(key=lambda row: (row["analysis_basis"] == "illustrative", -row["cost_share"]))
        return {"cards": cards, "costly": costly[:3]}

    return cached(f"home:{unit.pk}", build)


# Index page --------------------------------------------------------------------------------------


def index_dashboard(
    *, index: Index, edition: IndexEdition, unit: Unit, region_code: str = ""
) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = _editions([index.code])
        info = next(e for e in editions if e.pk == edition.pk)
        results = list(
            _current(
                RankResult.objects.filter(Q(edition=edition) | Q(unit=unit, component_code="")),
                editions,
            ).select_related("unit", "unit__region")
        )
        by_year = {e.pk: e.year for e in editions}
        league = []
        components: dict[str, dict[str, Any]] = {}
        series = []
        for r in results:
            if r.edition_id == edition.pk and r.component_code == "":
                league.append({**_row(r), "unit": r.unit, "region": r.unit.region})
            if r.edition_id == edition.pk and r.unit_id == unit.pk and r.component_code:
                components[r.component_code] = _row(r)
            if r.unit_id == unit.pk and r.component_code == "":
                series.append({**_row(r), "year": by_year[r.edition_id]})
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
        component_rows = []
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


# Unit profile ------------------------------------------------------------------------------------


def unit_profile(*, unit: Unit) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = _editions()
        by_pk = {e.pk: e for e in editions}
        rows = list(
            _current(RankResult.objects.filter(unit=unit), editions).select_related("component")
        )
        series: dict[str, list[dict[str, Any]]] = defaultdict(list)
        latest_year: dict[str, int] = {}
        for r in rows:
            if r.component_code == "":
                e = by_pk[r.edition_id]
                series[e.index_code].append(
                    {**_row(r), "year": e.year, "break": e.breaks_comparability}
                )
                if r.state == "value":
                    latest_year[e.index_code] = max(latest_year.get(e.index_code, 0), e.year)
        strengths, weaknesses = [], []
        for r in rows:
            e = by_pk[r.edition_id]
            if (
                r.component_code
                and latest_year.get(e.index_code) == e.year
                and r.percentile is not None
            ):
                item = {
                    **_row(r),
                    "index_code": e.index_code,
                    "year": e.year,
                    "component": r.component,
                }
                strengths.append(item)
        # Real figures first: a strength or weakness among illustrative values is shown only
        # where no real one is left.
        strengths.sort(key=lambda item: (item["basis"] == "illustrative", -item["percentile"]))
        weaknesses = sorted(
            strengths, key=lambda item: (item["basis"] == "illustrative", item["percentile"])
        )[:5]
        for values in series.values():
            values.sort(key=lambda item: item["year"])
        return {"series": dict(series), "strengths": strengths[:5], "weaknesses": weaknesses}

    return cached(f"profile:{unit.pk}", build)


# Compare -----------------------------------------------------------------------------------------


def default_peers(*, unit: Unit, limit: int = 6) -> list[Unit]:
    peers = [unit]
    if unit.region_id:
        peers += list(
            Unit.objects.filter(region_id=unit.region_id, kind=unit.kind, valid_to=unit.valid_to)
            .exclude(pk=unit.pk)
            .order_by("code")[: limit - 1]
        )
    return peers


def compare_data(*, index: Index, edition: IndexEdition, units: list[Unit]) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = _editions([index.code])
        by_pk = {e.pk: e for e in editions}
        ids = [u.pk for u in units]
        rows = list(
            _current(RankResult.objects.filter(unit_id__in=ids), editions).filter(
                Q(edition=edition) | Q(component_code="")
            )
        )
        table: dict[int, dict[str, Any]] = {u.pk: {"unit": u, "values": {}} for u in units}
        series: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            if r.edition_id == edition.pk:
                table[r.unit_id]["values"][r.component_code] = _row(r)
            if r.component_code == "":
                series[r.unit_id].append(
                    {
                        **_row(r),
                        "year": by_pk[r.edition_id].year,
                        "break": by_pk[r.edition_id].breaks_comparability,
                    }
                )
        for values in series.values():
            values.sort(key=lambda item: item["year"])
        comps = list(
            Component.objects.filter(edition=edition, parent__isnull=True).order_by("order")
        )
        return {
            "table": [table[u.pk] for u in units],
            "series": dict(series),
            "components": comps,
            "editions": editions,
        }

    key = ",".join(str(u.pk) for u in units)
    return cached(f"compare:{edition.pk}:{key}", build)


# Internal league ---------------------------------------------------------------------------------


def internal_league(*, edition: IndexEdition) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = _editions([edition.index.code])
        rows = list(
            _current(RankResult.objects.filter(edition=edition), editions).select_related("unit")
        )
        comps = list(
            Component.objects.filter(edition=edition, parent__isnull=True).order_by("order")
        )
        by_unit: dict[int, dict[str, Any]] = {}
        for r in rows:
            entry = by_unit.setdefault(r.unit_id, {"unit": r.unit, "total": None, "values": {}})
            if r.component_code == "":
                entry["total"] = _row(r)
            else:
                entry["values"][r.component_code] = _row(r)
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


# Map ---------------------------------------------------------------------------------------------


def map_tiles(*, edition: IndexEdition) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = _editions([edition.index.code])
        rows = {
            r.unit_id: _row(r)
            for r in _current(
                RankResult.objects.filter(edition=edition, component_code=""), editions
            )
        }
        regions = []
        provinces = (
            Unit.objects.valid_on(edition.reference_date).filter(kind="province").order_by("name")
        )
        by_region: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
        for unit in provinces:
            by_region[unit.region_id].append({"unit": unit, "row": rows.get(unit.pk)})
        for region in Region.objects.order_by("order"):
            regions.append({"region": region, "tiles": by_region.get(region.pk, [])})
        info = next(e for e in editions if e.pk == edition.pk)
        return {"regions": regions, "edition_info": info}

    return cached(f"map:{edition.pk}", build)
