"""The home page: the home province's card on each national index, the components that cost it
most, the latest imports and rebuild, and overdue quarterly reports."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dashboards.selectors.common import NATIONAL, cached, result_row, target_statuses
from indices.models import AnalysisRun, ImportBatch, RankResult
from indices.selectors_analytics import current_editions, current_results
from reports.selectors import overdue_reports
from units.models import Unit


def home_page(*, unit: Unit) -> dict[str, Any]:
    """Everything the home page shows for the home province."""
    overview = home_overview(unit=unit)
    return {
        "unit": unit,
        "cards": overview["cards"],
        "costly": overview["costly"],
        "batches": ImportBatch.objects.select_related("edition__index")
        .filter(status=ImportBatch.Status.COMMITTED)
        .order_by("-committed_at")[:5],
        "last_run": AnalysisRun.objects.order_by("-created_at").first(),
        "overdue": overdue_reports(limit=8),
    }


def home_overview(*, unit: Unit) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        editions = current_editions(NATIONAL)
        by_pk = {e.pk: e for e in editions}
        totals = defaultdict(list)
        for r in current_results(RankResult.objects.filter(unit=unit, component_code=""), editions):
            totals[by_pk[r.edition_id].index_code].append((by_pk[r.edition_id], result_row(r)))
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
                **result_row(r),
                "index_code": by_pk[r.edition_id].index_code,
                "short_name": by_pk[r.edition_id].short_name,
                "year": by_pk[r.edition_id].year,
                "info": by_pk[r.edition_id],
                "component": r.component,
            }
            for r in current_results(
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
