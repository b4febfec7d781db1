"""What every dashboard read shares: the cache keyed by the analytics generation, the row a page
shows for a result, target statuses, and the edition and choices a reader picks from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language

from indices.figures import basis_mark
from indices.models import Basis, Index, IndexEdition, RankResult, TargetResult, basis_combine
from indices.selectors_analytics import EditionInfo, current_results, generation
from units.models import Unit
from units.naming import normalize_name

T = TypeVar("T")
NATIONAL = ["PAR", "PAPI", "PCI", "ICT", "DTI"]
CACHE_SECONDS = 6 * 3600


def cached(key: str, build: Callable[[], T]) -> T:
    """Cache under the current analytics generation (and language, for labels)."""
    full_key = f"dash:g{generation()}:{get_language()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, CACHE_SECONDS)
    return value


def target_statuses(*, unit: Unit, editions: list[EditionInfo]) -> dict[int, list[dict]]:
    """Per edition, the status of each of the unit's targets, from the current generation."""
    rows = (
        current_results(TargetResult.objects.filter(target__unit=unit), editions)
        .select_related("target")
        .order_by("target__component_code", "target__kind")
    )
    runs = {e.pk: e.run_id for e in editions if e.run_id}
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


def result_row(r: RankResult) -> dict[str, Any]:
    """A result as the pages read it: every figure with its basis, and the bases of the gaps."""
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


def pick_edition(
    index: Index, year: str | None, units: Iterable[Unit] | None = None
) -> IndexEdition:
    """The published edition a reader asked for (404 if none), else the latest with scores:
    with scores of `units` first, if given (provinces of before the 2025 merger open on the last
    edition that ranks them, not on a 2025 edition that ranks their successors)."""
    editions = index.editions.filter(status=IndexEdition.Status.PUBLISHED)
    if year:
        if not year.isascii() or not year.isdecimal() or len(year) != 4:
            raise Http404  # "?nam=abc", "?nam=%00", "?nam=²": no such edition, never a 500
        edition = editions.filter(year=int(year)).first()
        if edition is None:
            raise Http404
        return edition
    edition = (
        (
            editions.filter(scores__unit__in=list(units)).order_by("-year").first()
            if units is not None
            else None
        )
        or editions.filter(scores__isnull=False).order_by("-year").first()
        or editions.order_by("-year").first()
    )
    if edition is None:
        raise Http404
    return edition


def years_with_data(index: Index) -> QuerySet[IndexEdition]:
    """The editions a reader can pick: published ones whose results are built (DTI publishes no
    scores for 2020–2021, so those years are not offered)."""
    return index.editions.filter(
        status=IndexEdition.Status.PUBLISHED, analysis__run__isnull=False
    ).order_by("-year")


def alphabetical(units: Iterable[Unit]) -> list[Unit]:
    """Vietnamese alphabetical order of the names as shown, without the "Tỉnh"/"Thành phố"
    prefix and ignoring diacritics (so Đà Nẵng sits among the D's, not after Z)."""
    return sorted(units, key=lambda u: (normalize_name(u.display_name), u.display_name))


def basis_counts(rows: list[dict | None], key: str) -> list[dict[str, Any]]:
    """How many of the rows' figures are of each basis, for a legend ("21 CB, 42 MH")."""
    counts: dict[str, int] = {}
    for row in rows:
        if row and row.get(key) and (key != "basis" or row.get("value") is not None):
            counts[row[key]] = counts.get(row[key], 0) + 1
    return [
        {"basis": code, "label": basis_mark(code).label, "count": counts[code]}
        for code in Basis.values
        if counts.get(code)
    ]
