"""Plotly figure specs (plain dicts) built from dashboard selector data. Labels are translated
here; the page's one script draws them with the plotly.js file served from static/.

Hover text is formatted here, never by d3 in the browser: every figure goes through
`indices.figures.figure` (half-up at the edition's precision) and says its basis in words, so a
chart reads exactly like the table beside it. Illustrative points get their own hollow-marker
trace named "… (minh họa)", so the legend tells them apart from real ones."""

from dashboards.charts.common import (
    publishes_ranks,
    rank_title,
    rank_with_basis,
    rank_words,
    separators,
    value_words,
)
from dashboards.charts.components import components_figure, short_label
from dashboards.charts.heatmap import heatmap_figure
from dashboards.charts.lineage import lineage_figure
from dashboards.charts.sparkline import sparkline_figure
from dashboards.charts.trends import multi_trend_figure, trend_figure

__all__ = [
    "components_figure",
    "heatmap_figure",
    "lineage_figure",
    "multi_trend_figure",
    "publishes_ranks",
    "rank_title",
    "rank_with_basis",
    "rank_words",
    "separators",
    "short_label",
    "sparkline_figure",
    "trend_figure",
    "value_words",
]
