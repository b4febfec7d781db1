"""A unit's components beside the leader and the mean."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from dashboards.charts.common import (
    MEAN_COLOR,
    PALETTE,
    base_layout,
    is_illustrative,
    plotly_figure,
    value_words,
)
from indices.figures import Coverage, figure
from indices.labels import localized_name


def short_label(code: str, name: str, limit: int = 16) -> str:
    """ "1. Gia nhập thị…": the code and the first words of the name, for an axis that has room
    for a few words only; the full name goes in the hover text."""
    if len(name) <= limit:
        return f"{code}. {name}"
    words: list[str] = []
    for word in name.split():
        if len(" ".join([*words, word])) > limit - 1:
            break
        words.append(word)
    return f"{code}. {' '.join(words) or name[: limit - 1]}…"


@plotly_figure
def components_figure(
    *, rows: list[dict[str, Any]], unit_label: str, coverage: Coverage | None = None
) -> dict[str, Any]:
    """The unit's components beside the leader and the mean. Each series keeps its colour; a bar
    of an illustrative figure is hatched over that colour, and the legend says so. The leader
    bar is as good as the leader's own value; the mean is as good as the peers it is taken
    over. Axis labels are short ("1. Gia nhập thị…"); the hover gives the full name."""
    shown = [r for r in rows if r["row"]]
    labels = [short_label(r["component"].code, localized_name(r["component"])) for r in shown]
    full = [f"{r['component'].code}. {localized_name(r['component'])}" for r in shown]
    data = [r["row"] for r in shown]
    peers = max((int(d.get("peer_count") or 0) for d in data), default=0)
    if coverage is not None:
        mean_name = _("Trung bình %(base)s") % {"base": coverage.aggregate_base(peers)}
    else:
        mean_name = _("Trung bình của %(n)s đơn vị có số liệu") % {"n": peers}

    def hatch(fake: list[bool], ink: str) -> dict[str, Any]:
        # "overlay": the bar keeps its own colour and the stripes are drawn over it.
        return {
            "shape": ["/" if f else "" for f in fake],
            "fillmode": "overlay",
            "fgcolor": ink,
            "fgopacity": 0.9,
            "size": 7,
            "solidity": 0.35,
        }

    def bar(name: str, key: str, basis_key: str, color: str, ink: str) -> dict[str, Any]:
        fake = [is_illustrative(d, basis_key) and d.get(key) is not None for d in data]
        return {
            "type": "bar",
            "name": name,
            "x": labels,
            "y": [d[key] for d in data],
            "hovertext": full,
            "customdata": [
                value_words(d[key], d.get("decimals", 2), d.get(basis_key)) for d in data
            ],
            "marker": {
                "color": color,
                "line": {"color": color, "width": 1},
                "pattern": hatch(fake, ink),
            },
            "hovertemplate": f"%{{hovertext}}: %{{customdata}}<extra>{name}</extra>",
        }

    traces = [
        bar(unit_label, "value", "basis", PALETTE[0], "#ffffff"),
        bar(_("Dẫn đầu"), "leader_value", "leader_basis", PALETTE[1], "#ffffff"),
        bar(mean_name, "mean_value", "analysis_basis", MEAN_COLOR, "#1d2733"),
    ]
    if any(any(t["marker"]["pattern"]["shape"]) for t in traces):
        # A legend-only entry: the stripes, whatever the bar's colour, mark an illustrative bar.
        traces.append(
            {
                "type": "bar",
                "name": _("Gạch chéo: số minh họa"),
                "x": [None],
                "y": [None],
                "marker": {
                    "color": "#ffffff",
                    "pattern": {"shape": "/", "fgcolor": "#1d2733", "size": 7, "solidity": 0.35},
                    "line": {"color": "#1d2733", "width": 1},
                },
                "hoverinfo": "skip",
            }
        )
    targets = [
        (label, r)
        for label, r in zip(labels, shown, strict=True)
        if r["target"] and r["target"].target_value
    ]
    if targets:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Mục tiêu"),
                "x": [label for label, _r in targets],
                "y": [float(r["target"].target_value) for _label, r in targets],
                "hovertext": [
                    f"{r['component'].code}. {localized_name(r['component'])}"
                    for _label, r in targets
                ],
                "customdata": [
                    figure(r["target"].target_value, r["row"].get("decimals", 2))
                    for _label, r in targets
                ],
                "marker": {
                    "symbol": "line-ew-open",
                    "size": 22,
                    "color": "#2a9d8f",
                    "line": {"width": 3},
                },
                "cliponaxis": False,
                "hovertemplate": "%{hovertext}: %{customdata}<extra>" + _("Mục tiêu") + "</extra>",
            }
        )
    return {
        "data": traces,
        "layout": base_layout(
            barmode="group",
            hovermode="closest",
            height=460,
            # The legend sits above the plot, so the rotated labels below have the margin.
            legend={
                "orientation": "h",
                "x": 0,
                "xanchor": "left",
                "y": 1.02,
                "yanchor": "bottom",
            },
            margin={"l": 56, "r": 16, "t": 72, "b": 24},
            yaxis={"title": {"text": _("Điểm")}, "rangemode": "tozero"},
            xaxis={"automargin": True, "tickangle": -35},
        ),
    }
