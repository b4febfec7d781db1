"""Series over the years: one unit's score and rank, or several units (or indices) side by side.
Methodology breaks are marked and never joined."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from dashboards.charts.common import (
    BREAK_COLOR,
    PALETTE,
    base_layout,
    break_line,
    break_positions,
    plotly_figure,
    publishes_ranks,
    rank_axis,
    rank_with_basis,
    segments,
    series_traces,
    value_words,
)
from indices.figures import Coverage, figure


@plotly_figure
def trend_figure(
    *,
    series: list[dict[str, Any]],
    breaks: set[int],
    target: Any = None,
    milestones: Any = None,
    value_label: str,
    decimals: int = 2,
    coverages: dict[int, Coverage] | None = None,
    ranks_published: bool | None = None,
) -> dict[str, Any]:
    """Score (left axis) and rank (right axis, inverted) over time; breaks never joined.

    `coverages` (edition id → coverage) lets rank hover text read as on the page ("hạng 19/63");
    `ranks_published` (the index's `publishes_ranks`) names the rank trace; by default it is
    read off the rows (no published rank at all means the publisher ranks nobody)."""
    points = [{**p, "break": p["year"] in breaks} for p in series]
    published = publishes_ranks(series) if ranks_published is None else ranks_published
    rank_name = _("Thứ hạng") if published else _("Thứ tự (tính theo điểm)")
    by_edition: dict[Any, Coverage] = coverages or {}

    def value_text(p: dict[str, Any]) -> str:
        return value_words(p.get("value"), p.get("decimals", decimals), p.get("basis"))

    def rank_hover(p: dict[str, Any]) -> str:
        return rank_with_basis(p, by_edition.get(p.get("edition_id")))

    has_scores = any(p.get("value") is not None for p in series)
    has_ranks = any(p.get("display_rank") is not None for p in series)
    traces: list[dict[str, Any]] = []
    shown: set[str] = set()
    for segment in segments(points):
        if has_scores:  # DTI 2022 published ranks only: no empty score line, no empty axis
            traces += series_traces(
                segment,
                y_key="value",
                basis_key="basis",
                words=value_text,
                name=value_label,
                group="score",
                color=PALETTE[0],
                shown=shown,
                line={"width": 3},
            )
        if has_ranks:
            traces += series_traces(
                segment,
                y_key="display_rank",
                basis_key="rank_basis",
                words=rank_hover,
                name=rank_name,
                group="rank",
                color=PALETTE[1],
                shown=shown,
                yaxis="y2",
                line={"dash": "dot"},
                symbol="diamond",
            )
    goals = _goal_traces(target=target, milestones=milestones, decimals=decimals)
    traces += goals.traces
    years = [p["year"] for p in series] + goals.years
    ranks = [p.get("display_rank") for p in series] + goals.ranks
    score_axis = has_scores or goals.on_score_axis
    has_ranks = has_ranks or goals.on_rank_axis
    shapes, annotations = _break_marks(breaks, [p["year"] for p in series])
    xaxis: dict[str, Any] = {"title": {"text": _("Năm")}, "dtick": 1}
    if years:
        # Half a year either side: a single edition sits in the middle, not on an edge.
        xaxis["range"] = [min(years) - 0.5, max(years) + 0.5]
        xaxis["autorange"] = False
    yaxis: dict[str, Any] = {"title": {"text": value_label}}
    if not score_axis:
        yaxis = {"visible": False}
    yaxis2 = rank_axis(ranks, published=published, overlaying="y", side="right")
    if not has_ranks:
        yaxis2["visible"] = False
    return {
        "data": traces,
        "layout": base_layout(
            xaxis=xaxis,
            yaxis=yaxis,
            yaxis2=yaxis2,
            shapes=shapes,
            annotations=annotations,
        ),
    }


@dataclass
class _Goals:
    """The target's and milestones' traces, and what they add to the axes."""

    traces: list[dict[str, Any]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    ranks: list[Any] = field(default_factory=list)
    on_score_axis: bool = False
    on_rank_axis: bool = False


def _goal_traces(*, target: Any, milestones: Any, decimals: int) -> _Goals:
    """A dashed line for the target (score or rank) from its baseline year to its year, and a
    mark for each milestone."""
    goals = _Goals()
    if target is not None and target.kind == "score" and target.target_value is not None:
        goals.on_score_axis = True
        goals.years += [target.baseline_year, target.target_year]
        goal = figure(target.target_value, decimals)
        goals.traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Mục tiêu"),
                "x": [target.baseline_year, target.target_year],
                "y": [float(target.target_value)] * 2,
                "customdata": [goal, goal],
                "line": {"color": "#2a9d8f", "dash": "dash"},
                "hovertemplate": _("Mục tiêu") + ": %{customdata}<extra></extra>",
            }
        )
    if target is not None and target.kind == "rank" and target.target_rank:
        goals.on_rank_axis = True
        goals.years += [target.baseline_year, target.target_year]
        goals.ranks.append(target.target_rank)
        goals.traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Mục tiêu thứ hạng"),
                "yaxis": "y2",
                "x": [target.baseline_year, target.target_year],
                "y": [target.target_rank] * 2,
                "line": {"color": "#2a9d8f", "dash": "dash"},
                "hovertemplate": _("Mục tiêu thứ hạng") + ": %{y:d}<extra></extra>",
            }
        )
    if milestones:
        is_rank = target is not None and target.kind == "rank"
        marks = [m for m in milestones if (m.rank if is_rank else m.value) is not None]
        goals.years += [m.year for m in marks]
        if is_rank:
            goals.ranks += [m.rank for m in marks]
        elif marks:
            goals.on_score_axis = True
        goals.traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Mốc"),
                "x": [m.year for m in marks],
                "y": [m.rank if is_rank else float(m.value) for m in marks],
                "customdata": [
                    _("hạng %(rank)s") % {"rank": m.rank} if is_rank else figure(m.value, decimals)
                    for m in marks
                ],
                "yaxis": "y2" if is_rank else "y",
                "marker": {"symbol": "x", "size": 9, "color": "#2a9d8f"},
                "cliponaxis": False,
                "hovertemplate": _("Mốc") + " %{x}: %{customdata}<extra></extra>",
            }
        )
    return goals


def _break_marks(breaks: set[int], years: list[int]) -> tuple[list[dict], list[dict]]:
    """A dashed line where the methodology changed (see `break_positions`), labelled."""
    positions = break_positions(breaks, years)
    annotations = [
        {
            "x": x,
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "text": _("Đổi phương pháp"),
            "showarrow": False,
            "font": {"color": BREAK_COLOR, "size": 10},
            "yanchor": "bottom",
        }
        for x in positions
    ]
    return [break_line(x) for x in positions], annotations


@plotly_figure
def multi_trend_figure(
    *,
    series: dict[str, list[dict[str, Any]]],
    labels: dict[str, str],
    rank: bool = True,
    coverages: dict[int, Coverage] | None = None,
    ranks_published: bool | None = None,
) -> dict[str, Any]:
    """Several units (or indices) over time, by rank or by score."""
    everything = [p for points in series.values() for p in points]
    published = publishes_ranks(everything) if ranks_published is None else ranks_published
    by_edition: dict[Any, Coverage] = coverages or {}

    def hover(p: dict[str, Any]) -> str:
        if rank:
            return rank_with_basis(p, by_edition.get(p.get("edition_id")))
        return value_words(p.get("value"), p.get("decimals", 2), p.get("basis"))

    traces: list[dict[str, Any]] = []
    shown: set[str] = set()
    for number, (key, points) in enumerate(series.items()):
        for segment in segments(points):
            traces += series_traces(
                segment,
                y_key="display_rank" if rank else "value",
                basis_key="rank_basis" if rank else "basis",
                words=hover,
                name=labels.get(key, key),
                group=str(key),
                color=PALETTE[number % len(PALETTE)],
                shown=shown,
            )
    if rank:
        axis = rank_axis([p.get("display_rank") for p in everything], published=published)
    else:
        axis = {"title": {"text": _("Điểm")}}
    return {
        "data": traces,
        "layout": base_layout(
            xaxis={"title": {"text": _("Năm")}, "dtick": 1}, yaxis=axis, hovermode="closest"
        ),
    }
