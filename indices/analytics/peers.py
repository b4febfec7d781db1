"""What a result row derives when it is read: its figures across peers (leader, mean, median,
the region's best and the gaps to them, the percentile), and, for a weighted component, what
closing its gap is worth (cost, share of the scale, priority among the unit's components, and
the rank the unit would reach). The rebuild stores ranks per score and each component's
`ComponentFigures` and `RegionFigures`; these few operations over the rows a page shows cost
less than writing twenty more columns for every score.

Figures are computed from the same double-precision numbers, in the same order, as the pandas
engine computed them, and rounded to the four stored decimals the way numpy rounds (half to
even of x × 10⁴), so the figures read here are those it stored (tests/indices/
test_analytics_golden.py)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from indices.analytics.store import STORED_DECIMALS
from indices.models import ComponentFigures, RankResult, RegionFigures

STORED = 10**STORED_DECIMALS  # the stored figures' scale (x × 10⁴)
UnitKey = tuple[int, int, int]  # run, edition, unit

# The attributes `with_figures` sets, by kind.
DERIVED_FLOATS = (
    "percentile",
    "leader_value",
    "mean_value",
    "median_value",
    "region_best",
    "gap_to_leader",
    "gap_to_mean",
    "gap_to_median",
    "gap_to_region_best",
    "gap_to_region_mean",
    "cost",
    "cost_region",
    "cost_share",
)
DERIVED_INTS = ("peer_count", "region_count", "rank_if_median", "rank_if_leader", "priority")
DERIVED_TEXTS = ("leader_basis", "region_best_basis")
DERIVED_FIELDS = DERIVED_FLOATS + DERIVED_INTS + DERIVED_TEXTS


def stored(x: float | None) -> float | None:
    """Four decimals, half to even of x × 10⁴ (as numpy and PostgreSQL round a double)."""
    return None if x is None else round(x * STORED) / STORED


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _pos(x: float | None) -> float | None:
    """pandas' clip(lower=0): a missing value stays missing."""
    return None if x is None else max(x, 0.0)


def _times(weight: float | None, x: float | None) -> float | None:
    return None if weight is None or x is None else weight * x


def with_figures(
    results: Iterable[RankResult] | QuerySet[RankResult], *, priorities: bool = False
) -> list[RankResult]:
    """The rows, each with its figures across peers (joined in the same read when given a
    query) and, for a weighted component, what closing its gap costs, set as attributes.

    With `priorities`, also each weighted component's priority among its unit's and the rank
    the unit would reach by closing its gap: from the rows themselves where they hold the
    unit's total (a reader of a unit's or an edition's rows reads them all), otherwise in one
    more read."""
    if isinstance(results, QuerySet):
        results = results.select_related("peers", "region_peers")
    rows = list(results)
    for r in rows:
        _set_peers(r, r.peers, r.region_peers if r.region_id is not None else None)
        r.rank_if_median = r.rank_if_leader = r.priority = None
    if priorities and any(r.weight is not None for r in rows):
        _set_priorities(rows)
    return rows


def _set_peers(
    r: RankResult, national: ComponentFigures | None, region: RegionFigures | None
) -> None:
    leader = national.best if national else None
    mean = national.mean if national else None
    median = national.median if national else None
    r.peer_count = national.count if national else 0
    r.leader_value, r.mean_value, r.median_value = stored(leader), stored(mean), stored(median)
    r.leader_basis = national.best_basis if national else ""
    r.gap_to_leader = stored(_minus(r.value, leader))
    r.gap_to_mean = stored(_minus(r.value, mean))
    r.gap_to_median = stored(_minus(r.value, median))
    r.region_count = region.count if region else 0
    r.region_best = stored(region.best) if region else None
    r.region_best_basis = region.best_basis if region else ""
    r.gap_to_region_best = stored(_minus(r.value, region.best)) if region else None
    r.gap_to_region_mean = stored(_minus(r.value, region.mean)) if region else None
    if r.rank is None:
        r.percentile = None
    elif r.peer_count > 1:
        r.percentile = stored(100 * (r.peer_count - r.rank) / (r.peer_count - 1))
    else:
        r.percentile = 100.0
    if r.weight is None:
        r.cost = r.cost_region = r.cost_share = None
        return
    cost = _price(r)
    region_best = region.best if region else None
    r.cost = stored(cost)
    r.cost_region = stored(_times(r.weight, _pos(_minus(region_best, r.value))))
    span = national.span if national else 1.0
    r.cost_share = stored(None if cost is None else cost / span * 100)


def _price(r: RankResult) -> float | None:
    """The unrounded cost: the points of the total that closing the gap to the leader adds."""
    return _times(r.weight, _pos(_minus(r.peers.best if r.peers else None, r.value)))


def _unit_rows(
    rows: list[RankResult],
) -> tuple[dict[UnitKey, list[RankResult]], dict[UnitKey, RankResult]]:
    """Each unit's weighted rows and total row: from the rows where they hold the unit's total,
    otherwise read (with their figures) for the units that lack it."""
    by_unit: dict[UnitKey, list[RankResult]] = defaultdict(list)
    totals: dict[UnitKey, RankResult] = {}
    for r in rows:
        key = (r.run_id, r.edition_id, r.unit_id)
        if r.weight is not None:
            by_unit[key].append(r)
        elif r.component_code == "":
            totals[key] = r
    missing = {key for key in by_unit if key not in totals}
    if not missing:
        return by_unit, totals
    for key in missing:
        by_unit[key] = []
    read = with_figures(
        RankResult.objects.filter(
            run_id__in={k[0] for k in missing},
            edition_id__in={k[1] for k in missing},
            unit_id__in={k[2] for k in missing},
        ).filter(Q(weight__isnull=False) | Q(component_code=""))
    )
    for r in read:
        key = (r.run_id, r.edition_id, r.unit_id)
        if key not in missing:
            continue
        if r.component_code == "":
            totals[key] = r
        elif r.weight is not None:
            by_unit[key].append(r)
    return by_unit, totals


def _set_priorities(rows: list[RankResult]) -> None:
    """Priority: the largest cost first among the unit's weighted components, ties by component
    id (the order the components were created in, as in the reference engine). What-if rank:
    1 + the totals above the one the unit would reach."""
    by_unit, totals = _unit_rows(rows)
    places: dict[tuple[int, int, int, int | None], int] = {}
    for (run_id, edition_id, unit_id), priced in by_unit.items():
        ordered = sorted(priced, key=lambda r: (-(_price(r) or 0.0), r.component_id or 0))
        for place, r in enumerate(ordered, start=1):
            places[(run_id, edition_id, unit_id, r.component_id)] = place
    for r in rows:
        if r.weight is None:
            continue
        key = (r.run_id, r.edition_id, r.unit_id)
        r.priority = places.get((*key, r.component_id))
        total_row = totals.get(key)
        board = total_row.peers if total_row else None
        ladder: list[float] = (board.ladder or []) if board else []
        total = total_row.value if total_row and total_row.state == "value" else None
        median = r.peers.median if r.peers else None
        leader = r.peers.best if r.peers else None
        r.rank_if_median = _rank_if(ladder, total, r.weight, median, r.value)
        r.rank_if_leader = _rank_if(ladder, total, r.weight, leader, r.value)


def _rank_if(
    ladder: list[float],
    total: float | None,
    weight: float,
    reference: float | None,
    value: float | None,
) -> int | None:
    """1 + the number of totals above the one the unit would reach by closing the gap."""
    gain = _times(weight, _pos(_minus(reference, value)))
    if total is None or gain is None:
        return None
    reached = total + gain
    return len(ladder) - bisect.bisect_right(ladder, reached) + 1
