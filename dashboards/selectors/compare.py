"""Comparing provinces on one national index: the table of the chosen edition and their ranks or
scores over the years."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.http import Http404

from dashboards import charts
from dashboards.selectors.common import alphabetical, cached, result_row, years_with_data
from indices.models import Component, Index, IndexEdition, RankResult
from indices.selectors_analytics import current_editions, current_results, with_figures
from units.models import Unit
from units.selectors import home_unit

MAX_UNITS = 6


def compared_units(*, codes: list[str]) -> list[Unit]:
    """The provinces a reader picked, in their order (at most six, 404 for fewer than two),
    else the home province and its region's peers."""
    if not codes:
        home = home_unit()
        return default_peers(unit=home) if home else []
    units = list(Unit.objects.filter(code__in=codes[:MAX_UNITS], kind=Unit.Kind.PROVINCE))
    units.sort(key=lambda u: codes.index(u.code))
    if len(units) < 2:
        raise Http404
    return units


def compare_page(
    *, index: Index, edition: IndexEdition, units: list[Unit], by_rank: bool
) -> dict[str, Any]:
    """The page's data, its figure (by rank, else by score) and the pickers' choices."""
    data = compare_data(index=index, edition=edition, units=units)
    info = next(e for e in data["editions"] if e.pk == edition.pk)
    labels = {str(u.pk): u.display_name for u in units}
    codes = ",".join(sorted(str(u.pk) for u in units))
    trend = cached(
        f"compare-figure:{edition.pk}:{codes}:{by_rank}",
        lambda: charts.multi_trend_figure(
            # A rank line is cut where the field changes (63 provinces, then 34): the ranks on
            # either side are out of different numbers and are not joined.
            series={
                str(k): rank_cut(v, data["editions"]) if by_rank else v
                for k, v in data["series"].items()
            },
            labels=labels,
            rank=by_rank,
            coverages={e.pk: e.coverage for e in data["editions"]},
            ranks_published=index.publishes_ranks,
        ),
    )
    provinces = alphabetical(
        Unit.objects.valid_on(edition.reference_date).filter(kind=Unit.Kind.PROVINCE)
    )
    top_n_editions = [e for e in data["editions"] if e.coverage.top_n and e.run_id]
    return {
        "index": index,
        "edition": edition,
        "edition_info": info,
        "units": units,
        **data,
        "by_rank": by_rank,
        "trend_json": trend,
        "provinces": provinces,
        "selected_codes": [u.code for u in units],
        "top_n_editions": top_n_editions if by_rank else [],
        "indices": Index.objects.filter(kind=Index.Kind.NATIONAL),
        "years": years_with_data(index),
    }


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
        editions = current_editions([index.code])
        by_pk = {e.pk: e for e in editions}
        ids = [u.pk for u in units]
        rows = with_figures(
            current_results(RankResult.objects.filter(unit_id__in=ids), editions).filter(
                Q(edition=edition) | Q(component_code="")
            )
        )
        table: dict[int, dict[str, Any]] = {u.pk: {"unit": u, "values": {}} for u in units}
        series: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            if r.edition_id == edition.pk:
                table[r.unit_id]["values"][r.component_code] = result_row(r)
            if r.component_code == "":
                series[r.unit_id].append(
                    {
                        **result_row(r),
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


def rank_cut(points: list[dict[str, Any]], editions: list[Any]) -> list[dict[str, Any]]:
    """A rank line cut where the number of provinces ranked changes (63, then 34)."""
    field = {e.pk: e.coverage.expected for e in editions}
    out, before = [], None
    for p in points:
        now = field.get(p["edition_id"])
        out.append({**p, "break": p["break"] or (before is not None and now != before)})
        before = now
    return out
