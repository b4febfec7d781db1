"""The internal league's gaps to the best unit, per component."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dashboards.charts.common import (
    ILLUSTRATIVE_MARK,
    base_layout,
    is_illustrative,
    plotly_figure,
    value_words,
)
from indices.figures import basis_mark, figure


@plotly_figure
def heatmap_figure(
    *,
    units: list[str],
    components: list[str],
    heat: list[list[float | None]],
    rows: list[list[dict[str, Any] | None]] | None = None,
) -> dict[str, Any]:
    """Gap to the best unit per component. With `rows` (the component result behind each cell)
    the hover gives the unit's score and the basis of both; cells computed from illustrative
    scores are ringed, with a legend entry."""

    def cell_text(i: int, j: int) -> str:
        gap = heat[i][j]
        row = rows[i][j] if rows else None
        if gap is None:
            return _("không có dữ liệu")
        text = _("%(gap)s%% điểm tối đa") % {"gap": figure(gap, 1, signed=True)}
        if row is None:
            return text
        return _("%(gap)s (%(basis)s); điểm %(value)s") % {
            "gap": text,
            "basis": basis_mark(row.get("analysis_basis")).label,
            "value": value_words(row.get("value"), row.get("decimals", 2), row.get("basis")),
        }

    customdata = [[cell_text(i, j) for j in range(len(cells))] for i, cells in enumerate(heat)]
    traces: list[dict[str, Any]] = [
        {
            "type": "heatmap",
            "x": components,
            "y": units,
            "z": heat,
            "customdata": customdata,
            "colorscale": "Cividis",
            "reversescale": False,
            "zmax": 0,
            "colorbar": {"title": {"text": _("Cách đơn vị tốt nhất (% điểm tối đa)")}},
            "hovertemplate": "%{y}<br>%{x}: %{customdata}<extra></extra>",
        }
    ]
    fake = [
        (components[j], units[i])
        for i, cells in enumerate(rows or [])
        for j, row in enumerate(cells)
        if row is not None and heat[i][j] is not None and is_illustrative(row, "analysis_basis")
    ]
    if fake:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Ô tính từ số minh họa"),
                "x": [x for x, _y in fake],
                "y": [y for _x, y in fake],
                "marker": {
                    "symbol": "circle-open",
                    "size": 12,
                    "color": ILLUSTRATIVE_MARK,
                    "line": {"width": 2},
                },
                "hoverinfo": "skip",
                "showlegend": True,
            }
        )
    return {
        "data": traces,
        "layout": base_layout(
            hovermode="closest",
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"automargin": True},
            margin={"l": 200, "r": 24, "t": 24, "b": 80},
            height=max(320, 26 * len(units) + 140),
            legend={"orientation": "h", "y": -0.25},
        ),
    }
