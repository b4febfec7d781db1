"""Plotly figure specs (plain dicts) built from dashboard selector data. Labels are translated
here; the page's one script draws them with the plotly.js file served from static/."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indices.labels import localized_name

PALETTE = ["#0b4f8a", "#e07b00", "#5b2a86", "#2a9d8f", "#8a6d00", "#6b6b6b"]  # colour-blind safe


def separators() -> str:
    return ",." if get_language() == "vi" else ".,"


def _base_layout(**extra: Any) -> dict[str, Any]:
    layout = {
        "separators": separators(),
        "margin": {"l": 56, "r": 56, "t": 24, "b": 48},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        "font": {"family": "Segoe UI, Roboto, Noto Sans, Arial, sans-serif", "size": 12},
    }
    layout.update(extra)
    return layout


def _segments(points: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split a series at methodology breaks so that no line joins across one."""
    segments: list[list[dict[str, Any]]] = []
    for point in points:
        if not segments or point.get("break"):
            segments.append([])
        segments[-1].append(point)
    return segments


def trend_figure(
    *,
    series: list[dict[str, Any]],
    breaks: set[int],
    target: Any = None,
    milestones: Any = None,
    value_label: str,
    decimals: int = 2,
) -> dict[str, Any]:
    """Score (left axis) and rank (right axis, inverted) over time; breaks never joined."""
    points = [{**p, "break": p["year"] in breaks} for p in series]
    traces: list[dict[str, Any]] = []
    for number, segment in enumerate(_segments(points)):
        valued = [p for p in segment]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": value_label,
                "legendgroup": "score",
                "showlegend": number == 0,
                "x": [p["year"] for p in valued],
                "y": [p["value"] for p in valued],
                "line": {"color": PALETTE[0], "width": 3},
                "hovertemplate": f"%{{x}}: %{{y:.{decimals}f}}<extra>{value_label}</extra>",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Thứ hạng"),
                "yaxis": "y2",
                "legendgroup": "rank",
                "showlegend": number == 0,
                "x": [p["year"] for p in valued],
                "y": [p["display_rank"] for p in valued],
                "line": {"color": PALETTE[1], "dash": "dot"},
                "marker": {"symbol": "diamond"},
                "hovertemplate": "%{x}: " + _("hạng") + " %{y}<extra></extra>",
            }
        )
    shapes = []
    annotations = []
    for year in sorted(breaks):
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": year - 0.5,
                "x1": year - 0.5,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#5b2a86", "dash": "dash", "width": 1},
            }
        )
        annotations.append(
            {
                "x": year - 0.5,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": _("Đổi phương pháp"),
                "showarrow": False,
                "font": {"color": "#5b2a86", "size": 10},
                "yanchor": "bottom",
            }
        )
    if target is not None and target.kind == "score" and target.target_value is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Mục tiêu"),
                "x": [target.baseline_year, target.target_year],
                "y": [float(target.target_value)] * 2,
                "line": {"color": "#2a9d8f", "dash": "dash"},
                "hovertemplate": _("Mục tiêu") + ": %{y}<extra></extra>",
            }
        )
    if target is not None and target.kind == "rank" and target.target_rank:
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _("Mục tiêu thứ hạng"),
                "yaxis": "y2",
                "x": [target.baseline_year, target.target_year],
                "y": [target.target_rank] * 2,
                "line": {"color": "#2a9d8f", "dash": "dash"},
            }
        )
    if milestones:
        is_rank = target is not None and target.kind == "rank"
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Mốc"),
                "x": [m.year for m in milestones],
                "y": [m.rank if is_rank else float(m.value) for m in milestones],
                "yaxis": "y2" if is_rank else "y",
                "marker": {"symbol": "x", "size": 9, "color": "#2a9d8f"},
            }
        )
    return {
        "data": traces,
        "layout": _base_layout(
            xaxis={"title": {"text": _("Năm")}, "dtick": 1},
            yaxis={"title": {"text": value_label}},
            yaxis2={
                "title": {"text": _("Thứ hạng (1 = cao nhất)")},
                "overlaying": "y",
                "side": "right",
                "autorange": "reversed",
                "rangemode": "tozero",
            },
            shapes=shapes,
            annotations=annotations,
        ),
    }


def components_figure(*, rows: list[dict[str, Any]], unit_label: str) -> dict[str, Any]:
    names = [f"{r['component'].code}. {localized_name(r['component'])}" for r in rows if r["row"]]
    data = [r["row"] for r in rows if r["row"]]
    traces = [
        {
            "type": "bar",
            "name": unit_label,
            "x": names,
            "y": [d["value"] for d in data],
            "marker": {"color": PALETTE[0]},
        },
        {
            "type": "bar",
            "name": _("Dẫn đầu"),
            "x": names,
            "y": [d["leader_value"] for d in data],
            "marker": {"color": PALETTE[1]},
        },
        {
            "type": "bar",
            "name": _("Trung bình cả nước"),
            "x": names,
            "y": [d["mean_value"] for d in data],
            "marker": {"color": "#9aa6b2"},
        },
    ]
    targets = [r for r in rows if r["row"] and r["target"] and r["target"].target_value]
    if targets:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _("Mục tiêu"),
                "x": [f"{r['component'].code}. {localized_name(r['component'])}" for r in targets],
                "y": [float(r["target"].target_value) for r in targets],
                "marker": {
                    "symbol": "line-ew-open",
                    "size": 22,
                    "color": "#2a9d8f",
                    "line": {"width": 3},
                },
            }
        )
    return {
        "data": traces,
        "layout": _base_layout(
            barmode="group",
            hovermode="closest",
            yaxis={"title": {"text": _("Điểm")}},
            xaxis={"automargin": True},
        ),
    }


def multi_trend_figure(
    *, series: dict[str, list[dict[str, Any]]], labels: dict[str, str], rank: bool = True
) -> dict[str, Any]:
    traces = []
    for number, (key, points) in enumerate(series.items()):
        for part, segment in enumerate(_segments(points)):
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": labels.get(key, key),
                    "legendgroup": key,
                    "showlegend": part == 0,
                    "x": [p["year"] for p in segment],
                    "y": [p["display_rank"] if rank else p["value"] for p in segment],
                    "line": {"color": PALETTE[number % len(PALETTE)]},
                }
            )
    axis = {"title": {"text": _("Thứ hạng (1 = cao nhất)") if rank else _("Điểm")}}
    if rank:
        axis["autorange"] = "reversed"
    return {
        "data": traces,
        "layout": _base_layout(
            xaxis={"title": {"text": _("Năm")}, "dtick": 1}, yaxis=axis, hovermode="closest"
        ),
    }


def heatmap_figure(
    *, units: list[str], components: list[str], heat: list[list[float | None]]
) -> dict[str, Any]:
    return {
        "data": [
            {
                "type": "heatmap",
                "x": components,
                "y": units,
                "z": heat,
                "colorscale": "Cividis",
                "reversescale": False,
                "zmax": 0,
                "colorbar": {"title": {"text": _("Cách đơn vị tốt nhất (% điểm tối đa)")}},
                "hovertemplate": "%{y}<br>%{x}: %{z}%<extra></extra>",
            }
        ],
        "layout": _base_layout(
            hovermode="closest",
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"automargin": True},
            margin={"l": 200, "r": 24, "t": 24, "b": 80},
            height=max(320, 26 * len(units) + 140),
        ),
    }
