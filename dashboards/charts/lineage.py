"""The successor's line through a merger: each predecessor's score, the pro-forma estimate
(dashed, derived) and the successor's own editions, with a line where the merger falls. Scores
only: ranks out of 63 and out of 34 are not drawn on one axis."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dashboards.charts.common import (
    base_layout,
    break_line,
    plotly_figure,
    segments,
    series_traces,
    value_words,
)

OWN_COLOR = "#0b4f8a"
PROFORMA_COLOR = "#2a9d8f"
PREDECESSOR_COLORS = ["#e07b00", "#5b2a86", "#8a6d00", "#6b6b6b"]


@plotly_figure
def lineage_figure(
    *, series: dict[str, list[dict[str, Any]]], labels: dict[str, str], formed: int
) -> dict[str, Any]:
    traces: list[dict[str, Any]] = []
    shown: set[str] = set()
    predecessors = [key for key in series if key not in ("proforma", "own")]
    for key, points in series.items():
        line: dict[str, Any]
        if key == "own":
            color, line = OWN_COLOR, {"width": 3}
        elif key == "proforma":
            color, line = PROFORMA_COLOR, {"dash": "dash"}
        else:
            number = predecessors.index(key)
            color = PREDECESSOR_COLORS[number % len(PREDECESSOR_COLORS)]
            line = {}
        for segment in segments(points):
            traces += series_traces(
                segment,
                y_key="value",
                basis_key="basis",
                words=lambda p: value_words(p.get("value"), p.get("decimals", 2), p.get("basis")),
                name=labels.get(key, key),
                group=key,
                color=color,
                shown=shown,
                line=line,
                symbol="diamond" if key == "proforma" else "circle",
            )
    years = [p["year"] for points in series.values() for p in points]
    shapes = [break_line(formed - 0.5)] if years and min(years) < formed <= max(years) else []
    annotations = (
        [
            {
                "x": formed - 0.5,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": _("Hợp nhất"),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "bottom",
            }
        ]
        if shapes
        else []
    )
    return {
        "data": traces,
        "layout": base_layout(
            xaxis={"dtick": 1},
            legend={"orientation": "h", "y": -0.12, "yanchor": "top"},
            margin={"l": 56, "r": 24, "t": 28, "b": 24},
            yaxis={"title": {"text": _("Điểm")}},
            hovermode="closest",
            shapes=shapes,
            annotations=annotations,
        ),
    }
