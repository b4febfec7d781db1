"""Reads of the current analytics generation: the public API through which every layer above
`indices` (dashboards, reports, exports and commands) reads analytics results.

Each edition points at the run whose rows readers use; a rebuild writes a new generation and
switches the pointer in one transaction, so these reads never see a half-built state. The
generation number changes with every switch, so a cache key that carries it is invalidated when
new results land."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started
from django.db.models import Count, F, Model, Q, QuerySet
from django.dispatch import receiver

from indices.analytics.peers import with_figures
from indices.figures import Coverage
from indices.labels import localized_name
from indices.models import (
    LEVEL_UNIT_KINDS,
    AnalyticsGeneration,
    EditionAnalysis,
    IndexEdition,
    RankResult,
    Score,
    TargetResult,
)
from units.models import Unit

__all__ = ["with_figures"]  # result rows read with their figures across peers (`peers`)

M = TypeVar("M", bound=Model)


# Within one request the generation is read once: every part of a page then reads the same
# generation (a rebuild switching halfway through a page never mixes two), in one query.
_request_generation: ContextVar[list[int] | None] = ContextVar("request_generation", default=None)


@receiver(request_started, dispatch_uid="generation_per_request_start")
def _generation_memo_start(**kwargs: Any) -> None:
    _request_generation.set([])


@receiver(request_finished, dispatch_uid="generation_per_request_end")
def _generation_memo_end(**kwargs: Any) -> None:
    _request_generation.set(None)


def generation() -> int:
    """The number of the current analytics generation (0 before the first rebuild); read once
    per request."""
    memo = _request_generation.get()
    if memo:
        return memo[0]
    number = AnalyticsGeneration.objects.filter(pk=1).values_list("number", flat=True).first() or 0
    if memo is not None:
        memo.append(number)
    return number


@dataclass
class EditionInfo:
    """An edition as readers see it: the run whose rows are current and its coverage."""

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
    index_name_en: str = ""


def _expected_units(
    level: str,
    on_date: dt.date,
    covered: int,
    spans: list[tuple[dt.date | None, dt.date | None]],
) -> int:
    """How many units the publisher normally ranks: every province valid on the edition's
    reference date (63, then 34); for the province's own units, those it scored."""
    if level != "province":
        return covered
    return sum(
        1
        for start, end in spans
        if (start is None or start <= on_date) and (end is None or end >= on_date)
    )


def current_editions(index_codes: Iterable[str] | None = None) -> list[EditionInfo]:
    """Every edition (of the given indices, else of all) with the run readers should use and its
    coverage, in index order then year (three queries)."""
    editions = IndexEdition.objects.select_related("index", "analysis").order_by(
        "index__order", "year"
    )
    codes = list(index_codes or [])
    if codes:
        editions = editions.filter(index__code__in=codes)
    edition_list = list(editions)
    # Counted by the run that built the edition; counted here only for an edition not built yet.
    counted = {
        e.pk: e.analysis.covered
        for e in edition_list
        if getattr(e, "analysis", None) is not None and e.analysis.covered is not None
    }
    covered = counted | dict(
        Score.objects.filter(
            edition__in=[e for e in edition_list if e.pk not in counted], component__isnull=True
        )
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
    for e in edition_list:
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
                index_name_en=e.index.name_en,
                level=e.level,
            )
        )
    return result


def current_results(results: QuerySet[M], editions: Iterable[EditionInfo]) -> QuerySet[M]:
    """The rows of `results` (RankResult or TargetResult) in the generation each edition points
    at. A run that rebuilt many editions owns rows for each of them, so filter on both the runs
    and the editions."""
    current = [e for e in editions if e.run_id]
    return results.filter(
        run_id__in={e.run_id for e in current}, edition_id__in=[e.pk for e in current]
    )


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
    results = with_figures(
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


@dataclass
class AwaitingEdition:
    pk: int
    index_code: str
    short_name: str
    year: int


def editions_awaiting_rebuild() -> list[AwaitingEdition]:
    """Editions whose served results are older than their data (an import or a target change
    not yet rebuilt: queued, running, or waiting for the queue to come back), in one query."""
    stale = Q(analysis__isnull=False, analysis__built_version__lt=F("data_version")) | Q(
        analysis__isnull=True, data_version__gt=0
    )
    editions = (
        IndexEdition.objects.filter(stale, status=IndexEdition.Status.PUBLISHED)
        .order_by("index__order", "year")
        .values_list("pk", "index__code", "index__short_name", "year")
    )
    return [AwaitingEdition(*row) for row in editions]
