"""The previous engine: one edition's result rows computed with pandas in this process (ranks
with their bases, peers' statistics, gaps, groups, the change since the previous edition and
priorities). Kept as the reference the database engine (`compute`) is tested against, row by row
and column by column (tests/indices/test_analytics_golden.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from indices.aggregation import effective_weights
from indices.analytics.inputs import (
    EditionContext,
    FrameCache,
    edition_context,
    ranks_comparable,
    read_scores,
    scores_frame,
)
from indices.analytics.peers import (
    DERIVED_FIELDS,
    DERIVED_FLOATS,
    DERIVED_INTS,
    DERIVED_TEXTS,
)
from indices.analytics.store import (
    BOOL_FIELDS,
    FLOAT_FIELDS,
    INT_FIELDS,
    RESULT_FIELDS,
    STORED_DECIMALS,
    TEXT_FIELDS,
)
from indices.analytics.targets import Figures, target_results
from indices.models import Basis, IndexEdition, Target, basis_combine


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
        else read_scores(previous.pk)
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


def _figures_in_year(target: Target, ctx: EditionContext, year: int) -> Figures:
    """The unit's value and shown rank on the target's component in another edition."""
    value = rank = None
    edition = IndexEdition.objects.filter(index=ctx.edition.index, year=year).first()
    if edition is not None:
        frame = read_scores(edition.pk)
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
    return value, rank


def edition_targets(ctx: EditionContext, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The status of every target in this edition; another year's figures (a re-baselined
    target's baseline) are read once per unit, component and year."""
    seen: dict[tuple[int, int, str], Figures] = {}

    def figures_in(target: Target, year: int) -> Figures:
        key = (year, target.unit_id, target.component_code)
        if key not in seen:
            seen[key] = _figures_in_year(target, ctx, year)
        return seen[key]

    return target_results(ctx, frame, figures_in)


def edition_results(
    edition: IndexEdition, cache: FrameCache | None = None
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Every result column for every (unit, component) of one edition, and the status of every
    target of the index in that edition."""
    ctx = edition_context(edition)
    frame = _results_frame(ctx, cache)
    return frame, edition_targets(ctx, frame) if not frame.empty else []


def _results_frame(ctx: EditionContext, cache: FrameCache | None) -> pd.DataFrame:
    edition = ctx.edition
    # Read the previous edition first: it may still be in the run's cache.
    prev_source = None
    if not edition.breaks_comparability:
        prev_source = _previous_frame(ctx.previous, cache)
    frame = scores_frame(edition.pk, cache)
    if frame.empty:
        return frame
    frame["decimals"] = edition.decimals
    has_value = frame["state"] == "value"
    frame = _ranked(frame)
    frame = _peer_figures(frame, has_value)
    frame = _regional_figures(frame, has_value)
    frame = _groups_and_mismatches(frame, ctx)
    frame = _changes(frame, edition, prev_source, ranks_comparable(edition, ctx.previous))
    frame = _priorities(frame, ctx)
    frame["edition_id"] = edition.pk
    return frame


def _peer_figures(frame: pd.DataFrame, has_value: pd.Series) -> pd.DataFrame:
    """Peer count, leader, mean and median of each component, the percentile and the gaps."""
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
    return frame


def _regional_figures(frame: pd.DataFrame, has_value: pd.Series) -> pd.DataFrame:
    """Rank, count, best and mean within the unit's region, and the gaps to them."""
    regional = frame[has_value & frame["region_id"].notna()]
    if regional.empty:
        frame["region_rank"] = np.nan
        frame["region_best"] = np.nan
        frame["region_best_basis"] = ""
        frame["gap_to_region_best"] = np.nan
        frame["gap_to_region_mean"] = np.nan
        frame["region_count"] = 0
        return frame
    frame["region_rank"] = np.nan
    frame.loc[regional.index, "region_rank"] = _competition_rank(
        regional["value"], [regional["component_code"], regional["region_id"]]
    )
    stats = regional.groupby(["component_code", "region_id"])["value"].agg(["max", "mean", "count"])
    stats.columns = ["region_best", "region_mean", "region_count"]
    frame = frame.join(stats, on=["component_code", "region_id"])
    frame["region_best_basis"] = _best_basis(
        regional, ["component_code", "region_id"], frame, "region_best"
    )
    frame["gap_to_region_best"] = frame["value"] - frame["region_best"]
    frame["gap_to_region_mean"] = frame["value"] - frame["region_mean"]
    frame["region_count"] = frame["region_count"].fillna(0).astype(int)
    return frame


def _groups_and_mismatches(frame: pd.DataFrame, ctx: EditionContext) -> pd.DataFrame:
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
    return frame


def _changes(
    frame: pd.DataFrame,
    edition: IndexEdition,
    prev_source: pd.DataFrame | None,
    ranks_compared: bool = True,
) -> pd.DataFrame:
    """Change since the previous edition: never across a methodology break, and only between
    values (and ranks) that are real on both sides."""
    frame["score_change"] = np.nan
    frame["rank_change"] = np.nan
    frame["change_note"] = ""
    if edition.breaks_comparability:
        frame["change_note"] = "break"
        return frame
    if prev_source is None:
        frame["change_note"] = "no_previous"
        return frame
    frame = frame.merge(prev_source, on=["unit_id", "component_code"], how="left")
    fake = Basis.ILLUSTRATIVE
    values_real = (frame["basis"] != fake) & (frame["prev_basis"] != fake)
    ranks_real = (frame["rank_basis"] != fake) & (frame["prev_rank_basis"] != fake)
    frame["score_change"] = (frame["value"] - frame["prev_value"]).where(values_real)
    if not ranks_compared:
        # Across the merger (63 provinces ranked, then 34): scores only, never ranks.
        frame["change_note"] = "field"
        blocked = frame["prev_basis"].notna() & ~values_real
        frame.loc[blocked & (frame["state"] == "value"), "change_note"] = "illustrative"
        return frame.drop(columns=["prev_value", "prev_rank", "prev_basis", "prev_rank_basis"])
    frame["rank_change"] = (frame["prev_rank"] - frame["display_rank"]).where(ranks_real)
    blocked = frame["prev_basis"].notna() & (~values_real | ~ranks_real)
    frame.loc[blocked & (frame["state"] == "value"), "change_note"] = "illustrative"
    return frame.drop(columns=["prev_value", "prev_rank", "prev_basis", "prev_rank_basis"])


def _priorities(frame: pd.DataFrame, ctx: EditionContext) -> pd.DataFrame:
    """The points of the index total that closing each top-level component's gap to the best
    province (and to the region's best) would add, best first, and the rank the unit would
    reach by closing it to the median or to the leader."""
    edition = ctx.edition
    weights = effective_weights(edition, ctx.components)
    for column in ("cost", "cost_region", "cost_share", "rank_if_median", "rank_if_leader"):
        frame[column] = np.nan
    frame["priority"] = np.nan
    frame["weight"] = np.nan
    is_total = frame["component_code"] == ""
    totals = frame[is_total & (frame["state"] == "value")].set_index("unit_id")["value"]
    totals_sorted = np.sort(totals.to_numpy())
    comp = frame["component_code"].isin(set(weights)) & frame["value"].notna()
    span = float(edition.total_max - edition.total_min) or 1.0
    if not comp.any() or not len(totals_sorted):
        return frame
    weight = frame.loc[comp, "component_code"].map(weights)
    frame.loc[comp, "cost"] = weight * (
        frame.loc[comp, "leader_value"] - frame.loc[comp, "value"]
    ).clip(lower=0)
    frame.loc[comp, "cost_region"] = weight * (
        frame.loc[comp, "region_best"] - frame.loc[comp, "value"]
    ).clip(lower=0)
    frame.loc[comp, "cost_share"] = frame.loc[comp, "cost"] / span * 100
    frame.loc[comp, "weight"] = weight
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
    return frame


def results_prepared(frame: pd.DataFrame, run_id: int) -> pd.DataFrame:
    """The computed frame as the columns a reader sees, of the right kinds: RankResult's stored
    columns in field order, then the figures readers derive (`peers.DERIVED_FIELDS`)."""
    out = frame.copy()
    out["run_id"] = run_id
    floats = FLOAT_FIELDS | set(DERIVED_FLOATS)
    ints = INT_FIELDS | set(DERIVED_INTS)
    texts = TEXT_FIELDS | set(DERIVED_TEXTS)
    columns = RESULT_FIELDS + list(DERIVED_FIELDS)
    for column in columns:
        if column not in out.columns:
            out[column] = np.nan if column in floats | ints else ""
    for column in floats:
        out[column] = pd.to_numeric(out[column], errors="coerce").round(STORED_DECIMALS)
    for column in ints:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    for column in texts:
        out[column] = out[column].fillna("").astype(str)
    for column in BOOL_FIELDS:
        out[column] = out[column].fillna(False).astype(bool)
    return out[columns]
