"""The status of every target of an index in one edition, from that edition's result rows."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from indices.analytics.inputs import EditionContext
from indices.models import Basis, Target, TargetResult, basis_combine

# A unit's (value, shown rank) on a target's component in another year of the index.
Figures = tuple[float | None, float | None]
FiguresIn = Callable[[Target, int], Figures]


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
    target: Target, ctx: EditionContext, figures_in: FiguresIn
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
    value, rank = figures_in(target, start)
    return start, value, rank, True


def _elapsed(year: int, start: int, end: int) -> float:
    return (year - start) / max(1, end - start)


def target_results(
    ctx: EditionContext, frame: pd.DataFrame, figures_in: FiguresIn
) -> list[dict[str, Any]]:
    """One status per target of this index whose period covers the edition's year."""
    edition = ctx.edition
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
        value = float(row["value"]) if has_value and row is not None else None
        shown = row["display_rank"] if row is not None else None
        rank = None if shown is None or pd.isna(shown) else float(shown)
        start, base_value, base_rank, rebaselined = _baseline_for(target, ctx, figures_in)
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
