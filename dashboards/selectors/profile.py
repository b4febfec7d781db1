"""A unit's page: its directory facts and history (from `units`), its scores and targets (from
`indices`), and the dashboard profile: ranks over the years, strengths and weaknesses."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from dashboards import charts
from dashboards.selectors.common import cached, result_row
from indices.labels import short_name_in_language
from indices.models import Basis, Index, RankResult
from indices.selectors import UnitIndexSeries, unit_scores_by_index, unit_targets
from indices.selectors_analytics import current_editions, current_results, with_figures
from units.models import Unit
from units.selectors import predecessors_of, unit_history


def unit_page(*, unit: Unit) -> dict[str, Any]:
    """Everything the unit's page shows but the reader's own permissions."""
    score_series = unit_scores_by_index(unit=unit)
    ranks_published = {s.index.code: s.index.publishes_ranks for s in score_series}
    return {
        "unit": unit,
        "history": unit_history(unit=unit),
        "score_series": score_series,
        "targets": unit_targets(unit=unit),
        "predecessor_series": predecessor_results(unit=unit),
        **profile_context(unit=unit, ranks_published=ranks_published),
    }


def predecessor_results(*, unit: Unit) -> list[dict[str, Any]]:
    """A merged department's history: the internal-index results (PAR_DEPT, DDCI…) of every unit
    that went into it, each under its own name and dates. They stay the predecessors' results,
    shown beside the unit's own, never moved onto it."""
    if unit.kind not in (Unit.Kind.DEPARTMENT, Unit.Kind.CENTRAL_AGENCY):
        return []
    found = []
    for predecessor in predecessors_of(unit):
        series: list[UnitIndexSeries] = [
            item
            for item in unit_scores_by_index(unit=predecessor)
            if item.index.kind == Index.Kind.INTERNAL
        ]
        if series:
            found.append({"unit": predecessor, "series": series})
    return found


def profile_context(
    *, unit: Unit, ranks_published: dict[str, bool] | None = None
) -> dict[str, Any]:
    """The dashboard part of a unit's page (charts, strengths and weaknesses). An index that
    publishes no ranks (PAPI; `ranks_published` by index code, else read off the rows) is
    labelled as an order computed from scores."""
    profile = unit_profile(unit=unit)
    known = ranks_published or {}
    # Names in the page's language (the cached profile holds both, whatever the language).
    names = {
        code: short_name_in_language(short, name_en)
        for code, (short, name_en) in profile["index_names"].items()
    }
    labels = {
        code: names.get(code, code)
        if known.get(code, charts.publishes_ranks(points))
        else _("%(code)s: thứ tự tính theo điểm") % {"code": names.get(code, code)}
        for code, points in profile["series"].items()
    }
    chart = charts.multi_trend_figure(series=profile["series"], labels=labels, rank=True)

    def with_rank(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Real figures first: an illustrative component leads only when nothing real is left.
        # The sort is stable, so each part keeps its order by percentile.
        items = sorted(items, key=_illustrative_item)
        return [
            {
                **item,
                "rank_label": charts.rank_words(item),
                "index_name": names.get(item["index_code"], item["index_code"]),
            }
            for item in items
        ]

    profile = {
        **profile,
        "strengths": with_rank(profile["strengths"]),
        "weaknesses": with_rank(profile["weaknesses"]),
    }
    return {"profile": profile, "profile_json": chart if profile["series"] else ""}


def _illustrative_item(item: dict[str, Any]) -> bool:
    return Basis.ILLUSTRATIVE in (item.get("basis"), item.get("rank_basis"))


def unit_profile(*, unit: Unit) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = current_editions()
        by_pk = {e.pk: e for e in editions}
        rows = with_figures(
            current_results(RankResult.objects.filter(unit=unit), editions).select_related(
                "component"
            )
        )
        series: dict[str, list[dict[str, Any]]] = defaultdict(list)
        latest_year: dict[str, int] = {}
        for r in rows:
            if r.component_code == "":
                e = by_pk[r.edition_id]
                series[e.index_code].append(
                    {**result_row(r), "year": e.year, "break": e.breaks_comparability}
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
                    **result_row(r),
                    "index_code": e.index_code,
                    "year": e.year,
                    "component": r.component,
                }
                strengths.append(item)
        # Real figures first: a strength or weakness among illustrative values is shown only
        # where no real one is left.
        # The two lists never share a component: with fewer than ten, each takes at most half.
        shown = min(5, len(strengths) // 2)
        strengths.sort(key=lambda item: (item["basis"] == "illustrative", -item["percentile"]))
        strongest = strengths[:shown]
        weaknesses = sorted(
            (item for item in strengths if not any(item is s for s in strongest)),
            key=lambda item: (item["basis"] == "illustrative", item["percentile"]),
        )[:shown]
        for values in series.values():
            values.sort(key=lambda item: item["year"])
        return {
            "series": dict(series),
            "strengths": strongest,
            "weaknesses": weaknesses,
            "index_names": {e.index_code: (e.short_name, e.index_name_en) for e in editions},
        }

    return cached(f"profile:{unit.pk}", build)
