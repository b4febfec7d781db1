"""What every dashboard chart shares: colours, the base layout, hover words for values and
ranks, the rank axis, and the traces of one series (real points on a line, illustrative ones as
hollow markers in their own legend entry)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec

import plotly.graph_objects as go
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indices.figures import Coverage, basis_mark, figure, rank_text
from indices.models import Basis

PALETTE = ["#0b4f8a", "#e07b00", "#5b2a86", "#2a9d8f", "#8a6d00", "#6b6b6b"]  # colour-blind safe
ILLUSTRATIVE_LINE = "#9aa0a6"
ILLUSTRATIVE_MARK = "#8a3b00"
MEAN_COLOR = "#9aa6b2"
P = ParamSpec("P")


def separators() -> str:
    return ",." if get_language() == "vi" else ".,"


def plotly_figure(build: Callable[P, dict[str, Any]]) -> Callable[P, dict[str, Any]]:
    """A chart builder's figure made with plotly's Python API: `go.Figure` validates every
    trace and layout property (an unknown one or a wrong value raises), and the figure goes to
    the page as the JSON plotly.js draws, without plotly.py's default template."""

    @functools.wraps(build)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> dict[str, Any]:
        spec = build(*args, **kwargs)
        figure = go.Figure(data=spec["data"], layout=spec["layout"])
        figure.layout.template = None
        return json.loads(figure.to_json())

    return wrapper


BREAK_COLOR = "#5b2a86"


def break_positions(breaks: set[int], years: list[int]) -> list[float]:
    """Where a methodology change is drawn: between the last year before the change and the
    change, or on the year of the change itself when the series starts there (DTI has no score
    before its 2022 method). Changes outside the years shown are not drawn."""
    if not years:
        return []
    return [
        year - 0.5 if any(y < year for y in years) else year
        for year in sorted(breaks)
        if min(years) <= year <= max(years)
    ]


def break_line(x: float) -> dict[str, Any]:
    """The dashed vertical line of a methodology change at `x`."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": x,
        "x1": x,
        "y0": 0,
        "y1": 1,
        "line": {"color": BREAK_COLOR, "dash": "dash", "width": 1},
    }


def base_layout(**extra: Any) -> dict[str, Any]:
    layout = {
        "separators": separators(),
        "margin": {"l": 56, "r": 56, "t": 24, "b": 48},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "x unified",
        "font": {"family": "Segoe UI, Roboto, Noto Sans, Arial, sans-serif", "size": 12},
    }
    layout.update(extra)
    return layout


def segments(points: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split a series at methodology breaks so that no line joins across one."""
    segments: list[list[dict[str, Any]]] = []
    for point in points:
        if not segments or point.get("break"):
            segments.append([])
        segments[-1].append(point)
    return segments


# Words ------------------------------------------------------------------------------------------


def value_words(value: Any, decimals: int, basis: str | None) -> str:
    """ "6,82 (Công bố)": the figure as the table shows it and its basis in words."""
    text = figure(value, decimals)
    if text == "—":
        return text
    return f"{text} ({basis_mark(basis).label})"


def rank_words(row: dict[str, Any], coverage: Coverage | None = None) -> str:
    """A rank in the publisher's terms. With the edition's coverage, as on the pages ("hạng
    19/63"); without it, "hạng 19" for a published rank and "thứ tự 44/61 (tính theo điểm)" for
    one the portal computed."""
    if row.get("display_rank") is None:
        return rank_text(row, coverage) if coverage is not None else "—"
    if coverage is not None:
        return rank_text(row, coverage)
    rank = int(row["display_rank"])
    if row.get("rank_basis") == Basis.PUBLISHED:
        return _("hạng %(rank)s") % {"rank": rank}
    return _("thứ tự %(rank)s/%(n)s (tính theo điểm)") % {
        "rank": rank,
        "n": int(row.get("peer_count") or 0),
    }


def rank_with_basis(row: dict[str, Any], coverage: Coverage | None = None) -> str:
    text = rank_words(row, coverage)
    if row.get("display_rank") is None:
        return text
    return f"{text} ({basis_mark(row.get('rank_basis')).label})"


def publishes_ranks(rows: Iterable[dict[str, Any]]) -> bool:
    """Whether any rank in these rows is the publisher's: PAPI's never are."""
    return any(row.get("rank_basis") == Basis.PUBLISHED for row in rows)


def rank_title(published: bool) -> str:
    if published:
        return _("Thứ hạng (1 = cao nhất)")
    return _("Thứ tự tính theo điểm (1 = cao nhất)")


def rank_axis(ranks: Iterable[Any], *, published: bool, **extra: Any) -> dict[str, Any]:
    """Whole places only, rank 1 at the top. The range reaches beyond rank 1 and the last rank
    (by half a place, or 6% of the places on a long axis), so no point sits on an edge; ticks
    are listed (1, then multiples of a step of at least 1), so no "0" is ever shown."""
    top = max((int(r) for r in ranks if r is not None), default=1)
    step = next((s for s in (1, 2, 5, 10, 20, 50) if top / s <= 10), 100)
    ticks = sorted({1, *range(step, top + 1, step)})
    pad = max(0.5, top * 0.06)
    axis = {
        "title": {"text": rank_title(published)},
        "autorange": "reversed",
        "autorangeoptions": {"include": [1 - pad, top + pad]},
        "tickmode": "array",
        "tickvals": ticks,
        "dtick": step,
        "tickformat": "d",
        "zeroline": False,
    }
    axis.update(extra)
    return axis


def is_illustrative(point: dict[str, Any], basis_key: str) -> bool:
    return point.get(basis_key) == Basis.ILLUSTRATIVE


def series_traces(
    segment: list[dict[str, Any]],
    *,
    y_key: str,
    basis_key: str,
    words: Callable[[dict[str, Any]], str],
    name: str,
    group: str,
    color: str,
    shown: set[str],
    yaxis: str | None = None,
    line: dict[str, Any] | None = None,
    symbol: str = "circle",
) -> list[dict[str, Any]]:
    """One segment of a series: real points on a solid line; illustrative ones, if any, as
    hollow markers in their own legend entry, tied to the line by a dotted grey connector."""
    x = [p["year"] for p in segment]
    real = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": name,
        "legendgroup": group,
        "showlegend": group not in shown,
        "x": x,
        "y": [None if is_illustrative(p, basis_key) else p.get(y_key) for p in segment],
        "customdata": [words(p) for p in segment],
        "line": {"color": color, **(line or {})},
        "marker": {"symbol": symbol, "color": color},
        "cliponaxis": False,  # a point at rank 1 or at the last rank is drawn whole
        "hovertemplate": f"%{{x}}: %{{customdata}}<extra>{name}</extra>",
    }
    shown.add(group)
    traces = [real]
    fake = [p for p in segment if is_illustrative(p, basis_key) and p.get(y_key) is not None]
    if fake:
        fake_group = f"{group}-illustrative"
        fake_name = _("%(name)s (minh họa)") % {"name": name}
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": fake_name,
                "legendgroup": fake_group,
                "showlegend": False,
                "hoverinfo": "skip",
                "x": x,
                "y": [p.get(y_key) for p in segment],
                "line": {"color": ILLUSTRATIVE_LINE, "dash": "dot", "width": 1.5},
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": fake_name,
                "legendgroup": fake_group,
                "showlegend": fake_group not in shown,
                "x": [p["year"] for p in fake],
                "y": [p[y_key] for p in fake],
                "customdata": [words(p) for p in fake],
                "marker": {
                    "symbol": f"{symbol}-open",
                    "size": 9,
                    "color": color,
                    "line": {"width": 2},
                },
                "cliponaxis": False,
                "hovertemplate": f"%{{x}}: %{{customdata}}<extra>{fake_name}</extra>",
            }
        )
        shown.add(fake_group)
    for trace in traces:
        if yaxis:
            trace["yaxis"] = yaxis
    return traces
