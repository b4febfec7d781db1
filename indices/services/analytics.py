"""The analytics rebuild: ranks, gaps, target status, priorities and what-if, computed set-based
with pandas per edition, written as a new generation and switched to in one transaction.

Concurrency: a run is claimed with a conditional UPDATE (two workers never execute one run), and
each edition is claimed the same way while it is built. A builder records the edition's
`data_version` it read; the switch happens only if no newer result is already in place, and after
releasing its claim the builder looks again, so a burst of imports always ends built from the
latest data. A run whose worker died (SIGKILL) is taken over once its heartbeat is stale.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from indices.aggregation import effective_weights
from indices.models import (
    AnalysisRun,
    AnalyticsGeneration,
    Basis,
    Component,
    EditionAnalysis,
    IndexEdition,
    RankResult,
    RatingBand,
    RatingScheme,
    Target,
    TargetResult,
    basis_combine,
)
from tabular.bulk import copy_frame, read_frame

STALE_SECONDS = getattr(settings, "ANALYTICS_STALE_SECONDS", 60)
RESULT_FIELDS = [
    "run_id",
    "edition_id",
    "unit_id",
    "component_id",
    "component_code",
    "region_id",
    "state",
    "value",
    "decimals",
    "rank",
    "peer_count",
    "region_rank",
    "region_count",
    "percentile",
    "group",
    "published_rank",
    "published_group",
    "display_rank",
    "rank_mismatch",
    "group_mismatch",
    "leader_value",
    "mean_value",
    "median_value",
    "gap_to_leader",
    "gap_to_mean",
    "gap_to_median",
    "gap_to_region_best",
    "gap_to_region_mean",
    "score_change",
    "rank_change",
    "change_note",
    "basis",
    "rank_basis",
    "analysis_basis",
    "leader_basis",
    "region_best_basis",
    "group_basis",
    "region_best",
    "cost",
    "cost_region",
    "cost_share",
    "rank_if_median",
    "rank_if_leader",
    "priority",
]


class RunBusy(Exception):
    """Another live worker is executing this run; try again later."""


def _now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


# Queueing ----------------------------------------------------------------------------------------


def analysis_queue(
    *,
    edition_ids: list[int] | None,
    trigger: str,
    batch_id: int | None = None,
    user: Any = None,
) -> AnalysisRun:
    """Record a run and queue its task once the surrounding transaction commits."""
    from indices.tasks import analysis_rebuild_task

    run = _run_create(edition_ids=edition_ids, trigger=trigger, batch_id=batch_id, user=user)
    transaction.on_commit(lambda: analysis_rebuild_task.delay(run.pk))
    return run


def _run_create(
    *, edition_ids: list[int] | None, trigger: str, batch_id: int | None, user: Any
) -> AnalysisRun:
    return AnalysisRun.objects.create(
        trigger=trigger,
        scope=sorted(edition_ids) if edition_ids is not None else None,
        batch_id=batch_id,
        requested_by=user if getattr(user, "is_authenticated", False) else None,
    )


def editions_touch(*, edition_ids: list[int]) -> None:
    """Mark editions' inputs as changed (call inside the transaction that changes them)."""
    IndexEdition.objects.filter(pk__in=edition_ids).update(data_version=F("data_version") + 1)


# Computation -------------------------------------------------------------------------------------


@dataclass
class EditionContext:
    edition: IndexEdition
    components: list[Component]
    scheme: RatingScheme | None
    bands: list[RatingBand]
    previous: IndexEdition | None
    targets: list[Target]
    # Years of this index's editions that start a new methodology (re-baselining of targets).
    break_years: list[int]


def _context(edition: IndexEdition) -> EditionContext:
    index = edition.index
    scheme = RatingScheme.objects.filter(index=index).first()
    previous = (
        IndexEdition.objects.filter(index=index, year__lt=edition.year, status="published")
        .order_by("-year")
        .first()
    )
    return EditionContext(
        edition=edition,
        components=list(edition.components.all()),
        scheme=scheme,
        bands=list(scheme.bands.order_by("order")) if scheme else [],
        previous=previous,
        targets=list(Target.objects.filter(index=index).prefetch_related("milestones")),
        break_years=list(
            IndexEdition.objects.filter(index=index, breaks_comparability=True).values_list(
                "year", flat=True
            )
        ),
    )


SCORE_COLUMNS = [
    "unit_id",
    "component_id",
    "component_code",
    "parent_id",
    "state",
    "value",
    "decimals",
    "published_rank",
    "published_group",
    "region_id",
    "basis",
]


FrameCache = dict[int, pd.DataFrame]


def _scores_frame(edition_id: int, cache: FrameCache | None = None) -> pd.DataFrame:
    """An edition's scores with what ranking needs, read in one query (COPY on PostgreSQL).
    Within one run, the edition built just before (usually the previous year) is kept so the
    change since the previous edition does not read it again."""
    if cache is not None and edition_id in cache:
        return cache[edition_id].copy()
    frame = _read_scores(edition_id)
    if cache is not None:
        cache.clear()  # one edition is enough: editions are built in (index, year) order
        cache[edition_id] = frame.copy()
    return frame


def _read_scores(edition_id: int) -> pd.DataFrame:
    sql = (
        "SELECT s.unit_id, s.component_id, c.code, c.parent_id, s.state, s.value, s.decimals, "
        "s.published_rank, s.published_group, u.region_id, s.basis "
        "FROM indices_score s "
        "JOIN units_unit u ON u.id = s.unit_id "
        "LEFT JOIN indices_component c ON c.id = s.component_id "
        "WHERE s.edition_id = %s"
    )
    frame = read_frame(sql, [edition_id], SCORE_COLUMNS)
    frame["component_code"] = frame["component_code"].fillna("").astype(str)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    for column in (
        "unit_id",
        "published_rank",
        "region_id",
        "component_id",
        "parent_id",
        "decimals",
    ):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["unit_id"] = frame["unit_id"].astype("int64") if not frame.empty else frame["unit_id"]
    frame["published_group"] = frame["published_group"].fillna("").astype(object)
    frame["state"] = frame["state"].astype(object)
    frame["basis"] = frame["basis"].fillna(Basis.PUBLISHED).astype(object)
    return frame


def _component_max(ctx: EditionContext) -> dict[str, float]:
    edition = ctx.edition
    return {
        c.code: float(c.max_points)
        if c.max_points is not None
        else float(
            edition.component_max if edition.component_max is not None else edition.total_max
        )
        for c in ctx.components
    }


def _competition_rank(values: pd.Series, by: list[pd.Series] | pd.Series) -> pd.Series:
    return values.groupby(by).rank(method="min", ascending=False)


def _groups(frame: pd.DataFrame, ctx: EditionContext) -> pd.Series:
    scheme = ctx.scheme
    groups = pd.Series("", index=frame.index, dtype=object)
    if not scheme or not ctx.bands:
        return groups
    ranked = frame["rank"].notna()
    if scheme.method == "thresholds":
        is_total = (frame["component_code"] == "") & frame["value"].notna()
        for band in sorted(ctx.bands, key=lambda b: b.order, reverse=True):
            if band.min_value is None:
                continue
            hit = is_total & (frame["value"] >= float(band.min_value))
            groups[hit] = band.name
    elif scheme.method == "quartiles":
        by_order = {b.order: b.name for b in ctx.bands}
        quartile = np.ceil(4 * frame["rank"] / frame["peer_count"].where(frame["peer_count"] > 0))
        for order, name in by_order.items():
            groups[ranked & (quartile == order)] = name
    elif scheme.method == "published":
        groups = frame["published_group"].fillna("").astype(object)
    return groups


def _combined_basis(own: pd.Series, peers: pd.Series) -> pd.Series:
    """Vectorised `basis_combine` of a row's own basis and its peers' basis."""
    out = pd.Series(Basis.DERIVED, index=own.index, dtype=object)
    out[(own == Basis.INTERNAL) & (peers == Basis.INTERNAL)] = Basis.INTERNAL
    out[(own == Basis.ILLUSTRATIVE) | (peers == Basis.ILLUSTRATIVE)] = Basis.ILLUSTRATIVE
    return out


def _ranked(frame: pd.DataFrame) -> pd.DataFrame:
    """Computed ranks, the rank readers see, and the basis of each: a published rank of a real
    score is published; a computed rank is derived (or internal) unless any peer is
    illustrative; anything about an illustrative score is illustrative."""
    has_value = frame["state"] == "value"
    frame["rank"] = np.nan
    frame.loc[has_value, "rank"] = _competition_rank(
        frame.loc[has_value, "value"], frame.loc[has_value, "component_code"]
    )
    peers = (
        frame[has_value]
        .groupby("component_code")["basis"]
        .agg(lambda bases: basis_combine(*set(bases)))
    )
    peer_basis = frame["component_code"].map(peers).fillna("")
    frame["analysis_basis"] = np.where(
        has_value, _combined_basis(frame["basis"], peer_basis), ""
    ).astype(object)
    is_total = frame["component_code"] == ""
    from_published = is_total & frame["published_rank"].notna()
    frame["display_rank"] = frame["rank"]
    frame.loc[from_published, "display_rank"] = frame.loc[from_published, "published_rank"]
    frame["rank_basis"] = np.where(frame["rank"].notna(), frame["analysis_basis"], "").astype(
        object
    )
    frame.loc[from_published, "rank_basis"] = np.where(
        frame.loc[from_published, "basis"] == Basis.ILLUSTRATIVE,
        Basis.ILLUSTRATIVE,
        Basis.PUBLISHED,
    )
    return frame


def _same_or_combined(bases: pd.Series) -> str:
    distinct = set(bases)
    return distinct.pop() if len(distinct) == 1 else basis_combine(*distinct)


def _best_basis(
    valued: pd.DataFrame, keys: list[str], frame: pd.DataFrame, best_column: str
) -> pd.Series:
    """The basis of the best value of each group (the leader's own basis; several units tied
    at the top combine theirs), aligned to `frame`'s rows."""
    if valued.empty:
        return pd.Series("", index=frame.index, dtype=object)
    best = valued["value"] == valued.groupby(keys)["value"].transform("max")
    bases = valued[best].groupby(keys)["basis"].agg(_same_or_combined).rename("_best")
    joined = frame[keys].join(bases, on=keys)["_best"]
    return joined.where(frame[best_column].notna(), "").fillna("").astype(object)


def _group_basis(frame: pd.DataFrame, ctx: EditionContext) -> pd.Series:
    """A published tier is as good as its row; a group from thresholds depends on the unit's
    own value only; a quartile group on every peer."""
    out = pd.Series("", index=frame.index, dtype=object)
    has_group = (frame["group"] != "") | (frame["published_group"].fillna("") != "")
    method = ctx.scheme.method if ctx.scheme else "published"
    if method == "quartiles":
        out[has_group] = frame.loc[has_group, "analysis_basis"]
    elif method == "thresholds":
        own = frame.loc[has_group, "basis"]
        out[has_group] = np.where(
            own == Basis.ILLUSTRATIVE,
            Basis.ILLUSTRATIVE,
            np.where(own == Basis.INTERNAL, Basis.INTERNAL, Basis.DERIVED),
        )
    else:
        out[has_group] = frame.loc[has_group, "basis"]
    return out


def _previous_frame(
    previous: IndexEdition | None, cache: FrameCache | None = None
) -> pd.DataFrame | None:
    if previous is None:
        return None
    prev = (
        cache[previous.pk].copy()
        if cache is not None and previous.pk in cache
        else _read_scores(previous.pk)
    )
    if prev.empty:
        return None
    prev = _ranked(prev)
    prev = prev[prev["state"] == "value"]
    return prev[
        ["unit_id", "component_code", "value", "display_rank", "basis", "rank_basis"]
    ].rename(
        columns={
            "value": "prev_value",
            "display_rank": "prev_rank",
            "basis": "prev_basis",
            "rank_basis": "prev_rank_basis",
        }
    )


def _progress_status(observed: float, required: float) -> str:
    """Open SDG method: the ratio of observed to required progress, bands at 95% and 60%.
    Only called when the goal is not met and the baseline did not meet it either, so the
    required progress is positive."""
    ratio = observed / required if required > 0 else 0.0
    if ratio >= 0.95:
        return TargetResult.Status.ON_TRACK
    if ratio >= 0.6:
        return TargetResult.Status.AT_RISK
    return TargetResult.Status.OFF_TRACK


def target_status(
    *,
    current: float | None,
    goal: float,
    baseline: float | None,
    elapsed: float,
    lower_is_better: bool = False,
) -> str:
    """The status of a target, for every case:
    - no current value → no data;
    - the goal is met now → achieved (whether or not the baseline met it);
    - the baseline met the goal and the current value no longer does → not held;
    - no baseline, or no time elapsed since it (a re-baselined year) → no data;
    - otherwise the Open SDG ratio of observed to required progress."""
    if current is None or math.isnan(current):
        return TargetResult.Status.NO_DATA
    sign = -1.0 if lower_is_better else 1.0
    if sign * (current - goal) >= 0:
        return TargetResult.Status.ACHIEVED
    if baseline is not None and sign * (baseline - goal) >= 0:
        return TargetResult.Status.NOT_HELD
    if baseline is None or elapsed <= 0:
        return TargetResult.Status.NO_DATA
    return _progress_status(sign * (current - baseline), sign * (goal - baseline) * elapsed)


def _baseline_for(
    target: Target, ctx: EditionContext, frame_rank_of: Any
) -> tuple[int, float | None, float | None, bool]:
    """(year, value, rank, re-baselined) of the target's baseline for this edition: its own
    baseline, or the unit's figures in the first edition of a newer methodology."""
    year = ctx.edition.year
    breaks = [b for b in ctx.break_years if target.baseline_year < b <= year]
    if not breaks:
        value = float(target.baseline_value) if target.baseline_value is not None else None
        rank = float(target.baseline_rank) if target.baseline_rank is not None else None
        return target.baseline_year, value, rank, False
    start = max(breaks)
    value, rank = frame_rank_of(target, start)
    return start, value, rank, True


def _figures_in_year(target: Target, ctx: EditionContext, year: int, cache: dict) -> tuple:
    """The unit's value and shown rank on the target's component in another edition."""
    key = (year, target.unit_id, target.component_code)
    if key not in cache:
        value = rank = None
        edition = IndexEdition.objects.filter(index=ctx.edition.index, year=year).first()
        if edition is not None:
            frame = _read_scores(edition.pk)
            if not frame.empty:
                frame = _ranked(frame)
                hit = frame[
                    (frame["unit_id"] == target.unit_id)
                    & (frame["component_code"] == target.component_code)
                    & (frame["state"] == "value")
                ]
                if not hit.empty:
                    value = float(hit.iloc[0]["value"])
                    shown = hit.iloc[0]["display_rank"]
                    rank = None if pd.isna(shown) else float(shown)
        cache[key] = (value, rank)
    return cache[key]


def _elapsed(year: int, start: int, end: int) -> float:
    return (year - start) / max(1, end - start)


def target_results(
    ctx: EditionContext, frame: pd.DataFrame, figures_cache: dict | None = None
) -> list[dict[str, Any]]:
    """One status per target of this index whose period covers the edition's year."""
    edition = ctx.edition
    cache = figures_cache if figures_cache is not None else {}
    bands = {b.code: b for b in ctx.bands} | {b.name: b for b in ctx.bands}
    by_key = {
        (int(u), c): i
        for i, (u, c) in enumerate(zip(frame["unit_id"], frame["component_code"], strict=True))
    }
    results = []
    for target in ctx.targets:
        if not target.baseline_year <= edition.year <= target.target_year:
            continue
        i = by_key.get((target.unit_id, target.component_code))
        row = frame.iloc[i] if i is not None else None
        has_value = row is not None and row["state"] == "value"
        value = float(row["value"]) if has_value else None
        shown = row["display_rank"] if row is not None else None
        rank = None if shown is None or pd.isna(shown) else float(shown)
        start, base_value, base_rank, rebaselined = _baseline_for(
            target, ctx, lambda t, y: _figures_in_year(t, ctx, y, cache)
        )
        elapsed = _elapsed(edition.year, start, target.target_year)
        result: dict[str, Any] = {
            "target_id": target.pk,
            "baseline_year": start,
            "rebaselined": rebaselined,
            "gap": None,
            "current": None,
            "baseline": None,
            "points_needed": None,
        }
        if target.kind == Target.Kind.RANK:
            goal = float(target.target_rank or 0)
            same = frame[
                (frame["component_code"] == target.component_code) & (frame["state"] == "value")
            ]["value"]
            ordered = np.sort(same.to_numpy())[::-1]
            if goal and len(ordered) >= goal:
                result["points_needed"] = float(ordered[int(goal) - 1])
            status = target_status(
                current=rank, goal=goal, baseline=base_rank, elapsed=elapsed, lower_is_better=True
            )
            result |= {
                "current": rank,
                "baseline": base_rank,
                "gap": goal - rank if rank is not None else None,
            }
            basis_inputs = [row["rank_basis"] if row is not None else ""]
        elif target.kind == Target.Kind.SCORE:
            goal = float(target.target_value or 0)
            status = target_status(current=value, goal=goal, baseline=base_value, elapsed=elapsed)
            result |= {
                "current": value,
                "baseline": base_value,
                "gap": value - goal if value is not None else None,
            }
            basis_inputs = [row["basis"] if row is not None else ""]
        else:
            band = bands.get(target.target_group)
            group = (row["group"] or row["published_group"]) if row is not None else ""
            current = bands.get(group)
            basis_inputs = [row["basis"] if row is not None else ""]
            if band is None or row is None:
                status = TargetResult.Status.NO_DATA
            elif band.min_value is not None and value is not None:
                goal = float(band.min_value)
                status = target_status(
                    current=value, goal=goal, baseline=base_value, elapsed=elapsed
                )
                result |= {"current": value, "baseline": base_value, "gap": value - goal}
            elif current is not None:
                status = (
                    TargetResult.Status.ACHIEVED
                    if current.order <= band.order
                    else TargetResult.Status.OFF_TRACK
                )
                result["gap"] = float(band.order - current.order)
            else:
                status = TargetResult.Status.NO_DATA
        if (
            rebaselined
            and elapsed <= 0
            and status == TargetResult.Status.NO_DATA
            and (result["current"] is not None)
        ):
            # The first edition of a new methodology: a new baseline, progress is judged later.
            status = TargetResult.Status.NEW_BASELINE
        if target.is_demo:
            basis_inputs.append(Basis.ILLUSTRATIVE)
        if edition.index.kind == "internal":
            basis_inputs.append(Basis.INTERNAL)
        result["status"] = status
        result["basis"] = basis_combine(*basis_inputs)
        results.append(result)
    return results


def edition_results(
    edition: IndexEdition, cache: FrameCache | None = None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Every result column for every (unit, component) of one edition, and the status of every
    target of the index in that edition."""
    ctx = _context(edition)
    frame = _results_frame(ctx, cache)
    return frame, target_results(ctx, frame) if not frame.empty else []


def edition_results_frame(edition: IndexEdition, cache: FrameCache | None = None) -> pd.DataFrame:
    return edition_results(edition, cache)[0]


def _results_frame(ctx: EditionContext, cache: FrameCache | None) -> pd.DataFrame:
    edition = ctx.edition
    # Read the previous edition first: it may still be in the run's cache.
    prev_source = None
    if not edition.breaks_comparability:
        prev_source = _previous_frame(ctx.previous, cache)
    frame = _scores_frame(edition.pk, cache)
    if frame.empty:
        return frame
    frame["decimals"] = edition.decimals
    has_value = frame["state"] == "value"
    frame = _ranked(frame)
    counts = (
        frame[has_value].groupby("component_code")["value"].agg(["count", "max", "mean", "median"])
    )
    frame = frame.join(counts, on="component_code")
    frame = frame.rename(
        columns={
            "count": "peer_count",
            "max": "leader_value",
            "mean": "mean_value",
            "median": "median_value",
        }
    )
    frame["peer_count"] = frame["peer_count"].fillna(0).astype(int)
    frame["leader_basis"] = _best_basis(frame[has_value], ["component_code"], frame, "leader_value")
    n = frame["peer_count"]
    spread = 100 * (n - frame["rank"]) / (n - 1).clip(lower=1)
    frame["percentile"] = np.where(frame["rank"].notna(), np.where(n > 1, spread, 100.0), np.nan)
    frame["gap_to_leader"] = frame["value"] - frame["leader_value"]
    frame["gap_to_mean"] = frame["value"] - frame["mean_value"]
    frame["gap_to_median"] = frame["value"] - frame["median_value"]
    regional = frame[has_value & frame["region_id"].notna()]
    if not regional.empty:
        frame["region_rank"] = np.nan
        frame.loc[regional.index, "region_rank"] = _competition_rank(
            regional["value"], [regional["component_code"], regional["region_id"]]
        )
        stats = regional.groupby(["component_code", "region_id"])["value"].agg(
            ["max", "mean", "count"]
        )
        stats.columns = ["region_best", "region_mean", "region_count"]
        frame = frame.join(stats, on=["component_code", "region_id"])
        frame["region_best_basis"] = _best_basis(
            regional, ["component_code", "region_id"], frame, "region_best"
        )
        frame["gap_to_region_best"] = frame["value"] - frame["region_best"]
        frame["gap_to_region_mean"] = frame["value"] - frame["region_mean"]
        frame["region_count"] = frame["region_count"].fillna(0).astype(int)
    else:
        frame["region_rank"] = np.nan
        frame["region_best"] = np.nan
        frame["region_best_basis"] = ""
        frame["gap_to_region_best"] = np.nan
        frame["gap_to_region_mean"] = np.nan
        frame["region_count"] = 0
    is_total = frame["component_code"] == ""
    # A computed rank can be compared with the published one only when every unit the
    # publisher ranked has its score here (not when some ranks come without a score).
    rank_only = (is_total & (frame["state"] != "value") & frame["published_rank"].notna()).any()
    frame["rank_mismatch"] = (
        is_total
        & frame["published_rank"].notna()
        & frame["rank"].notna()
        & (frame["published_rank"] != frame["rank"])
        & (not rank_only)
    )
    frame["group"] = _groups(frame, ctx)
    frame["group_basis"] = _group_basis(frame, ctx)
    computed_scheme = ctx.scheme is not None and ctx.scheme.method != "published"
    frame["group_mismatch"] = (
        computed_scheme
        & (frame["group"] != "")
        & (frame["published_group"].fillna("") != "")
        & (frame["group"] != frame["published_group"].fillna(""))
    )

    # Change since the previous edition: never across a methodology break, and only between
    # values (and ranks) that are real on both sides.
    frame["score_change"] = np.nan
    frame["rank_change"] = np.nan
    frame["change_note"] = ""
    if edition.breaks_comparability:
        frame["change_note"] = "break"
    elif prev_source is None:
        frame["change_note"] = "no_previous"
    else:
        frame = frame.merge(prev_source, on=["unit_id", "component_code"], how="left")
        fake = Basis.ILLUSTRATIVE
        values_real = (frame["basis"] != fake) & (frame["prev_basis"] != fake)
        ranks_real = (frame["rank_basis"] != fake) & (frame["prev_rank_basis"] != fake)
        frame["score_change"] = (frame["value"] - frame["prev_value"]).where(values_real)
        frame["rank_change"] = (frame["prev_rank"] - frame["display_rank"]).where(ranks_real)
        blocked = frame["prev_basis"].notna() & (~values_real | ~ranks_real)
        frame.loc[blocked & (frame["state"] == "value"), "change_note"] = "illustrative"
        frame = frame.drop(columns=["prev_value", "prev_rank", "prev_basis", "prev_rank_basis"])

    # Priorities: the points of the index total that closing each top-level component's gap to
    # the best province (and to the region's best) would add, best first.
    weights = effective_weights(ctx.edition, ctx.components)
    top_codes = set(weights)
    for column in ("cost", "cost_region", "cost_share", "rank_if_median", "rank_if_leader"):
        frame[column] = np.nan
    frame["priority"] = np.nan
    is_total = frame["component_code"] == ""
    totals = frame[is_total & (frame["state"] == "value")].set_index("unit_id")["value"]
    totals_sorted = np.sort(totals.to_numpy())
    comp = frame["component_code"].isin(top_codes) & frame["value"].notna()
    span = float(edition.total_max - edition.total_min) or 1.0
    if comp.any() and len(totals_sorted):
        weight = frame.loc[comp, "component_code"].map(weights)
        frame.loc[comp, "cost"] = weight * (
            frame.loc[comp, "leader_value"] - frame.loc[comp, "value"]
        ).clip(lower=0)
        frame.loc[comp, "cost_region"] = weight * (
            frame.loc[comp, "region_best"] - frame.loc[comp, "value"]
        ).clip(lower=0)
        frame.loc[comp, "cost_share"] = frame.loc[comp, "cost"] / span * 100
        unit_total = frame.loc[comp, "unit_id"].map(totals)
        for column, reference in (
            ("rank_if_median", "median_value"),
            ("rank_if_leader", "leader_value"),
        ):
            gain = (frame.loc[comp, reference] - frame.loc[comp, "value"]).clip(lower=0) * weight
            new_total = unit_total + gain
            above = len(totals_sorted) - np.searchsorted(
                totals_sorted, new_total.to_numpy(), side="right"
            )
            frame.loc[comp, column] = np.where(unit_total.notna(), above + 1, np.nan)
        frame.loc[comp, "priority"] = (
            frame.loc[comp].groupby("unit_id")["cost"].rank(method="first", ascending=False)
        )

    frame["edition_id"] = edition.pk
    return frame


# Writing -----------------------------------------------------------------------------------------

_INT_FIELDS = {
    "component_id",
    "region_id",
    "rank",
    "region_rank",
    "published_rank",
    "display_rank",
    "rank_change",
    "rank_if_median",
    "rank_if_leader",
    "priority",
    "decimals",
    "peer_count",
    "region_count",
}
_FLOAT_FIELDS = {
    "value",
    "percentile",
    "leader_value",
    "mean_value",
    "median_value",
    "gap_to_leader",
    "gap_to_mean",
    "gap_to_median",
    "gap_to_region_best",
    "gap_to_region_mean",
    "score_change",
    "region_best",
    "cost",
    "cost_region",
    "cost_share",
}


def _prepared(frame: pd.DataFrame, run_id: int) -> pd.DataFrame:
    out = frame.copy()
    out["run_id"] = run_id
    for column in RESULT_FIELDS:
        if column not in out.columns:
            out[column] = np.nan if column in _INT_FIELDS | _FLOAT_FIELDS else ""
    for column in _FLOAT_FIELDS:
        out[column] = pd.to_numeric(out[column], errors="coerce").round(4)
    for column in _INT_FIELDS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    for column in (
        "published_group",
        "group",
        "change_note",
        "basis",
        "rank_basis",
        "analysis_basis",
        "leader_basis",
        "region_best_basis",
        "group_basis",
    ):
        out[column] = out[column].fillna("").astype(str)
    out["rank_mismatch"] = out["rank_mismatch"].fillna(False).astype(bool)
    out["group_mismatch"] = out["group_mismatch"].fillna(False).astype(bool)
    return out[RESULT_FIELDS]


def _write_results(frame: pd.DataFrame) -> int:
    return copy_frame(RankResult, RESULT_FIELDS, frame)


# Orchestration -----------------------------------------------------------------------------------


def _claim_edition(edition_id: int, run: AnalysisRun) -> bool:
    EditionAnalysis.objects.get_or_create(edition_id=edition_id)
    stale = _now() - dt.timedelta(seconds=STALE_SECONDS)
    claimed = (
        EditionAnalysis.objects.filter(edition_id=edition_id)
        .filter(Q(builder__isnull=True) | Q(builder=run) | Q(claimed_at__lt=stale))
        .update(builder=run, claimed_at=_now())
    )
    return claimed == 1


def _release_edition(edition_id: int, run: AnalysisRun) -> None:
    EditionAnalysis.objects.filter(edition_id=edition_id, builder=run).update(
        builder=None, claimed_at=None
    )


def _switch(
    edition: IndexEdition,
    run: AnalysisRun,
    version: int,
    frame: pd.DataFrame,
    targets: list[dict[str, Any]],
) -> int:
    """Write this run's rows and point readers at them, in one transaction; the previous
    generation is removed after the switch, in the same transaction."""
    with transaction.atomic():
        pointer = EditionAnalysis.objects.select_for_update().get(edition=edition)
        if pointer.run_id is not None and pointer.built_version > version:
            return 0  # a newer result is already served
        RankResult.objects.filter(edition=edition, run=run).delete()  # a previous attempt's rows
        written = _write_results(_prepared(frame, run.pk))
        old_run = pointer.run_id
        pointer.run = run
        pointer.built_version = version
        pointer.save(update_fields=["run", "built_version"])
        TargetResult.objects.filter(edition=edition, run=run).delete()
        TargetResult.objects.bulk_create(
            TargetResult(run=run, edition=edition, **fields) for fields in targets
        )
        if old_run and old_run != run.pk:
            RankResult.objects.filter(edition=edition, run_id=old_run).delete()
            TargetResult.objects.filter(edition=edition, run_id=old_run).delete()
        generation, _created = AnalyticsGeneration.objects.select_for_update().get_or_create(pk=1)
        generation.number += 1
        generation.save(update_fields=["number"])
    return written


def _build_edition(edition_id: int, run: AnalysisRun, cache: FrameCache | None = None) -> int:
    written = 0
    while True:
        if not _claim_edition(edition_id, run):
            return written  # another builder has it and will see any newer data
        try:
            edition = IndexEdition.objects.select_related("index").get(pk=edition_id)
            version = edition.data_version
            frame, targets = edition_results(edition, cache)
            written += _switch(edition, run, version, frame, targets)
        finally:
            _release_edition(edition_id, run)
        AnalysisRun.objects.filter(pk=run.pk).update(heartbeat_at=_now())
        latest = IndexEdition.objects.filter(pk=edition_id).values_list("data_version", flat=True)
        if not latest or latest[0] <= version:
            return written


def _claim_run(run_id: int) -> AnalysisRun | None:
    stale = _now() - dt.timedelta(seconds=STALE_SECONDS)
    claimed = (
        AnalysisRun.objects.filter(pk=run_id)
        .filter(
            Q(status__in=[AnalysisRun.Status.QUEUED, AnalysisRun.Status.FAILED])
            | Q(status=AnalysisRun.Status.RUNNING, heartbeat_at__lt=stale)
        )
        .update(
            status=AnalysisRun.Status.RUNNING,
            started_at=_now(),
            heartbeat_at=_now(),
            attempts=F("attempts") + 1,
            error="",
        )
    )
    if claimed:
        return AnalysisRun.objects.get(pk=run_id)
    status = AnalysisRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
    if status == AnalysisRun.Status.RUNNING:
        raise RunBusy(run_id)
    return None  # gone, or already succeeded: the task ran twice, nothing to do


def analysis_run_execute(*, run_id: int) -> AnalysisRun | None:
    """Execute a queued run. Idempotent and safe to call twice or concurrently."""
    run = _claim_run(run_id)
    if run is None:
        return None
    started = time.monotonic()
    written = built = 0
    try:
        if run.scope is None:
            editions = IndexEdition.objects.filter(status="published", scores__isnull=False)
        else:
            editions = IndexEdition.objects.filter(pk__in=run.scope)
        # (index, year) order, so the previous edition is still in the cache when it is needed.
        edition_ids = list(
            editions.distinct()
            .order_by("index__order", "index_id", "year")
            .values_list("pk", flat=True)
        )
        cache: FrameCache = {}
        for edition_id in edition_ids:
            written += _build_edition(edition_id, run, cache)
            built += 1
    except Exception:
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.FAILED,
            finished_at=_now(),
            duration_s=time.monotonic() - started,
            error=traceback.format_exc()[-4000:],
            rows_written=written,
            editions_built=built,
        )
        raise
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.SUCCEEDED,
        finished_at=_now(),
        duration_s=time.monotonic() - started,
        rows_written=written,
        editions_built=built,
    )
    run.refresh_from_db()
    return run


def analysis_rebuild(
    *, edition_ids: list[int] | None, trigger: str, batch_id: int | None = None, user: Any = None
) -> AnalysisRun | None:
    """Create a run and execute it now, in this process (commands, beat, tests)."""
    run = _run_create(edition_ids=edition_ids, trigger=trigger, batch_id=batch_id, user=user)
    return analysis_run_execute(run_id=run.pk)
