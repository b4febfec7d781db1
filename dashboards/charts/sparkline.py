"""A card's small trend: one unit's rank (or, where no edition ranks it, its score) over the
editions, small enough for a home page card. The conventions of the full trend hold: whole
places on a reversed rank axis, hover words with each figure's basis, illustrative points as
hollow markers, a lone point drawn as a marker, and no line joined across a methodology break
(a dashed line stands where the method changed)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dashboards.charts.common import (
    PALETTE,
    base_layout,
    break_line,
    break_positions,
    plotly_figure,
    rank_axis,
    rank_with_basis,
    segments,
    series_traces,
    value_words,
)
from indices.figures import Coverage


@plotly_figure
def sparkline_figure(
    *,
    series: list[dict[str, Any]],
    breaks: set[int],
    coverages: dict[int, Coverage] | None = None,
    ranks_published: bool = True,
    label: str = "",
) -> dict[str, Any]:
    """Points are result rows with their `year` (and `edition_id` for the rank's words). The
    figure plots ranks when any point has one, else scores; `label` names the series in the
    hover box (the index's short name)."""
    by_edition: dict[Any, Coverage] = coverages or {}
    by_rank = any(p.get("display_rank") is not None for p in series)
    points = [{**p, "break": p["year"] in breaks} for p in series]

    def words(p: dict[str, Any]) -> str:
        score = value_words(p.get("value"), p.get("decimals", 2), p.get("basis"))
        if p.get("display_rank") is None:
            return score
        rank = rank_with_basis(p, by_edition.get(p.get("edition_id")))
        return rank if score == "—" else f"{rank} · {score}"

    traces: list[dict[str, Any]] = []
    shown: set[str] = set()
    for segment in segments(points):
        traces += series_traces(
            segment,
            y_key="display_rank" if by_rank else "value",
            basis_key="rank_basis" if by_rank else "basis",
            words=words,
            name=label or (_("Thứ hạng") if by_rank else _("Điểm")),
            group="spark",
            color=PALETTE[0],
            shown=shown,
            line={"width": 2},
        )
    for trace in traces:
        trace["showlegend"] = False
        if "marker" in trace:
            trace["marker"]["size"] = 7
    years = [p["year"] for p in series]
    xaxis: dict[str, Any] = {"fixedrange": True, "showgrid": False, "tickformat": "d"}
    if years:
        # Half a year either side: a single edition sits in the middle, not on an edge.
        xaxis["range"] = [min(years) - 0.5, max(years) + 0.5]
        xaxis["autorange"] = False
        xaxis["tickmode"] = "array"
        xaxis["tickvals"] = sorted({min(years), max(years)})
    if by_rank:
        ranks = [int(p["display_rank"]) for p in series if p.get("display_rank") is not None]
        yaxis = rank_axis(ranks, published=ranks_published, fixedrange=True)
        yaxis["title"] = {"text": ""}
        # Two ticks are all a sparkline has room for: its best and its worst place.
        yaxis["tickvals"] = sorted({min(ranks), max(ranks)})
    else:
        yaxis = {"fixedrange": True, "nticks": 3, "zeroline": False}
    return {
        "data": traces,
        "layout": base_layout(
            height=110,
            margin={"l": 36, "r": 10, "t": 8, "b": 24},
            showlegend=False,
            hovermode="closest",
            font={"family": "Segoe UI, Roboto, Noto Sans, Arial, sans-serif", "size": 11},
            xaxis=xaxis,
            yaxis=yaxis,
            shapes=break_lines(breaks, years),
        ),
    }


def break_lines(breaks: set[int], years: list[int]) -> list[dict[str, Any]]:
    """A dashed line where the method changed (see `break_positions`)."""
    return [break_line(x) for x in break_positions(breaks, years)]
