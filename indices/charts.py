"""Plotly figure specs (plain dicts) built from dashboard selector data. Labels are translated
here; the page's one script draws them with the plotly.js file served from static/.

Hover text is formatted here, never by d3 in the browser: every figure goes through
`indices.figures.figure` (half-up at the edition's precision) and says its basis in words, so a
chart reads exactly like the table beside it. Illustrative points get their own hollow-marker
trace named "… (minh họa)", so the legend tells them apart from real ones."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indices.figures import Coverage, basis_mark, figure, rank_text
from indices.labels import localized_name
from indices.models import Basis

PALETTE = ["#0b4f8a", "#e07b00", "#5b2a86", "#2a9d8f", "#8a6d00", "#6b6b6b"]  # colour-blind safe
ILLUSTRATIVE_LINE = "#9aa0a6"
ILLUSTRATIVE_MARK = "#8a3b00"
MEAN_COLOR = "#9aa6b2"


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


def _rank_axis(ranks: Iterable[Any], *, published: bool, **extra: Any) -> dict[str, Any]:
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


def _illustrative(point: dict[str, Any], basis_key: str) -> bool:
    return point.get(basis_key) == Basis.ILLUSTRATIVE


def _series_traces(
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
        "y": [None if _illustrative(p, basis_key) else p.get(y_key) for p in segment],
        "customdata": [words(p) for p in segment],
        "line": {"color": color, **(line or {})},
        "marker": {"symbol": symbol, "color": color},
        "cliponaxis": False,  # a point at rank 1 or at the last rank is drawn whole
        "hovertemplate": f"%{{x}}: %{{customdata}}<extra>{name}</extra>",
    }
    shown.add(group)
    traces = [real]
    fake = [p for p in segment if _illustrative(p, basis_key) and p.get(y_key) is not None]
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


# Figures ----------------------------------------------------------------------------------------


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
    coverages = coverages or {}

    def value_text(p: dict[str, Any]) -> str:
        return value_words(p.get("value"), p.get("decimals", decimals), p.get("basis"))

    def rank_hover(p: dict[str, Any]) -> str:
        return rank_with_basis(p, coverages.get(p.get("edition_id")))

    has_scores = any(p.get("value") is not None for p in series)
    has_ranks = any(p.get("display_rank") is not None for p in series)
    traces: list[dict[str, Any]] = []
    shown: set[str] = set()
    for segment in _segments(points):
        if has_scores:  # DTI 2022 published ranks only: no empty score line, no empty axis
            traces += _series_traces(
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
            traces += _series_traces(
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
    years = [p["year"] for p in series]
    ranks = [p.get("display_rank") for p in series]
    score_axis = has_scores
    if target is not None and target.kind == "score" and target.target_value is not None:
        score_axis = True
        years += [target.baseline_year, target.target_year]
        goal = figure(target.target_value, decimals)
        traces.append(
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
        has_ranks = True
        years += [target.baseline_year, target.target_year]
        ranks.append(target.target_rank)
        traces.append(
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
        years += [m.year for m in marks]
        if is_rank:
            ranks += [m.rank for m in marks]
        elif marks:
            score_axis = True
        traces.append(
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
    shapes, annotations = _break_marks(breaks, [p["year"] for p in series])
    xaxis: dict[str, Any] = {"title": {"text": _("Năm")}, "dtick": 1}
    if years:
        # Half a year either side: a single edition sits in the middle, not on an edge.
        xaxis["range"] = [min(years) - 0.5, max(years) + 0.5]
        xaxis["autorange"] = False
    yaxis: dict[str, Any] = {"title": {"text": value_label}}
    if not score_axis:
        yaxis = {"visible": False}
    yaxis2 = _rank_axis(ranks, published=published, overlaying="y", side="right")
    if not has_ranks:
        yaxis2["visible"] = False
    return {
        "data": traces,
        "layout": _base_layout(
            xaxis=xaxis,
            yaxis=yaxis,
            yaxis2=yaxis2,
            shapes=shapes,
            annotations=annotations,
        ),
    }


def _break_marks(breaks: set[int], years: list[int]) -> tuple[list[dict], list[dict]]:
    """A dashed line where the methodology changed: between the last year before the change and
    the change, or on the year of the change itself when the series starts there (DTI has no
    score before its 2022 method). Changes outside the years shown are not drawn."""
    shapes: list[dict] = []
    annotations: list[dict] = []
    if not years:
        return shapes, annotations
    for year in sorted(breaks):
        if not min(years) <= year <= max(years):
            continue
        x = year - 0.5 if any(y < year for y in years) else year
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#5b2a86", "dash": "dash", "width": 1},
            }
        )
        annotations.append(
            {
                "x": x,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "text": _("Đổi phương pháp"),
                "showarrow": False,
                "font": {"color": "#5b2a86", "size": 10},
                "yanchor": "bottom",
            }
        )
    return shapes, annotations


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
        fake = [_illustrative(d, basis_key) and d.get(key) is not None for d in data]
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
        "layout": _base_layout(
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
    coverages = coverages or {}

    def hover(p: dict[str, Any]) -> str:
        if rank:
            return rank_with_basis(p, coverages.get(p.get("edition_id")))
        return value_words(p.get("value"), p.get("decimals", 2), p.get("basis"))

    traces: list[dict[str, Any]] = []
    shown: set[str] = set()
    for number, (key, points) in enumerate(series.items()):
        for segment in _segments(points):
            traces += _series_traces(
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
        axis = _rank_axis([p.get("display_rank") for p in everything], published=published)
    else:
        axis = {"title": {"text": _("Điểm")}}
    return {
        "data": traces,
        "layout": _base_layout(
            xaxis={"title": {"text": _("Năm")}, "dtick": 1}, yaxis=axis, hovermode="closest"
        ),
    }


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
        if row is not None and heat[i][j] is not None and _illustrative(row, "analysis_basis")
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
        "layout": _base_layout(
            hovermode="closest",
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"automargin": True},
            margin={"l": 200, "r": 24, "t": 24, "b": 80},
            height=max(320, 26 * len(units) + 140),
            legend={"orientation": "h", "y": -0.25},
        ),
    }
